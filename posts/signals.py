"""Bump the course's cache version when a post, category or tag changes (core/cache.py).

Every write goes through model save()/delete(); a service that ever changes
rows with QuerySet.update(), which sends no signal, must bump the version itself.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from core.cache import bump_course_version, is_enabled
from courses.models import Course
from courses.signals import bump_course_id, bump_course_of, loaded_related

from .models import Category, Post, Tag


def bump_course_of_post(instance) -> None:
    """Bump the course of any row with a `post` foreign key (a comment, an award)."""
    post = loaded_related(instance, "post")
    if post is not None:
        bump_course_of(post)
    elif is_enabled():
        slug = Course.objects.filter(posts__pk=instance.post_id).values_list("slug", flat=True).first()
        if slug:
            bump_course_version(slug)


@receiver(post_save, sender=Post, dispatch_uid="pagecache-post-saved")
@receiver(post_delete, sender=Post, dispatch_uid="pagecache-post-deleted")
@receiver(post_save, sender=Category, dispatch_uid="pagecache-category-saved")
@receiver(post_delete, sender=Category, dispatch_uid="pagecache-category-deleted")
@receiver(post_save, sender=Tag, dispatch_uid="pagecache-tag-saved")
@receiver(post_delete, sender=Tag, dispatch_uid="pagecache-tag-deleted")
def _course_part_changed(sender, instance, raw=False, **kwargs):
    if not raw:  # loaddata: nothing is cached for rows that did not exist
        bump_course_of(instance)


@receiver(m2m_changed, sender=Post.tags.through, dispatch_uid="pagecache-post-tags")
def _post_tags_changed(sender, instance, action, reverse, **kwargs):
    if action.startswith("post_"):
        if reverse:  # tag.posts.add(...): the tag's course
            bump_course_id(instance.course_id)
        else:
            bump_course_of(instance)
