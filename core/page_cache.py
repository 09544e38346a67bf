"""Whole-page caching for anonymous readers of a course, never stale after a change.

Pages are kept under the course's version token (core/cache.py): a cached
page is stored with the token current when it was rendered, and served only
while the token is unchanged, so bumping the token (on any change to what the
course's pages show: each app's signals.py) makes every cached page of the
course stale at once. Each process also keeps its own copies of the pages it
served lately, so the usual hit costs one small round trip.

Only anonymous GETs are cached, and only pages that are the same for every
anonymous reader: a response that used the CSRF token, set a cookie or showed
messages is never stored. Members-only courses need no special case: an
anonymous reader gets their 404 before anything is rendered, and 404s are not
stored; a course turned members-only bumps its version.

Caching is on only with a cache shared by every process (see core/cache.py).
"""

import hashlib
import re
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.urls import Resolver404, resolve
from django.utils import translation

from core.cache import (
    _local_copies,
    course_version,
    expired,
    expires_at,
    is_enabled,
    timeout_until,
    version_to_store_under,
)

# A page lives no longer, nor past the course's next change by the clock (core.cache.expires_at).
PAGE_SECONDS = 300
MESSAGES_COOKIE = "messages"  # django.contrib.messages' CookieStorage
MESSAGES_SESSION_KEY = "_messages"  # and its SessionStorage


PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,5}")  # a page number written the one way
QUERY_VALUE = re.compile(r"[-\w]{1,100}", re.ASCII)  # other parameters name a slug (an award type)


class _Malformed(Exception):
    """An accepted query parameter written another way than the one accepted."""


def _canonical_query(request, query_params) -> tuple | None:
    """The query as sorted (name, value) pairs; None if it carries other parameters too.

    Raises _Malformed unless each accepted parameter comes once, a page number
    with no sign, zero padding or non-ASCII digits ("01", "+1" and a full-width
    "２" all read as numbers in Python, and would each be a page of their own).
    Other parameters (a link's utm_source) are allowed, but such a page is
    never stored.
    """
    pairs, others = [], False
    for name, values in sorted(request.GET.lists()):
        if name not in query_params:
            others = True
            continue
        pattern = PAGE_NUMBER if name == "page" else QUERY_VALUE
        if len(values) != 1 or not pattern.fullmatch(values[0]):
            raise _Malformed(name)
        pairs.append((name, values[0]))
    return None if others else tuple(pairs)


def _page_key(request, match, course_slug: str, query: tuple) -> str:
    """The key of a page: what the URL resolved to, not how it was written.

    Built from the allowed host (validated, any case), the route's name and its
    converted arguments (so "/2014/03/" and "/2014/3/" are one page), and the
    canonical query, so no spelling of an address makes a page of its own;
    and the reader's language, found as LocaleMiddleware will find it (the
    switcher's cookie, else Accept-Language), since this runs before it.
    """
    language = translation.get_language_from_request(request)
    route = (
        request.scheme,
        request.get_host().lower(),
        language,
        match.view_name,
        sorted(match.kwargs.items()),
        query,
    )
    digest = hashlib.sha256(repr(route).encode()).hexdigest()
    return f"pagecache:page:{course_slug}:{digest}"


def _has_pending_messages(request) -> bool:
    if MESSAGES_COOKIE in request.COOKIES:
        return True
    session = getattr(request, "session", None)
    return session is not None and session.session_key is not None and MESSAGES_SESSION_KEY in session


