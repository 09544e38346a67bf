"""Rate limits (core/ratelimit.py) and duplicate refusal for comments.

A member is limited per account; only guests are limited per address, since a
whole class can sit behind one campus address and one student's burst must not
refuse the others. A duplicate is recognised from the comments already stored,
under the post's lock (comments/services.py), so a resend after a failed answer
is refused even if the cache was lost or never told.
"""

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import ratelimit

from .models import Comment

# (window in seconds, most comments allowed in it), per member or per guest address.
DEFAULT_RATE_LIMITS = ((60, 6), (3600, 60))
DUPLICATE_WINDOW_SECONDS = 60


class CommentRefused(Exception):
    """A comment we will not take; the message is shown beside the kept text."""


def rate_limits() -> tuple[ratelimit.Limit, ...]:
    pairs = getattr(settings, "COMMENTS_RATE_LIMITS", DEFAULT_RATE_LIMITS)
    return tuple(ratelimit.Limit(window, most) for window, most in pairs)


def _identities(*, user, ip_address):
    if user is not None and user.is_authenticated:
        return (f"user:{user.pk}",)
    return (f"ip:{ip_address}" if ip_address else "",)


def check_rate_limit(*, user, ip_address) -> None:
    try:
        ratelimit.check("comment", *_identities(user=user, ip_address=ip_address), limits=rate_limits())
    except ratelimit.RateLimited as refusal:
        limit = refusal.limit
        raise CommentRefused(
            ngettext(
                "You have posted %(most)s comment in %(window)s, the most we accept. "
                "Please wait a little and send it again: your text is kept below.",
                "You have posted %(most)s comments in %(window)s, the most we accept. "
                "Please wait a little and send it again: your text is kept below.",
                limit.most,
            )
            % {"most": limit.most, "window": limit.describe()}
        ) from None


def count_comment(*, user, ip_address) -> None:
    ratelimit.count("comment", *_identities(user=user, ip_address=ip_address), limits=rate_limits())


def _normalised(text: str) -> str:
    return " ".join(text.split())


def check_duplicate(*, post, user, guest_email, body) -> None:
    """Refuse the same text by the same person on the same post within the window.

    Call it holding the post's lock, so two copies sent at once cannot both pass.
    """
    since = timezone.now() - datetime.timedelta(seconds=DUPLICATE_WINDOW_SECONDS)
    recent = Comment.objects.filter(post=post, created_at__gte=since)
    if user is not None and user.is_authenticated:
        recent = recent.filter(author=user)
    else:
        recent = recent.filter(author=None, guest_email__iexact=guest_email.strip())
    text = _normalised(body)
    if any(_normalised(earlier) == text for earlier in recent.values_list("body", flat=True)):
        raise CommentRefused(
            _(
                "You posted this same comment a moment ago, so we did not post it twice. "
                "If you meant to add something, change the text and send it again."
            )
        )
