"""The index follows every save of a post or comment, and every change of tags (search/index.py).

Deleting a post or a comment needs nothing here: their entries go with them
(ON DELETE CASCADE). Every write of posts and comments goes through save()
(posts/signals.py and comments/signals.py say so too); a service that ever
changes them with QuerySet.update() must call search.index itself.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from comments.models import Comment
from posts.models import Post, Tag

from . import index

# A save touching none of these cannot change what is found.
_POST_FIELDS = {"title", "body", "body_html", "status", "published_at", "course"}
_COMMENT_FIELDS = {"status", "body", "body_html", "post"}


def _matters(update_fields, fields) -> bool:
    return update_fields is None or bool(fields & set(update_fields))


@receiver(post_save, sender=Post, dispatch_uid="search-post-saved")
def _post_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    if not raw and _matters(update_fields, _POST_FIELDS):  # loaddata: rebuild_search afterwards
        index.sync_post(instance)


@receiver(post_save, sender=Comment, dispatch_uid="search-comment-saved")
def _comment_saved(sender, instance, created=False, raw=False, update_fields=None, **kwargs):
    if not raw and _matters(update_fields, _COMMENT_FIELDS):
        index.sync_comment(instance, created=created)


@receiver(m2m_changed, sender=Post.tags.through, dispatch_uid="search-post-tags")
def _post_tags_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not reverse:  # post.tags.add/remove/set/clear()
        if action in ("post_add", "post_remove", "post_clear"):
            index.sync_tags([instance.pk])
    elif action == "pre_clear":  # tag.posts.clear(): which posts, while it is still known
        instance._search_untagged_posts = index.posts_tagged(instance)
    elif action == "post_clear":
        index.sync_tags(getattr(instance, "_search_untagged_posts", ()))
    elif action in ("post_add", "post_remove"):
        index.sync_tags(pk_set or ())


@receiver(post_save, sender=Tag, dispatch_uid="search-tag-saved")
def _tag_saved(sender, instance, created, raw=False, **kwargs):
    if not raw and not created:  # a rename
        index.sync_tags(index.posts_tagged(instance))


@receiver(pre_delete, sender=Tag, dispatch_uid="search-tag-deleting")
def _tag_deleting(sender, instance, **kwargs):
    instance._search_untagged_posts = index.posts_tagged(instance)


@receiver(post_delete, sender=Tag, dispatch_uid="search-tag-deleted")
def _tag_deleted(sender, instance, **kwargs):
    index.sync_tags(getattr(instance, "_search_untagged_posts", ()))