def _cacheable_request(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and is_enabled()
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


def _stored_page(page_key: str, version: str):
    stored = _local_copies.get(page_key, version)
    if stored is None:
        stored = cache.get(page_key)
        if stored is None or stored[0] != version or expired(stored):
            return None
        _local_copies.put(page_key, stored, expires=stored[3])
    return stored


def _answer(stored) -> HttpResponse:
    content, headers = stored[1], stored[2]
    response = HttpResponse(content, headers=headers)
    response["X-Page-Cache"] = "hit"
    return response


def _keep(page_key: str, course_slug: str, version: str, started: float, response) -> str | None:
    """Store the page rendered under `version` from `started` on; the version it was stored with, or None."""
    expiry = expires_at(course_slug, PAGE_SECONDS, rendered_from=started)
    if timeout_until(expiry) <= 0:
        return None  # a post goes live in a moment: the next reader gets the page with it
    version = version_to_store_under(course_slug, version)
    if version is not None:
        headers = {k: v for k, v in response.items() if k != "X-Page-Cache"}
        entry = (version, response.content, headers, expiry)
        cache.set(page_key, entry, timeout=timeout_until(expiry))
        _local_copies.put(page_key, entry, expires=expiry)
    return version


def cache_anonymous_page(view=None, *, query_params=("page",)):
    """Serve anonymous GETs of a course page (URL kwarg `course_slug`) from the cache.

    The page takes `query_params`, each written one way (otherwise a 404 for
    every reader); with any other parameter it is served but not stored, so
    nobody can fill the cache with made-up URLs.
    Most hits are answered earlier, by AnonymousPageCacheMiddleware, which also
    stores the pages; this decorator answers the rest (an anonymous reader who
    carries a session cookie) and marks which responses may be stored.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            try:
                query = _canonical_query(request, query_params)
            except _Malformed:
                raise Http404("No such page.") from None  # for every reader: one spelling per page
            if query is None or not _cacheable_request(request):
                return view(request, *args, **kwargs)
            course_slug = kwargs["course_slug"]
            match = request.resolver_match or resolve(request.path_info)  # a test may call the view directly
            page_key = _page_key(request, match, course_slug, query)
            version = course_version(course_slug)
            stored = _stored_page(page_key, version)
            if stored is not None:
                return _answer(stored)
            started = time.time()
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            if _cacheable_response(request, response):
                # AnonymousPageCacheMiddleware stores it once every middleware has
                # added its headers, under the version read *before* rendering: if
                # a change lands meanwhile, the token moves on and it is never served.
                response["X-Page-Cache"] = "miss"
                response.page_cache_entry = (page_key, course_slug, version, started)
            return response

        wrapped.page_cache_query_params = frozenset(query_params)
        return wrapped

    return decorator(view) if view is not None else decorator


class AnonymousPageCacheMiddleware:
    """Answers anonymous readers from the page cache before the rest of the middleware runs.

    It sits right after WhiteNoise, so a hit skips sessions, CSRF,
    authentication, messages and the building of the CSP header: the stored page
    keeps the headers the whole stack gave it when it was rendered (the
    security middleware, outside this one, still adds its own). Only requests
    carrying neither a session nor a messages cookie are answered here; anyone
    else goes through the whole stack and cache_anonymous_page decides for them.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        found = self._find(request)
        if found is not None:
            page_key, version = found
            stored = _stored_page(page_key, version)
            if stored is not None:
                return _answer(stored)
        response = self.get_response(request)
        entry = getattr(response, "page_cache_entry", None)
        if entry is not None:
            # The view found it cacheable (no CSRF token, no messages); cookies an
            # outer middleware sets, such as a stale session cookie's deletion, are
            # the visitor's own and not part of what is stored.
            _keep(*entry, response)
        return response

    @staticmethod
    def _find(request):
        """(page key, version) if the request may be answered from the cache here, else None."""
        if request.method not in ("GET", "HEAD") or not is_enabled():
            return None
        if settings.SESSION_COOKIE_NAME in request.COOKIES or MESSAGES_COOKIE in request.COOKIES:
            return None
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
        query_params = getattr(match.func, "page_cache_query_params", None)
        course_slug = match.kwargs.get("course_slug")
        if query_params is None or course_slug is None:
            return None
        try:
            query = _canonical_query(request, query_params)
        except _Malformed:
            return None  # the view answers it: a 404
        if query is None:
            return None
        return _page_key(request, match, course_slug, query), course_version(course_slug)
