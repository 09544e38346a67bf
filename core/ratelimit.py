"""Request limits kept in Django's cache, so they hold across processes when the cache is Redis.

Fixed windows: each counter's key names its window, so it expires on its own.
While Redis cannot be reached the counters live in the database instead (the
"ratelimit" cache, Django's database cache: `manage.py createcachetable`), so
a cache outage never switches the log-in lockout or the comment limits off.
"""

import ipaddress
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache, caches
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.redis_cache import outage

FALLBACK_CACHE = "ratelimit"


def _counters():
    """Where the counters live now: the shared cache, or the database while it is out."""
    if outage() and FALLBACK_CACHE in settings.CACHES:
        return caches[FALLBACK_CACHE]
    return cache


def _on_counters(operation):
    """operation(store) on the counters; again on the fallback if the cache failed meanwhile."""
    store = _counters()
    result = operation(store)
    if _counters() is not store:
        result = operation(_counters())
    return result


@dataclass(frozen=True)
class Limit:
    window_seconds: int
    most: int

    def describe(self) -> str:
        minutes = self.window_seconds // 60
        # Read inside a sentence ("in 15 minutes"): Russian needs the accusative, hence "a minute".
        if minutes <= 1:
            return _("a minute")
        if minutes < 120:
            return ngettext("%(count)s minute", "%(count)s minutes", minutes) % {"count": minutes}
        hours = minutes // 60
        return ngettext("%(count)s hour", "%(count)s hours", hours) % {"count": hours}


# Scope name -> limits. Override any of them with settings.RATE_LIMITS.
DEFAULT_LIMITS = {
    "login-failure": (Limit(15 * 60, 5),),
    "login-failure-address": (Limit(15 * 60, 20),),  # one address, any account (spraying)
    "login-failure-account": (Limit(15 * 60, 50),),  # one account, from places it never used
    "sign-up": (Limit(3600, 10),),
    "join": (Limit(3600, 20),),
    "password-reset": (Limit(3600, 5),),
    "post-save": (Limit(60, 20), Limit(3600, 200)),
    "image-upload": (Limit(60, 20), Limit(3600, 200)),
    "preview": (Limit(60, 120),),
    # Milliseconds of Markdown rendering per writer: pathological text (100,000 "![")
    # takes seconds to parse, so the count of previews alone does not bound the CPU.
    "render-ms": (Limit(60, 10_000),),
    # Searches per reader (an account, or an address when anonymous): a search costs more than a page.
    "search": (Limit(60, 60),),
}


class RateLimited(Exception):
    def __init__(self, limit: Limit):
        self.limit = limit
        super().__init__(_("Too many attempts in %(span)s.") % {"span": limit.describe()})


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
    used = _on_counters(lambda store: store.get_many(list(keyed)))  # one round trip for every counter
    for key, limit in keyed.items():
        if (used.get(key) or 0) >= limit.most:
            raise RateLimited(limit)


def count(scope: str, *identities: str, limits: tuple[Limit, ...] | None = None, amount: int = 1) -> None:
    """Count an attempt (or `amount` of something, such as milliseconds) for each identity."""
    now = time.time()
    for identity in filter(None, identities):
        for limit in limits if limits is not None else limits_for(scope):
            key = _key(scope, identity, limit, now)
            _on_counters(lambda store, key=key, limit=limit: _increment(store, key, limit, amount))


def _increment(store, key: str, limit: Limit, amount: int) -> None:
    try:
        store.incr(key, amount)  # the usual case: one round trip
    except ValueError:  # the window's first attempt (or the counter just expired)
        if not store.add(key, amount, timeout=limit.window_seconds + 1):
            store.incr(key, amount)  # another process started it first


def hit(scope: str, *identities: str) -> None:
    """Check, then count this attempt."""
    check(scope, *identities)
    count(scope, *identities)


def reset(scope: str, *identities: str) -> None:
    now = time.time()
    keys = [
        _key(scope, identity, limit, now)
        for identity in filter(None, identities)
        for limit in limits_for(scope)
    ]
    _on_counters(lambda store: store.delete_many(keys))


def _is_trusted_proxy(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(network, strict=False) for network in settings.TRUSTED_PROXIES)


def client_address(request) -> str:
    """The address per-address limits count.

    Behind a reverse proxy REMOTE_ADDR is the proxy itself, and counting it would
    lock everyone out together: name the header the proxy sets (for example
    "HTTP_X_REAL_IP") in settings.CLIENT_IP_HEADER and the proxies' addresses in
    settings.TRUSTED_PROXIES. The header is believed only from those addresses:
    anyone else could write any address in it.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    header = getattr(settings, "CLIENT_IP_HEADER", "")
    if not header or not _is_trusted_proxy(remote):
        return remote
    # X-Forwarded-For style lists: each proxy appends the client it saw. The
    # client is the last address that is not one of our proxies.
    for address in reversed([part.strip() for part in request.META.get(header, "").split(",")]):
        if address and not _is_trusted_proxy(address):
            return address
    return remote
