"""What a feed entry carries: absolute links, from SITE_URL as the emails build them.

A feed reader shows an entry away from our pages, so a relative link or image
(an uploaded image is "/media/...", a footnote "#user-content-fn1") would
point at the reader's own site. Entries therefore carry every href and src made
absolute against the entry's own page, as a browser would resolve it there.
"""

from urllib.parse import urljoin, urlsplit

import nh3
from django.conf import settings

from posts import markdown


def absolute(path: str) -> str:
    """An absolute address on the site, from SITE_URL (as emails make them): the same for every host
    the feed was fetched from, so a reader that follows two of them sees one entry, not two."""
    return settings.SITE_URL.rstrip("/") + path


def tag_uri(kind: str, pk: int, day) -> str:
    """A permanent id for an entry (RFC 4151): unlike its address, it survives a change of slug or date."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"tag:{host},{day:%Y-%m-%d}:{kind}/{pk}"


def with_absolute_urls(html: str, base: str) -> str:
    """Stored, already-sanitised HTML (a post's or a comment's body_html) with its links and images absolute.

    The HTML is parsed and written out again by nh3 with the post pipeline's own
    allow-list (comments' is a subset of it), so nothing is rewritten by string
    search and the result is no less safe than what went in; only href and src
    values change, each resolved against `base`, the entry's page (images' srcset goes).
    """

    def resolve(tag, attribute, value):
        if attribute in ("srcset", "sizes"):
            return None  # feed readers take the one src; the smaller copies are for the site's own pages
        if attribute not in ("href", "src"):
            return value
        try:
            return urljoin(base, value)
        except ValueError:  # a malformed host, such as "//[broken"
            return None

    return nh3.clean(
        html,
        tags=markdown.POST_TAGS,
        attributes=markdown.POST_ATTRIBUTES,
        allowed_classes=markdown.POST_CLASSES,
        filter_style_properties={"text-align"},  # as posts.markdown allows in table cells
        url_schemes=markdown.URL_SCHEMES,
        link_rel=markdown.LINK_REL,
        attribute_filter=resolve,
    )
