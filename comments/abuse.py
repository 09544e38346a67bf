"""Rate limits and duplicate refusal, kept in Django's cache so they hold across processes (Redis)."""

import hashlib

from django.conf import settings
from django.core.cache import cache

from core import ratelimit

# (window in seconds, most comments allowed in it), per user and per address.
DEFAULT_RATE_LIMITS = ((60, 6), (3600, 60))
DUPLICATE_WINDOW_SECONDS = 60


class CommentRefused(Exception):
    """A comment we will not take; the message is shown beside the kept text."""


def rate_limits() -> tuple[ratelimit.Limit, ...]:
    pairs = getattr(settings, "COMMENTS_RATE_LIMITS", DEFAULT_RATE_LIMITS)
    return tuple(ratelimit.Limit(window, most) for window, most in pairs)


def _identities(*, user, ip_address):
    return (
        f"user:{user.pk}" if user is not None and user.is_authenticated else "",
        f"ip:{ip_address}" if ip_address else "",
    )


def check_rate_limit(*, user, ip_address) -> None:
    try:
        ratelimit.check("comment", *_identities(user=user, ip_address=ip_address), limits=rate_limits())
    except ratelimit.RateLimited as refusal:
        limit = refusal.limit
        raise CommentRefused(
            f"You have posted {limit.most} comments in {limit.describe()}, the most we accept. "
            "Please wait a little and send it again: your text is kept below."
        ) from None


def count_comment(*, user, ip_address) -> None:
    ratelimit.count("comment", *_identities(user=user, ip_address=ip_address), limits=rate_limits())


def _duplicate_key(*, post, user, guest_email, body) -> str:
    who = f"user:{user.pk}" if user is not None and user.is_authenticated else f"guest:{guest_email.lower()}"
    text = " ".join(body.split())
    digest = hashlib.sha256(f"{post.pk}\n{who}\n{text}".encode()).hexdigest()
    return f"comments:dup:{digest}"


def check_duplicate(*, post, user, guest_email, body) -> None:
    if cache.get(_duplicate_key(post=post, user=user, guest_email=guest_email, body=body)):
        raise CommentRefused(
            "You posted this same comment a moment ago, so we did not post it twice. "
            "If you meant to add something, change the text and send it again."
        )


def remember_text(*, post, user, guest_email, body) -> None:
    key = _duplicate_key(post=post, user=user, guest_email=guest_email, body=body)
    cache.set(key, 1, timeout=DUPLICATE_WINDOW_SECONDS)
