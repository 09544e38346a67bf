"""Whole-page caching for anonymous readers of a course, never stale after a change.

Each course has a version token in Django's cache. A cached page is stored
with the token current when it was rendered, and served only while the token
is unchanged, so bumping the token (on any change to what the course's pages
show: see cache_invalidation.py) makes every cached page of the course stale
at once. Each process also keeps its own copies of the pages it served lately:
a copy is served only if its token equals the one just read from the shared
cache, so the usual hit costs one small round trip instead of fetching the page.

Only anonymous GETs are cached, and only pages that are the same for every
anonymous reader: a response that used the CSRF token, set a cookie or showed
messages is never stored. Members-only courses need no special case: an
anonymous reader gets their 404 before anything is rendered, and 404s are not
stored; a course turned members-only bumps its version.

The cache must be shared by every process serving the site (Redis, Memcached,
a file or database cache): with the per-process local-memory cache, a bump
seen by one gunicorn worker would not reach the others. So caching is on only
with a shared backend, unless settings.ANONYMOUS_PAGE_CACHE says otherwise.
"""

import hashlib
import threading
import uuid
from collections import OrderedDict
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpResponse

PAGE_SECONDS = 300  # bounds what no bump can catch, e.g. a post scheduled for later appearing
_PROCESS_LOCAL_BACKENDS = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)
LOCAL_COPIES_BYTES = 16 * 1024 * 1024  # per process: bounds the worker's memory
MESSAGES_COOKIE = "messages"  # django.contrib.messages' CookieStorage
MESSAGES_SESSION_KEY = "_messages"  # and its SessionStorage


def is_enabled() -> bool:
    configured = getattr(settings, "ANONYMOUS_PAGE_CACHE", None)
    if configured is not None:
        return bool(configured)
    return settings.CACHES["default"]["BACKEND"] not in _PROCESS_LOCAL_BACKENDS


def _version_key(course_slug: str) -> str:
    return f"pagecache:version:{course_slug}"


def _new_token() -> str:
    # A fresh random token rather than an increment: correct on any backend, even
    # one without atomic incr, because two concurrent bumps both change the value.
    return uuid.uuid4().hex[:16]


# Within one request, each course's version is read from the shared cache once:
# a page built from several fragments then costs one round trip, not one each.
_this_request = threading.local()


@receiver(request_started, dispatch_uid="pagecache-request-started")
def _remember_versions(**kwargs):
    _this_request.versions = {}


@receiver(request_finished, dispatch_uid="pagecache-request-finished")
def _forget_versions(**kwargs):
    _this_request.versions = None


def course_version(course_slug: str) -> str:
    remembered = getattr(_this_request, "versions", None)
    if remembered is not None and course_slug in remembered:
        return remembered[course_slug]
    key = _version_key(course_slug)
    version = cache.get(key)
    if version is None:
        cache.add(key, _new_token(), timeout=None)
        version = cache.get(key) or "none"
    if remembered is not None:
        remembered[course_slug] = version
    return version


def bump_course_version(course_slug: str) -> None:
    """Make every cached page of the course stale: now, and again when the transaction commits.

    The second bump closes a race: a reader rendering between the first bump and
    the commit sees the old rows and would store them under the new version.
    """
    if not is_enabled():
        return  # nothing is cached, so there is nothing to make stale

    def bump():
        remembered = getattr(_this_request, "versions", None)
        if remembered is not None:
            remembered.pop(course_slug, None)  # this request's own later fragments see the change
        cache.set(_version_key(course_slug), _new_token(), timeout=None)

    bump()
    transaction.on_commit(bump)


