"""Bump a course's page-cache version whenever anything its pages show changes.

Connected by PostsConfig.ready(). Comments and awards are named by lazy
"app_label.Model" senders, so posts still imports neither app. Every write in
those apps goes through model save()/delete() (their services never change a
status with QuerySet.update(), which sends no signal); a service that ever
does must call bump_course_version itself.
"""

from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from courses.cache import bump_course_version, is_enabled
from courses.models import Course, Membership

from .models import Category, Post, Tag


def _bump_course_id(course_id) -> None:
    if not is_enabled():
        return  # spare the query when page caching is off
    slug = Course.objects.filter(pk=course_id).values_list("slug", flat=True).first()
    if slug:
        bump_course_version(slug)


def _bump_post_id(post_id) -> None:
    if not is_enabled():
        return
    slug = Course.objects.filter(posts__pk=post_id).values_list("slug", flat=True).first()
    if slug:
        bump_course_version(slug)


def _cached(instance, field_name):
    """The related object if it is already loaded, to spare a query."""
    descriptor = type(instance)._meta.get_field(field_name)
    return descriptor.get_cached_value(instance, default=None)


def _bump_for_post(post) -> None:
    course = _cached(post, "course")
    if course is not None:
        bump_course_version(course.slug)
    else:
        _bump_course_id(post.course_id)


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
@receiver(post_save, sender=Category, dispatch_uid="pagecache-category-saved")
@receiver(post_delete, sender=Category, dispatch_uid="pagecache-category-deleted")
@receiver(post_save, sender=Tag, dispatch_uid="pagecache-tag-saved")
@receiver(post_delete, sender=Tag, dispatch_uid="pagecache-tag-deleted")
@receiver(post_save, sender="awards.AwardType", dispatch_uid="pagecache-awardtype-saved")
@receiver(post_delete, sender="awards.AwardType", dispatch_uid="pagecache-awardtype-deleted")
@receiver(post_save, sender="awards.EditorialTerm", dispatch_uid="pagecache-term-saved")
@receiver(post_delete, sender="awards.EditorialTerm", dispatch_uid="pagecache-term-deleted")
def _course_part_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return  # loaddata: nothing is cached for rows that did not exist
    course = _cached(instance, "course")
    if course is not None:
        bump_course_version(course.slug)
    else:
        _bump_course_id(instance.course_id)


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="pagecache-user-saved")
def _user_changed(sender, instance, raw=False, update_fields=None, **kwargs):
    # A username shows where a member has no display name. Logging in saves only
    # last_login: that changes nothing the pages show.
    if raw or not is_enabled() or (update_fields is not None and "username" not in update_fields):
        return
    for slug in Course.objects.filter(memberships__user=instance).values_list("slug", flat=True):
        bump_course_version(slug)


@receiver(post_save, sender=Post, dispatch_uid="pagecache-post-saved")
@receiver(post_delete, sender=Post, dispatch_uid="pagecache-post-deleted")
def _post_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        _bump_for_post(instance)


@receiver(m2m_changed, sender=Post.tags.through, dispatch_uid="pagecache-post-tags")
def _post_tags_changed(sender, instance, action, reverse, **kwargs):
    if action.startswith("post_"):
        if reverse:  # tag.posts.add(...): the tag's course
            _bump_course_id(instance.course_id)
        else:
            _bump_for_post(instance)


@receiver(post_save, sender="comments.Comment", dispatch_uid="pagecache-comment-saved")
@receiver(post_delete, sender="comments.Comment", dispatch_uid="pagecache-comment-deleted")
@receiver(post_save, sender="awards.Award", dispatch_uid="pagecache-award-saved")
@receiver(post_delete, sender="awards.Award", dispatch_uid="pagecache-award-deleted")
def _post_part_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    post = _cached(instance, "post")
    if post is not None:
        _bump_for_post(post)
    else:
        _bump_post_id(instance.post_id)
