"""Bump a course's cache version when the course, a membership or a member's name changes.

Each app keeps the version current for its own models in its own signals.py,
with the helpers below; core/cache.py explains the version.
"""

from django.conf import settings
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from core.cache import bump_course_version, is_enabled

from .models import Course, Membership


def bump_course_id(course_id) -> None:
    if not is_enabled():
        return  # spare the query when caching is off
    slug = Course.objects.filter(pk=course_id).values_list("slug", flat=True).first()
    if slug:
        bump_course_version(slug)


def loaded_related(instance, field_name):
    """The related object if it is already loaded, to spare a query; else None."""
    return type(instance)._meta.get_field(field_name).get_cached_value(instance, default=None)


def bump_course_of(instance) -> None:
    """Bump the course of any row with a `course` foreign key."""
    course = loaded_related(instance, "course")
    if course is not None:
        bump_course_version(course.slug)
    else:
        bump_course_id(instance.course_id)


@receiver(pre_save, sender=Course, dispatch_uid="pagecache-course-renamed")
def _course_renamed(sender, instance, raw=False, **kwargs):
    # Pages cached under the old slug must not outlive a rename (or a change of visibility).
    if instance.pk and not raw and is_enabled():
        old_slug = Course.objects.filter(pk=instance.pk).values_list("slug", flat=True).first()
        if old_slug and old_slug != instance.slug:
            bump_course_version(old_slug)


@receiver(post_save, sender=Course, dispatch_uid="pagecache-course-saved")
@receiver(post_delete, sender=Course, dispatch_uid="pagecache-course-deleted")
def _course_changed(sender, instance, **kwargs):
    bump_course_version(instance.slug)


@receiver(post_save, sender=Membership, dispatch_uid="pagecache-membership-saved")
@receiver(post_delete, sender=Membership, dispatch_uid="pagecache-membership-deleted")
def _membership_changed(sender, instance, raw=False, **kwargs):
    if not raw:  # loaddata: nothing is cached for rows that did not exist
        bump_course_of(instance)


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="pagecache-user-saved")
def _user_changed(sender, instance, raw=False, update_fields=None, **kwargs):
    # A username shows where a member has no display name. Logging in saves only
    # last_login: that changes nothing the pages show.
    if raw or not is_enabled() or (update_fields is not None and "username" not in update_fields):
        return
    for slug in Course.objects.filter(memberships__user=instance).values_list("slug", flat=True):
        bump_course_version(slug)
