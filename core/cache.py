"""One cache version per course, and the pieces of its pages kept under it.

Each course has a version token in Django's cache. Anything kept here is
stored with the token current when it was made, and used only while the token
is unchanged, so bumping the token (each app's signals.py does it on any
change to what the course's pages show) makes all of it stale at once. Each
process also keeps its own copies of what it used lately: a copy is used only
if its token equals the one just read from the shared cache, so the usual hit
costs one small round trip a request, however many pieces the page uses.

The cache must be shared by every process serving the site (Redis, Memcached,
a file or database cache): with the per-process local-memory cache, a bump
seen by one gunicorn worker would not reach the others. So caching is on only
with a shared backend, unless settings.ANONYMOUS_PAGE_CACHE says otherwise.
"""

import datetime
import functools
import threading
import time
import uuid
from collections import OrderedDict
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import router, transaction
from django.dispatch import receiver
from django.utils import translation

PIECE_SECONDS = 300  # and never past the course's next change by the clock (expires_at)
_PROCESS_LOCAL_BACKENDS = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)
LOCAL_COPIES_BYTES = 16 * 1024 * 1024  # per process: bounds the worker's memory
LOCAL_COPY_SECONDS = 60
# A version that expires is replaced by a new one, which only makes the course's
# pieces stale: the timeout bounds the keys that made-up course slugs leave behind.
VERSION_SECONDS = 24 * 3600


def is_enabled() -> bool:
    configured = getattr(settings, "ANONYMOUS_PAGE_CACHE", None)
    if configured is not None:
        return bool(configured)
    return settings.CACHES["default"]["BACKEND"] not in _PROCESS_LOCAL_BACKENDS


NO_VERSION_YET = "none"  # nothing is ever stored under it


def _version_key(course_slug: str) -> str:
    return f"pagecache:version:{course_slug}"


def _new_token() -> str:
    # A fresh random token rather than an increment: correct on any backend, even
    # one without atomic incr, because two concurrent bumps both change the value.
    return uuid.uuid4().hex[:16]


# Within one request, each course's version is read from the shared cache once:
# a page built from several fragments then costs one round trip, not one each.
# A context variable, not a thread-local: under ASGI one thread serves many
# requests at once, and each request runs in a context of its own.
_versions_this_request: ContextVar[dict | None] = ContextVar("course_versions_this_request", default=None)


# And each course's next change by the clock (below), looked up once.
_clock_changes_this_request: ContextVar[dict | None] = ContextVar("course_clock_changes", default=None)


@receiver(request_started, dispatch_uid="pagecache-request-started")
def _remember_versions(**kwargs):
    _versions_this_request.set({})
    _clock_changes_this_request.set({})


@receiver(request_finished, dispatch_uid="pagecache-request-finished")
def _forget_versions(**kwargs):
    _versions_this_request.set(None)
    _clock_changes_this_request.set(None)


# --- Changes no write announces: a post scheduled for later going live at its time -----------

_clock_change_sources = []


def register_clock_change(source) -> None:
    """`source(course_slug, after)`: the first time after `after` (an aware datetime) when the
    course's pages change with no write, such as a post scheduled for later going live; or None.

    Nothing cached for the course is kept past that time (expires_at), so a cached
    page never hides such a post late, nor shows it early (it was rendered before).
    posts registers one; the tick's bump when the post goes live is the second net.
    """
    if source not in _clock_change_sources:
        _clock_change_sources.append(source)


def _next_clock_change(course_slug: str, after: float) -> float | None:
    remembered = _clock_changes_this_request.get()
    known = remembered.get(course_slug) if remembered is not None else None
    # What was looked up from an earlier moment holds for a later one too (it may only be sooner).
    if known is not None and known[0] <= after:
        return known[1]
    moment = datetime.datetime.fromtimestamp(after, tz=datetime.UTC)
    times = [t for source in _clock_change_sources if (t := source(course_slug, moment)) is not None]
    change = min(times).timestamp() if times else None
    if remembered is not None:
        remembered[course_slug] = (after, change)
    return change


def expires_at(course_slug: str, seconds: float, *, rendered_from: float) -> float:
    """When something of the course rendered from `rendered_from` (a time.time()) on must be dropped.

    `seconds` from now, or the course's next change by the clock after the
    rendering began, if that comes sooner (one query a request, on a miss only).
    """
    longest = time.time() + seconds
    change = _next_clock_change(course_slug, rendered_from)
    return longest if change is None else min(longest, change)


def expired(entry: tuple) -> bool:
    """Whether a stored entry (its expiry time last) is past it, whatever the backend's timeout did."""
    return time.time() >= entry[-1]


def timeout_until(expiry: float) -> int:
    """The cache timeout, in whole seconds, that ends by `expiry`: 0 means do not store."""
    return int(expiry - time.time())


def _epoch() -> str:
    """Which life of the cache server this is (core/redis_cache.py); "" for backends that cannot say."""
    epoch = getattr(cache, "epoch", None)
    return epoch() if epoch is not None else ""


def _versioned(token: str) -> str:
    # A token is only trusted within the server's life that issued it: a Redis
    # restored from a snapshot brings back old tokens *and* the pieces stored
    # under them, and the epoch is what tells them apart from current ones.
    return f"{_epoch()}/{token}"


def course_version(course_slug: str) -> str:
    remembered = _versions_this_request.get()
    if remembered is not None and course_slug in remembered:
        return remembered[course_slug]
    token = cache.get(_version_key(course_slug))
    version = _versioned(token) if token else NO_VERSION_YET
    if remembered is not None:
        remembered[course_slug] = version
    return version


