"""Who may comment, edit and moderate. Views and the template tag ask here, never inline."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from courses import permissions as course_permissions

from .models import Comment


def edit_window() -> datetime.timedelta:
    return datetime.timedelta(minutes=getattr(settings, "COMMENT_EDIT_WINDOW_MINUTES", 15))


@dataclass(frozen=True)
class CommentAccess:
    """What a reader may do under a post. `reason` says why not, in words for them."""

    allowed: bool
    as_guest: bool = False
    reason: str = ""


def comment_access(user, post) -> CommentAccess:
    """Assumes the caller already checked the reader may see the post (else it is a 404)."""
    course = post.course
    if course_permissions.is_archived(course):
        return CommentAccess(False, reason=_(course_permissions.ARCHIVED_MESSAGE))
    if not post.is_live:
        return CommentAccess(False, reason=_("Comments open when the post is published."))
    if user.is_authenticated:
        if course_permissions.is_member(user, course):
            return CommentAccess(True)
        return CommentAccess(
            False, reason=_("Only members of this course can comment. Join it with its code.")
        )
    if course.is_public and course.allow_guest_comments:
        return CommentAccess(True, as_guest=True)
    return CommentAccess(False, reason=_("Log in as a member of this course to comment."))


def can_moderate(user, course) -> bool:
    return user.is_authenticated and course_permissions.is_instructor(user, course)


def can_edit(user, comment: Comment, *, now=None) -> bool:
    """The author, within the edit window, while the comment is not removed or spam."""
    if not user.is_authenticated or comment.author_id != user.pk:
        return False
    if comment.status not in (Comment.Status.APPROVED, Comment.Status.PENDING):
        return False
    return (now or timezone.now()) < comment.created_at + edit_window()


def can_remove_own(user, comment: Comment) -> bool:
    return (
        user.is_authenticated
        and comment.author_id == user.pk
        and comment.status in (Comment.Status.APPROVED, Comment.Status.PENDING)
    )
