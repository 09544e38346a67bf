"""A revision that changed a published post's text changes its page ("Updated <date>"): bump the course.

The post's own save bumps the version already, but the revision is written a
moment later; a reader rendering in between would keep the page without the date.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver

from posts.signals import bump_course_of_post

from .models import Revision


@receiver(post_save, sender=Revision, dispatch_uid="pagecache-revision-saved")
def _revision_saved(sender, instance, raw=False, **kwargs):
    if not raw and instance.edits_published:
        bump_course_of_post(instance)
