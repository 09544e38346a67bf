"""Writes of the reader's corner: names, the email change, course visits and notices.

Views, signals and tests all come through here.
"""

import datetime
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from awards.models import Award
from comments.models import Comment
from core import mail
from core.cache import bump_course_version, cached_fragment
from courses.models import Membership
from posts.models import Post, live

from .models import CourseVisit, Notice

logger = logging.getLogger(__name__)
User = get_user_model()

# A visit is recorded at most this often per member: the front page then writes
# once in a while, not on every request.
VISIT_RESOLUTION = datetime.timedelta(minutes=5)

EMAIL_CHANGE_SALT = "account.email-change"
EMAIL_CHANGE_LINK_AGE = datetime.timedelta(days=2)


# --- Display names ------------------------------------------------------------------------


def display_name_set(*, membership: Membership, display_name: str) -> Membership:
    """The member's name in one course. The form checked it; save() bumps the course's pages."""
    membership.display_name = display_name
    membership.save(update_fields=["display_name"])
    return membership


# --- The email change ---------------------------------------------------------------------


class EmailChangeRefused(Exception):
    """A confirmation link that cannot change the address; the message is shown to the reader."""


def _address_mark(email: str) -> str:
    # The link carries a keyed mark of the address it replaces, not the address: it works
    # once (the address then differs) and tells nobody who sees it the old address.
    return salted_hmac(EMAIL_CHANGE_SALT, email.strip().lower()).hexdigest()[:24]


def email_change_token(*, user, new_email: str) -> str:
    return signing.dumps(
        {"u": user.pk, "e": new_email, "o": _address_mark(user.email)}, salt=EMAIL_CHANGE_SALT
    )


def read_email_change_token(token: str, *, user) -> str:
    """The new address the link asks for, for this user; raises EmailChangeRefused with the reason."""
    try:
        data = signing.loads(token, salt=EMAIL_CHANGE_SALT, max_age=EMAIL_CHANGE_LINK_AGE)
    except signing.SignatureExpired:
        raise EmailChangeRefused(
            _("This link has expired: links work for two days. Ask for a new one on your account page.")
        ) from None
    except signing.BadSignature:
        raise EmailChangeRefused(
            _(
                "This link is incomplete or was changed. Copy the whole link from the email, "
                "or ask for a new one on your account page."
            )
        ) from None
    if not isinstance(data, dict) or not {"u", "e", "o"} <= data.keys():
        raise EmailChangeRefused(_("This link is incomplete or was changed."))
    if data["u"] != user.pk:
        raise EmailChangeRefused(
            _("This link was sent for another account. Log in to the account that asked for it.")
        )
    if not constant_time_compare(str(data["o"]), _address_mark(user.email)):
        raise EmailChangeRefused(
            _(
                "This link was used already, or your address changed since it was sent. "
                "Your address is as shown on your account page."
            )
        )
    return str(data["e"])


def _address_taken(email: str, *, by_other_than) -> bool:
    return User.objects.filter(email__iexact=email).exclude(pk=by_other_than.pk).exists()


def email_change_request(*, user, new_email: str) -> None:
    """Email a confirmation link to the new address, and a notice to the old one.

    Nothing changes until the link is opened. An address that another account
    has gets an email saying so instead of a link; the page says the same in
    both cases, so nobody learns from it which addresses have accounts.
    """
    # Nothing is written, so nothing waits for a commit: the emails are enqueued at once.
    if _address_taken(new_email, by_other_than=user):
        _send_address_taken(user=user, new_email=new_email)
    else:
        _send_confirmation(
            user=user, new_email=new_email, token=email_change_token(user=user, new_email=new_email)
        )
    if user.email:
        _send_change_asked(user=user, old_email=user.email, new_email=new_email)


