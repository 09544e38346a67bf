"""Writes to comments. Views, admin actions and the demo all come through here.

Every status change recomputes Post.comment_count (approved comments only) with
one UPDATE in the same transaction, so lists show the count without a join.
"""

import re

from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from courses import permissions as course_permissions
from posts.models import Post

from . import abuse, notifications
from .abuse import CommentRefused
from .models import Comment, CommentRevision

MAX_LINKS_BEFORE_HOLD = 2
_LINK = re.compile(r"<a\s", re.IGNORECASE)


def _lock_post(post_pk: int) -> None:
    """Take the post's row lock first, so writers of one post's comments take turns.

    Without it, on PostgreSQL two comments committing together could each count
    from a snapshot missing the other, and the list would show one too few.
    (SQLite's immediate transactions already take turns; the lock is a no-op there.)
    """
    list(Post.objects.select_for_update().filter(pk=post_pk).values_list("pk", flat=True))


def recount(*, post: Post) -> None:
    approved = (
        Comment.objects.filter(post=OuterRef("pk"), status=Comment.Status.APPROVED)
        .order_by()
        .values("post")
        .annotate(n=Count("pk"))
        .values("n")
    )
    Post.objects.filter(pk=post.pk).update(comment_count=Coalesce(Subquery(approved), 0))


def link_count(body_html: str) -> int:
    return len(_LINK.findall(body_html))


def _needs_moderation(*, post: Post, author, body_html: str) -> bool:
    if author is None:
        return True  # every guest comment is held
    course = post.course
    if course_permissions.is_instructor(author, course):
        return False
    if link_count(body_html) > MAX_LINKS_BEFORE_HOLD:
        return True
    if course.moderate_first_comment:
        # Held until an instructor has approved one of theirs in this course.
        return not Comment.objects.filter(
            post__course=course, author=author, status=Comment.Status.APPROVED
        ).exists()
    return False


def reply_parent(*, post: Post, parent: Comment | None) -> Comment | None:
    """Where a reply attaches: a reply to the deepest level becomes a sibling at that level."""
    if parent is None:
        return None
    if parent.post_id != post.pk or parent.status != Comment.Status.APPROVED:
        raise CommentRefused(_("That comment cannot be replied to any more. Your text is kept below."))
    while parent is not None and parent.depth >= post.course.max_comment_depth:
        parent = parent.parent
    return parent


def comment_create(
    *,
    post: Post,
    body: str,
    author=None,
    guest_name: str = "",
    guest_email: str = "",
    parent: Comment | None = None,
    ip_address: str | None = None,
) -> Comment:
    """Post a comment, held or approved by the course's rules. Raises CommentRefused."""
    abuse.check_rate_limit(user=author, ip_address=ip_address)
    attach_to = reply_parent(post=post, parent=parent)
    comment = Comment(
        post=post,
        author=author,
        guest_name="" if author else guest_name.strip(),
        guest_email="" if author else guest_email.strip(),
        parent=attach_to,
        depth=attach_to.depth + 1 if attach_to else 1,
        body=body,
    )
    # Rendered before the lock: on SQLite the post's row lock is the database's one write
    # lock, and every other writer would wait while this comment's Markdown is rendered.
    comment.render_body()
    with transaction.atomic():
        _lock_post(post.pk)
        # Under the lock, from the stored comments: a resend after a failed answer is refused.
        abuse.check_duplicate(post=post, user=author, guest_email=guest_email, body=body)
        held = _needs_moderation(post=post, author=author, body_html=comment.body_html)
        comment.status = Comment.Status.PENDING if held else Comment.Status.APPROVED
        comment.save()
        # Counted now, not after the emails: a failed send must not leave it uncounted.
        abuse.count_comment(user=author, ip_address=ip_address)
        if held:
            notifications.on_comment_held(comment)
        else:
            recount(post=post)
            notifications.on_comment_visible(comment)
    return comment


def _set_status(*, comment: Comment, status: str, by) -> Comment:
    with transaction.atomic():
        _lock_post(comment.post_id)
        # Read the status under the lock: two moderators at once send one email, not two.
        previous = Comment.objects.filter(pk=comment.pk).values_list("status", flat=True).get()
        comment.status = status
        comment.moderated_by = by
        comment.moderated_at = timezone.now()
        comment.save(update_fields=["status", "moderated_by", "moderated_at"])
        if Comment.Status.APPROVED in (previous, status):
            recount(post=comment.post)
        if status == Comment.Status.APPROVED and previous == Comment.Status.PENDING:
            notifications.on_held_comment_approved(comment)
        elif status == Comment.Status.APPROVED and previous != status:
            notifications.on_comment_visible(comment)
    return comment


def comment_approve(*, comment: Comment, by) -> Comment:
    return _set_status(comment=comment, status=Comment.Status.APPROVED, by=by)


def comment_mark_spam(*, comment: Comment, by) -> Comment:
    return _set_status(comment=comment, status=Comment.Status.SPAM, by=by)


def comment_remove(*, comment: Comment, by) -> Comment:
    """Soft removal by a moderator or by the author: the row stays, the thread keeps a placeholder."""
    return _set_status(comment=comment, status=Comment.Status.REMOVED, by=by)


def comment_edit(*, comment: Comment, body: str, by) -> Comment:
    """The author's edit: the earlier version is kept as a revision for instructors."""
    if body == comment.body:
        return comment
    earlier = comment.body
    comment.body = body
    comment.render_body()  # before the lock, as in comment_create
    with transaction.atomic():
        _lock_post(comment.post_id)
        CommentRevision.objects.create(
            comment=comment, body=earlier, written_at=comment.edited_at or comment.created_at
        )
        comment.edited_at = timezone.now()
        was_approved = comment.is_approved
        if was_approved and _needs_link_hold(comment=comment, by=by):
            comment.status = Comment.Status.PENDING  # an edit may not smuggle in a link farm
        comment.save(update_fields=["body", "edited_at", "status"])
        if was_approved and not comment.is_approved:
            recount(post=comment.post)
            notifications.on_comment_held(comment)
    return comment


def _needs_link_hold(*, comment: Comment, by) -> bool:
    if course_permissions.is_instructor(by, comment.post.course):
        return False
    return link_count(comment.body_html) > MAX_LINKS_BEFORE_HOLD