class _LocalCopies:
    """Recently served pages of this process, least recently used dropped first, bounded in bytes."""

    def __init__(self, max_bytes: int):
        self.max_bytes, self.size = max_bytes, 0
        self.pages: OrderedDict[str, tuple] = OrderedDict()
        self.sizes: dict[str, int] = {}
        self.lock = threading.Lock()  # gunicorn may run threads

    def get(self, key: str, version: str):
        with self.lock:
            entry = self.pages.get(key)
            if entry is None or entry[0] != version:
                return None
            self.pages.move_to_end(key)
            return entry

    def put(self, key: str, entry: tuple, nbytes: int | None = None) -> None:
        """Keep `entry` (its version first); `nbytes` is its size, by default len(entry[1])."""
        nbytes = len(entry[1]) if nbytes is None else nbytes
        with self.lock:
            old = self.pages.pop(key, None)
            if old is not None:
                self.size -= self.sizes.pop(key)
            self.pages[key] = entry
            self.sizes[key] = nbytes
            self.size += nbytes
            while self.size > self.max_bytes and self.pages:
                dropped_key, _dropped = self.pages.popitem(last=False)
                self.size -= self.sizes.pop(dropped_key)


_local_copies = _LocalCopies(LOCAL_COPIES_BYTES)


def cached_fragment(course_slug: str, name: str, render, *, nbytes=len):
    """A part of a course's pages that is the same for many readers, kept until the course changes.

    `render()` makes it when no copy stored under the course's current version
    exists; `name` must say everything the part depends on besides the course's
    data (which post, and which kind of reader). `nbytes(value)` bounds the
    process's local copies. With caching off, this is just `render()`.
    """
    if not is_enabled():
        return render()
    key = f"pagecache:fragment:{course_slug}:{name}"
    version = course_version(course_slug)
    stored = _local_copies.get(key, version)
    if stored is None:
        stored = cache.get(key)
        if stored is None or stored[0] != version:
            # Stored under the version read *before* rendering, as whole pages are.
            stored = (version, render())
            cache.set(key, stored, timeout=PAGE_SECONDS)
        _local_copies.put(key, stored, nbytes(stored[1]))
    return stored[1]


def _page_key(request, course_slug: str) -> str:
    digest = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
    return f"pagecache:page:{course_slug}:{digest}"


def _has_pending_messages(request) -> bool:
    if MESSAGES_COOKIE in request.COOKIES:
        return True
    session = getattr(request, "session", None)
    return session is not None and session.session_key is not None and MESSAGES_SESSION_KEY in session


def _cacheable_request(request, query_params) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and is_enabled()
        and set(request.GET) <= set(query_params)
        and not request.user.is_authenticated
        and not _has_pending_messages(request)
    )


def _cacheable_response(request, response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        # Set by django.middleware.csrf.get_token: the page carries a per-visitor token.
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not request.META.get("CSRF_COOKIE_USED")
    )


def cache_anonymous_page(view=None, *, query_params=("page",)):
    """Serve anonymous GETs of a course page (URL kwarg `course_slug`) from the cache.

    Requests with other query parameters than `query_params` pass through
    uncached, so nobody can fill the cache with made-up URLs.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not _cacheable_request(request, query_params):
                return view(request, *args, **kwargs)
            course_slug = kwargs["course_slug"]
            page_key = _page_key(request, course_slug)
            version = course_version(course_slug)
            stored = _local_copies.get(page_key, version)
            if stored is None:
                stored = cache.get(page_key)
                if stored is not None and stored[0] == version:
                    _local_copies.put(page_key, stored)
                else:
                    stored = None
            if stored is not None:
                _version, content, headers = stored
                response = HttpResponse(content, headers=headers)
                response["X-Page-Cache"] = "hit"
                return response
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            if _cacheable_response(request, response):
                # Stored with the version read *before* rendering: if a change lands
                # meanwhile, the token moves on and this copy is never served.
                entry = (version, response.content, dict(response.items()))
                cache.set(page_key, entry, timeout=PAGE_SECONDS)
                _local_copies.put(page_key, entry)
                response["X-Page-Cache"] = "miss"
            return response

        return wrapped

    return decorator(view) if view is not None else decorator