def email_change_confirm(*, user, token: str) -> str:
    """Change the address the link names. Raises EmailChangeRefused; returns the new address."""
    new_email = read_email_change_token(token, user=user)
    with transaction.atomic():
        # Read under the lock: two clicks (or two tabs) change it once.
        locked = User.objects.select_for_update().get(pk=user.pk)
        user.email = locked.email
        read_email_change_token(token, user=user)
        if _address_taken(new_email, by_other_than=user):
            raise EmailChangeRefused(
                _("Another account has this address now, so it cannot be yours as well. Nothing was changed.")
            )
        user.email = new_email
        user.save(update_fields=["email"])
    return new_email


def _site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _send_confirmation(*, user, new_email: str, token: str) -> None:
    context = {
        "user": user,
        "new_email": new_email,
        "confirm_url": _site_url(reverse("account:email-confirm", kwargs={"token": token})),
        "days": EMAIL_CHANGE_LINK_AGE.days,
    }
    with mail.in_language_of(user):
        subject = _("Confirm your new coursesite address")
        body = render_to_string("account/email/email_change_confirm.txt", context)
    mail.send(subject=subject, body=body, to=[new_email])


def _send_change_asked(*, user, old_email: str, new_email: str) -> None:
    context = {
        "user": user,
        "new_email": new_email,
        "account_url": _site_url(reverse("account:home")),
        "reset_url": _site_url(reverse("password_reset")),
    }
    with mail.in_language_of(user):
        subject = _("A change of your coursesite address was asked")
        body = render_to_string("account/email/email_change_asked.txt", context)
    mail.send(subject=subject, body=body, to=[old_email])


def _send_address_taken(*, user, new_email: str) -> None:
    context = {
        "username": user.username,
        "new_email": new_email,
        "reset_url": _site_url(reverse("password_reset")),
    }
    # Written to the account that has the address, in its owner's language.
    owner = User.objects.filter(email__iexact=new_email).exclude(pk=user.pk).order_by("pk").first()
    with mail.in_language_of(owner):
        subject = _("Someone asked to use this address on coursesite")
        body = render_to_string("account/email/email_change_taken.txt", context)
    mail.send(subject=subject, body=body, to=[new_email])


# --- Course visits and "My courses" -------------------------------------------------------


def course_visit_record(*, user, course_slug: str) -> None:
    """The member opened the course's front page: note the time, at most once per VISIT_RESOLUTION.

    One SELECT on each front page; a write only when the last one is older than that.
    """
    row = (
        Membership.objects.filter(user=user, course__slug=course_slug)
        .order_by()
        .values_list("pk", "joined_at", "visit__last_seen")
        .first()
    )
    if row is None:
        return  # not a member (a public course, or the superuser)
    membership_pk, joined_at, last_seen = row
    now = timezone.now()
    if now - (last_seen or joined_at) < VISIT_RESOLUTION:
        return
    if last_seen is None:  # the first visit since joining (last_seen is never null in a row)
        # A second tab may have made the row a moment ago: then its time stands.
        CourseVisit.objects.bulk_create(
            [CourseVisit(membership_id=membership_pk, last_seen=now)], ignore_conflicts=True
        )
    else:
        CourseVisit.objects.filter(membership_id=membership_pk).update(last_seen=now)


def my_courses(*, user):
    """The user's memberships, each with what is new in its course since their last visit: one query.

    New means published after the last visit (or joining) and written by someone
    else: posts readers can see, and approved comments on them, counted when they
    were written or, for a held comment, when it was approved.
    """
    since = OuterRef("since")
    live_posts = Post.objects.published().exclude(author=user)
    new_posts = (
        live_posts.filter(course=OuterRef("course"), published_at__gt=since)
        .order_by()
        .values("course")
        .annotate(n=Count("pk"))
        .values("n")
    )
    new_comments = (
        Comment.objects.approved()
        .filter(
            Q(created_at__gt=since) | Q(moderated_at__gt=since),
            live("post__"),
            post__course=OuterRef("course"),
        )
        .exclude(author=user)
        .order_by()
        .values("status")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Membership.objects.filter(user=user)
        .select_related("course")
        .annotate(since=Coalesce(F("visit__last_seen"), F("joined_at")))
        .annotate(
            new_posts=Coalesce(Subquery(new_posts), 0),
            new_comments=Coalesce(Subquery(new_comments), 0),
        )
        .order_by("course__title", "course__pk")
    )


