"""Which posts a piece of stored, sanitised HTML links to.

A link counts when it points at this site (settings.SITE_URL's host, a host in
ALLOWED_HOSTS, or no host at all: a relative URL) and its path resolves to a
post page (posts:detail) of the given course. The date in a post's URL is not
checked: the post page redirects any date to the post of that slug, so every
date finds it (the canonical-URL rule).
"""

import functools
from html.parser import HTMLParser
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.http.request import validate_host
from django.urls import Resolver404, resolve

# Enough for any essay's citations; bounds the work a body stuffed with links can cause.
MAX_LINKS = 200


class _Hrefs(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a" and len(self.hrefs) < MAX_LINKS:
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def hrefs_in(html: str) -> list[str]:
    """The href of each link in `html`, entities decoded, in order (at most MAX_LINKS)."""
    if "<a" not in html:
        return []
    parser = _Hrefs()
    parser.feed(html)
    parser.close()
    return parser.hrefs


def _own_hosts() -> list[str]:
    # "*" in ALLOWED_HOSTS means "any host may ask", not "every site is ours".
    site_host = urlsplit(settings.SITE_URL).hostname
    return [host for host in [site_host, *settings.ALLOWED_HOSTS] if host and host != "*"]


def _is_own_host(hostname: str | None) -> bool:
    if not hostname:
        return False
    if ":" in hostname:  # an IPv6 address, written in brackets in ALLOWED_HOSTS
        hostname = f"[{hostname}]"
    return validate_host(hostname, _own_hosts())


def own_path(href: str, base_path=lambda: "/") -> str | None:
    """The path on this site that `href` points to, or None.

    `base_path()` gives the path of the page the link is on; it is called only
    for a link relative to that page ("../other-post/"), so no one pays for it otherwise.
    """
    try:
        parts = urlsplit(href.strip())
        if parts.scheme or parts.netloc:
            if parts.scheme not in ("", "http", "https") or not _is_own_host(parts.hostname):
                return None
            path = parts.path
        elif not parts.path:
            return None  # "#fragment" or "?query": the page it is on
        elif parts.path.startswith("/"):
            path = parts.path
        else:
            path = urlsplit(urljoin(base_path(), parts.path)).path
    except ValueError:  # a malformed address ("http://[::1") links nowhere
        return None
    return unquote(path) or "/"


def linked_post_slugs(html: str, *, course_slug: str, base_path=lambda: "/") -> set[str]:
    """Slugs of the posts of `course_slug` that `html` links to (posts of other courses are left out)."""
    base_path = functools.cache(base_path)
    slugs = set()
    for href in hrefs_in(html):
        path = own_path(href, base_path)
        if path is None:
            continue
        try:
            match = resolve(path)
        except Resolver404:
            continue
        if match.view_name == "posts:detail" and match.kwargs.get("course_slug") == course_slug:
            slugs.add(match.kwargs["slug"])
    return slugs
