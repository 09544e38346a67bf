"""Bump the course's cache version when an award, award type or editorial term changes (core/cache.py).

Every write goes through model save()/delete(); a service that ever changes
rows with QuerySet.update(), which sends no signal, must bump the version itself.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from courses.signals import bump_course_of
from posts.signals import bump_course_of_post

from .models import Award, AwardType, EditorialTerm


@receiver(post_save, sender=AwardType, dispatch_uid="pagecache-awardtype-saved")
@receiver(post_delete, sender=AwardType, dispatch_uid="pagecache-awardtype-deleted")
@receiver(post_save, sender=EditorialTerm, dispatch_uid="pagecache-term-saved")
@receiver(post_delete, sender=EditorialTerm, dispatch_uid="pagecache-term-deleted")
def _course_part_changed(sender, instance, raw=False, **kwargs):
    if not raw:  # loaddata: nothing is cached for rows that did not exist
        bump_course_of(instance)


@receiver(post_save, sender=Award, dispatch_uid="pagecache-award-saved")
@receiver(post_delete, sender=Award, dispatch_uid="pagecache-award-deleted")
def _award_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        bump_course_of_post(instance)
