"""Comment emails, and the news other apps hear of a comment becoming visible.

Services call on_comment_visible / on_comment_held / on_held_comment_approved
inside their transaction. Each enqueues one background task once the
transaction commits (so a rolled-back comment tells nobody); the task reads the
comment afresh, sends the emails and sends `comment_became_visible` for other
apps (account's in-site notices). Posting a comment therefore pays for one
small insert, not for the reads, checks and rendering of every email: that work
runs in the task worker (under `make run` and in tests, at once: settings.TASKS).
Each email links to the comment and carries a signed one-click link that mutes
the post.
"""

import logging

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.dispatch import Signal
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django_tasks import task

from core import mail
from courses import permissions as course_permissions
from courses.models import Membership

from .models import Comment, NotificationPreference, PostMute, membership_of_author

MUTE_SALT = "comments.mute-post"

logger = logging.getLogger(__name__)

# Sent from the task with the comment freshly read (post, course, author, parent loaded)
# and `held`: whether it was held for moderation and has just been approved.
comment_became_visible = Signal()


class Kind:
    """Each kind of email maps to a switch on NotificationPreference."""

    COMMENT_ON_POST = "on_comment_on_my_post"
    REPLY = "on_reply"
    APPROVED = "on_approved"
    MODERATION = "on_moderation"


def mute_token(*, user, post) -> str:
    return signing.dumps({"u": user.pk, "p": post.pk}, salt=MUTE_SALT)


def read_mute_token(token: str) -> tuple[int, int]:
    """(user id, post id); raises signing.BadSignature if the link was tampered with."""
    data = signing.loads(token, salt=MUTE_SALT)
    return int(data["u"]), int(data["p"])


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def wants(user, kind: str, post) -> bool:
    if not user.is_active or not user.email:
        return False
    if not course_permissions.can_read(user, post.course):
        return False  # a former member of a members-only course hears nothing more of it
    preference = NotificationPreference.objects.filter(user=user).first()
    if preference is not None and not getattr(preference, kind):
        return False
    return not PostMute.objects.filter(user=user, post=post).exists()


def _send(*, user, kind: str, comment: Comment, subject, template: str) -> None:
    """`subject` is lazy: it and the body are written in the recipient's language."""
    if not wants(user, kind, comment.post):
        return
    context = {
        "recipient": user,
        "comment": comment,
        "post": comment.post,
        "comment_url": absolute(comment.get_absolute_url()),
        "mute_url": absolute(
            reverse("comments:mute", kwargs={"token": mute_token(user=user, post=comment.post)})
        ),
        "settings_url": absolute(reverse("comments:notification-settings")),
    }
    with mail.in_language_of(user):
        # The commenter's name too ("Former member" is translated).
        subject_line = subject % {"name": comment.author_name, "title": comment.post.title}
        body = render_to_string(template, context)
    mail.send(subject=subject_line, body=body, to=[user.email])  # a background task (core/mail.py)


def _fresh(comment_pk: int) -> Comment | None:
    return (
        Comment.objects.select_related("post", "post__course", "author", "parent")
        .annotate(author_display_name=membership_of_author("display_name"))
        .filter(pk=comment_pk)
        .first()
    )


def _send_visible_comment(comment: Comment) -> None:
    """A comment has just become visible: tell the post's author and the parent's author."""
    post = comment.post
    told = {comment.author_id}
    parent_author = comment.parent.author if comment.parent_id and comment.parent.author_id else None
    if parent_author is not None and parent_author.pk not in told:
        told.add(parent_author.pk)
        _send(
            user=parent_author,
            kind=Kind.REPLY,
            comment=comment,
            subject=gettext_lazy("%(name)s replied to your comment on “%(title)s”"),
            template="comments/email/reply.txt",
        )
    if post.author_id not in told:
        _send(
            user=post.author,
            kind=Kind.COMMENT_ON_POST,
            comment=comment,
            subject=gettext_lazy("%(name)s commented on “%(title)s”"),
            template="comments/email/comment_on_post.txt",
        )


def _send_approved(comment: Comment) -> None:
    if comment.author is None:
        return
    _send(
        user=comment.author,
        kind=Kind.APPROVED,
        comment=comment,
        subject=gettext_lazy("Your comment on “%(title)s” is now published"),
        template="comments/email/approved.txt",
    )


@task()
def tell_of_visible_comment(comment_pk: int, held: bool) -> str:
    """The emails and the news of a comment that has become visible (held: approved after a hold)."""
    comment = _fresh(comment_pk)
    if comment is None or not comment.is_approved:
        return "no longer visible"
    if held:
        _send_approved(comment)
    _send_visible_comment(comment)
    for receiver, error in comment_became_visible.send_robust(sender=Comment, comment=comment, held=held):
        if error is not None:  # one listener's failure must not cost the others, nor the emails
            logger.error("%s failed for comment %s: %r", receiver, comment_pk, error)
    return "told"


@task()
def tell_of_held_comment(comment_pk: int) -> str:
    """A comment waits for moderation: the course's instructors hear of it."""
    comment = _fresh(comment_pk)
    if comment is None or not comment.is_pending:
        return "no longer waiting"
    instructors = (
        Membership.objects.instructors()
        .filter(course=comment.post.course)
        .select_related("user", "user__language_preference")
    )
    for membership in instructors:
        if membership.user_id == comment.author_id:
            continue
        _send(
            user=membership.user,
            kind=Kind.MODERATION,
            comment=comment,
            subject=gettext_lazy("A comment on “%(title)s” awaits moderation"),
            template="comments/email/moderation.txt",
        )
    return "told"


def _enqueue_after_commit(enqueue) -> None:
    # robust: a task backend that is down must not fail the write that was already committed.
    transaction.on_commit(enqueue, robust=True)


def on_comment_visible(comment: Comment) -> None:
    _enqueue_after_commit(lambda pk=comment.pk: tell_of_visible_comment.enqueue(pk, False))


def on_comment_held(comment: Comment) -> None:
    _enqueue_after_commit(lambda pk=comment.pk: tell_of_held_comment.enqueue(pk))


def on_held_comment_approved(comment: Comment) -> None:
    _enqueue_after_commit(lambda pk=comment.pk: tell_of_visible_comment.enqueue(pk, True))