# --- Notices --------------------------------------------------------------------------------


def _scope(user_pk: int) -> str:
    # The reader's unread count is kept under a version of its own, the way a course's
    # pieces are (core/cache.py). "~" is never in a course slug, so no course shares it.
    return f"~reader-{user_pk}"


def unread_count(*, user) -> int:
    """The navigation's "What's new (3)": one small indexed COUNT, or none when the shared cache has it.

    Made stale by every new notice and every read (notices_mark_read); a notice
    that drops out for another reason (a comment removed) shows within
    core.cache.PIECE_SECONDS.
    """
    return cached_fragment(
        _scope(user.pk), "unread", lambda: Notice.objects.shown_to(user).unread().count(), nbytes=lambda _: 16
    )


def _unread_changed(user_pk: int) -> None:
    bump_course_version(_scope(user_pk))


def _deliver(*, post: Post, wanted: list[tuple[int, str]], comment=None, award=None) -> list[Notice]:
    """Make the notices in `wanted` (recipient id, kind) for those who may see what they are about.

    Only current members hear of a course; a post that is not live only its
    author and the course's instructors can see. The unique constraints make
    a second delivery of the same news a no-op.
    """
    if not wanted:
        return []
    roles = dict(
        Membership.objects.filter(
            course_id=post.course_id, user_id__in={pk for pk, _ in wanted}, user__is_active=True
        )
        .order_by()
        .values_list("user_id", "role")
    )
    notices = [
        Notice(recipient_id=pk, kind=kind, post=post, comment=comment, award=award)
        for pk, kind in wanted
        if pk in roles and (post.is_live or pk == post.author_id or roles[pk] == Membership.Role.INSTRUCTOR)
    ]
    Notice.objects.bulk_create(notices, ignore_conflicts=True)
    for notice in notices:
        _unread_changed(notice.recipient_id)
    return notices


def notices_for_comment(*, comment: Comment, held: bool) -> list[Notice]:
    """A comment has just become visible: the same people as comments.notifications emails.

    The parent comment's author hears of a reply, the post's author of a
    comment (once, if they are both), and, if the comment was held for
    moderation, its author of the approval. Nobody hears of their own comment,
    or of approving their own.

    The comment comes as comments.notifications' task has just read it, with its
    post and parent loaded.
    """
    if not comment.is_approved:
        return []
    post = comment.post
    parent_author_id = comment.parent.author_id if comment.parent_id else None
    wanted = []
    if held and comment.author_id is not None and comment.moderated_by_id != comment.author_id:
        wanted.append((comment.author_id, Notice.Kind.APPROVED))
    told = {comment.author_id}
    if parent_author_id is not None and parent_author_id not in told:
        told.add(parent_author_id)
        wanted.append((parent_author_id, Notice.Kind.REPLY))
    if post.author_id not in told:
        wanted.append((post.author_id, Notice.Kind.COMMENT_ON_POST))
    return _deliver(post=post, wanted=wanted, comment=comment)


def notices_for_award(*, award_pk: int) -> list[Notice]:
    """An award was given: its post's author hears of it, unless they gave it (or it was revoked since)."""
    award = (
        Award.objects.select_related("post")
        .defer("post__body", "post__body_html")
        .filter(pk=award_pk)
        .first()
    )
    if award is None or award.is_revoked or award.given_by_id == award.post.author_id:
        return []
    return _deliver(post=award.post, wanted=[(award.post.author_id, Notice.Kind.AWARD)], award=award)


def notices_mark_read(*, user, notice: Notice | None = None) -> int:
    """Mark one of the user's notices read, or all of them; how many were unread."""
    notices = Notice.objects.filter(recipient=user).unread()
    if notice is not None:
        notices = notices.filter(pk=notice.pk)
    marked = notices.update(read_at=timezone.now())
    if marked:
        _unread_changed(user.pk)
    return marked
