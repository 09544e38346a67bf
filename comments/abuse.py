"""Rate limits and duplicate refusal, kept in Django's cache so they hold across processes (Redis)."""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache

# (window in seconds, most comments allowed in it), per user and per address.
DEFAULT_RATE_LIMITS = ((60, 6), (3600, 60))
DUPLICATE_WINDOW_SECONDS = 60


class CommentRefused(Exception):
    """A comment we will not take; the message is shown beside the kept text."""


def rate_limits():
    return tuple(getattr(settings, "COMMENTS_RATE_LIMITS", DEFAULT_RATE_LIMITS))


def _identities(*, user, ip_address):
    if user is not None and user.is_authenticated:
        yield f"user:{user.pk}"
    if ip_address:
        yield f"ip:{ip_address}"


def _window_key(identity: str, window: int, now: float) -> str:
    # Fixed windows: the key names the window, so it expires on its own.
    return f"comments:rate:{identity}:{window}:{int(now // window)}"


def check_rate_limit(*, user, ip_address) -> None:
    now = time.time()
    for identity in _identities(user=user, ip_address=ip_address):
        for window, limit in rate_limits():
            if (cache.get(_window_key(identity, window, now)) or 0) >= limit:
                minutes = window // 60
                span = "a minute" if minutes <= 1 else f"{minutes} minutes"
                raise CommentRefused(
                    f"You have posted {limit} comments in {span}, the most we accept. "
                    "Please wait a little and send it again: your text is kept below."
                )


def count_comment(*, user, ip_address) -> None:
    now = time.time()
    for identity in _identities(user=user, ip_address=ip_address):
        for window, _limit in rate_limits():
            key = _window_key(identity, window, now)
            # add() is a no-op when the key exists; incr() is atomic on Redis and locmem.
            cache.add(key, 0, timeout=window + 1)
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, timeout=window + 1)


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