def version_to_store_under(course_slug: str, version: str) -> str | None:
    """The version a piece rendered under `version` may be stored with, or None: do not store it.

    A course gets its token only when something is first stored for it, so a
    made-up course slug leaves no key behind. If another process made the token
    (or bumped it) since `version` was read, the piece may predate a change.
    """
    if version != NO_VERSION_YET:
        return version
    token = _new_token()
    if not cache.add(_version_key(course_slug), token, timeout=VERSION_SECONDS):
        return None
    version = _versioned(token)
    remembered = _versions_this_request.get()
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
        remembered = _versions_this_request.get()
        if remembered is not None:
            remembered.pop(course_slug, None)  # this request's own later fragments see the change
        changes = _clock_changes_this_request.get()
        if changes is not None:
            changes.pop(course_slug, None)  # a saved post may have a new time
        cache.set(_version_key(course_slug), _new_token(), timeout=VERSION_SECONDS)

    bump()
    transaction.on_commit(bump)


class _LocalCopies:
    """Recently used pieces of this process, least recently used dropped first, bounded in bytes and time.

    The time bound matters for what no bump catches (a post scheduled for later
    appearing): a copy is used for `seconds` at most, so such a change shows
    within PIECE_SECONDS (the shared copy) plus that.
    """

    def __init__(self, max_bytes: int, seconds: float = LOCAL_COPY_SECONDS):
        self.max_bytes, self.size, self.seconds = max_bytes, 0, seconds
        self.pages: OrderedDict[str, tuple] = OrderedDict()
        self.sizes: dict[str, int] = {}
        self.deadlines: dict[str, float] = {}
        self.expiries: dict[str, float] = {}  # wall-clock ends (expires_at), for entries that have one
        self.lock = threading.Lock()  # gunicorn may run threads

    def get(self, key: str, version: str):
        with self.lock:
            entry = self.pages.get(key)
            if entry is None or entry[0] != version:
                return None
            expiry = self.expiries.get(key)
            if time.monotonic() > self.deadlines[key] or (expiry is not None and time.time() >= expiry):
                self._drop(key)
                return None
            self.pages.move_to_end(key)
            return entry

    def put(self, key: str, entry: tuple, nbytes: int | None = None, *, expires: float | None = None) -> None:
        """Keep `entry` (its version first); `nbytes` is its size, by default len(entry[1]).

        `expires` (a time.time()) ends its use sooner than the process's own bound (expires_at).
        """
        nbytes = len(entry[1]) if nbytes is None else nbytes
        with self.lock:
            if key in self.pages:
                self._drop(key)
            self.pages[key] = entry
            self.sizes[key] = nbytes
            self.deadlines[key] = time.monotonic() + self.seconds
            if expires is not None:
                self.expiries[key] = expires
            self.size += nbytes
            while self.size > self.max_bytes and self.pages:
                self._drop(next(iter(self.pages)))

    def _drop(self, key: str) -> None:
        del self.pages[key], self.deadlines[key]
        self.expiries.pop(key, None)
        self.size -= self.sizes.pop(key)


_local_copies = _LocalCopies(LOCAL_COPIES_BYTES)


def cached_fragment(course_slug: str, name: str, render, *, nbytes=len, keep_none=True):
    """A part of a course's pages that is the same for many readers, kept until the course changes.

    `render()` makes it when no copy stored under the course's current version
    exists; `name` must say everything the part depends on besides the course's
    data (which post, and which kind of reader). `nbytes(value)` bounds the
    process's local copies. With caching off, this is just `render()`. With
    `keep_none=False` a None is not kept (made-up names then leave nothing behind).
    """
    if not is_enabled():
        return render()
    # One copy per language: a part's words are in the reader's language.
    language = translation.get_language() or settings.LANGUAGE_CODE
    key = f"pagecache:fragment:{course_slug}:{language}:{name}"
    version = course_version(course_slug)
    stored = _local_copies.get(key, version)
    if stored is None:
        stored = cache.get(key)
        if stored is None or stored[0] != version or expired(stored):
            # Stored under the version read *before* rendering, as whole pages are.
            started = time.time()
            value = render()
            if value is None and not keep_none:
                return None
            expiry = expires_at(course_slug, PIECE_SECONDS, rendered_from=started)
            if timeout_until(expiry) <= 0:
                return value  # a post goes live in a moment: the next reader renders it again
            version = version_to_store_under(course_slug, version)
            if version is None:
                return value
            stored = (version, value, expiry)
            cache.set(key, stored, timeout=timeout_until(expiry))
        _local_copies.put(key, stored, nbytes(stored[1]), expires=stored[2])
    return stored[1]


def cached_row(course_slug: str, name: str, model, **filters):
    """The one row of `model` matching `filters` (or None), kept under the course's version.

    Rows are kept as their column values and a fresh instance is built on each
    call, so a caller may change it without touching what the next request
    reads. The query is only built when the row must be read again.
    """
    names = _column_names(model)
    values = cached_fragment(
        course_slug,
        name,
        lambda: model._default_manager.filter(**filters).values_list(*names).first(),
        nbytes=_row_size,
        keep_none=False,
    )
    return None if values is None else model.from_db(router.db_for_read(model), names, values)


@functools.cache
def _column_names(model) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields]


def _row_size(values) -> int:
    return 64 + sum(len(v) if isinstance(v, str) else 8 for v in values or ())
