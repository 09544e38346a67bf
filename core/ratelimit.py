"""Request limits kept in Django's cache, so they hold across processes when the cache is Redis.

Fixed windows: each counter's key names its window, so it expires on its own.
"""

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache


@dataclass(frozen=True)
class Limit:
    window_seconds: int
    most: int

    def describe(self) -> str:
        minutes = self.window_seconds // 60
        if minutes <= 1:
            return "a minute"
        if minutes < 120:
            return f"{minutes} minutes"
        return f"{minutes // 60} hours"


# Scope name -> limits. Override any of them with settings.RATE_LIMITS.
DEFAULT_LIMITS = {
    "login-failure": (Limit(15 * 60, 5),),
    "sign-up": (Limit(3600, 10),),
    "join": (Limit(3600, 20),),
    "password-reset": (Limit(3600, 5),),
    "post-save": (Limit(60, 20), Limit(3600, 200)),
    "image-upload": (Limit(60, 20), Limit(3600, 200)),
    "preview": (Limit(60, 120),),
}


class RateLimited(Exception):
    def __init__(self, limit: Limit):
        self.limit = limit
        super().__init__(f"Too many attempts in {limit.describe()}.")


def limits_for(scope: str) -> tuple[Limit, ...]:
    configured = getattr(settings, "RATE_LIMITS", {}).get(scope)
    if configured is not None:
        return tuple(Limit(*pair) for pair in configured)
    return DEFAULT_LIMITS[scope]


def _key(scope: str, identity: str, limit: Limit, now: float) -> str:
    return f"rl:{scope}:{identity}:{limit.window_seconds}:{int(now // limit.window_seconds)}"


def check(scope: str, *identities: str, limits: tuple[Limit, ...] | None = None) -> None:
    """Raise RateLimited if any identity has used up any limit of the scope."""
    now = time.time()
    keyed = {
        _key(scope, identity, limit, now): limit
        for identity in filter(None, identities)
        for limit in (limits if limits is not None else limits_for(scope))
    }
    used = cache.get_many(list(keyed))  # one round trip for every counter
    for key, limit in keyed.items():
        if (used.get(key) or 0) >= limit.most:
            raise RateLimited(limit)


def count(scope: str, *identities: str, limits: tuple[Limit, ...] | None = None) -> None:
    now = time.time()
    for identity in filter(None, identities):
        for limit in limits if limits is not None else limits_for(scope):
            key = _key(scope, identity, limit, now)
            try:
                cache.incr(key)  # the usual case: one round trip
            except ValueError:  # the window's first attempt (or the counter just expired)
                if not cache.add(key, 1, timeout=limit.window_seconds + 1):
                    cache.incr(key)  # another process started it first


def hit(scope: str, *identities: str) -> None:
    """Check, then count this attempt."""
    check(scope, *identities)
    count(scope, *identities)


def reset(scope: str, *identities: str) -> None:
    now = time.time()
    cache.delete_many(
        [
            _key(scope, identity, limit, now)
            for identity in filter(None, identities)
            for limit in limits_for(scope)
        ]
    )


def client_address(request) -> str:
    """The address per-address limits count.

    Behind a reverse proxy REMOTE_ADDR is the proxy itself, and counting it would
    lock everyone out together: name the header the proxy sets (for example
    "HTTP_X_REAL_IP") in settings.CLIENT_IP_HEADER. Only the proxy can set it.
    """
    header = getattr(settings, "CLIENT_IP_HEADER", "")
    value = request.META.get(header, "") if header else ""
    # X-Forwarded-For style lists: our proxy appends the client it saw, last.
    return value.split(",")[-1].strip() or request.META.get("REMOTE_ADDR", "")
