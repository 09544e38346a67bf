"""Bump the course's cache version when a comment changes (core/cache.py).

Every write goes through model save()/delete() (the services never change a
status with QuerySet.update(), which sends no signal); a service that ever
does must bump the version itself.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from posts.signals import bump_course_of_post

from .models import Comment


@receiver(post_save, sender=Comment, dispatch_uid="pagecache-comment-saved")
@receiver(post_delete, sender=Comment, dispatch_uid="pagecache-comment-deleted")
def _comment_changed(sender, instance, raw=False, **kwargs):
    if not raw:  # loaddata: nothing is cached for rows that did not exist
        bump_course_of_post(instance)
