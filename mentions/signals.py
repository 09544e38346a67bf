"""Recompute mentions when a post or a comment is saved.

A save that names its fields and leaves the body out (publishing, unpublishing,
moderation) cannot change the links, so it costs nothing here: what shows is
filtered when read, and the apps' own signals bump the course's version.

Deleting a post or a comment takes its rows with it (on_delete=CASCADE), and
the course's version is bumped for that delete by posts/signals.py and
comments/signals.py (a mention never leaves its course), so no post_delete
receiver is needed here: tests/mentions/test_page.py holds it.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver

from comments.models import Comment
from posts.models import Post

from . import services


def _body_may_have_changed(update_fields) -> bool:
    return update_fields is None or "body" in update_fields or "body_html" in update_fields


@receiver(post_save, sender=Post, dispatch_uid="mentions-post-saved")
def _post_saved(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if not raw and _body_may_have_changed(update_fields):
        services.mentions_sync_post(post=instance, created=created)


@receiver(post_save, sender=Comment, dispatch_uid="mentions-comment-saved")
def _comment_saved(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if not raw and _body_may_have_changed(update_fields):
        services.mentions_sync_comment(comment=instance, created=created)
