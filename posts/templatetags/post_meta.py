"""What a page tells search engines and link previews: {% post_meta post %} and {% course_meta course %}.

Public pages get a meta description, a canonical link and Open Graph tags,
all absolute from settings.SITE_URL (the sitemap uses the same base);
members-only courses, and posts not live, get only noindex: nothing about
them is meant to be found from outside. Every value is escaped by format_html.
"""

from html.parser import HTMLParser

from django import template
from django.conf import settings
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from core.cache import cached_fragment

register = template.Library()

NOINDEX = mark_safe('<meta name="robots" content="noindex">')  # a constant: nothing formatted into it
DESCRIPTION_CHARS = 300


def absolute(url: str) -> str:
    """`url` on the site's canonical base, unless it names its own host (media on S3)."""
    if url.startswith(("http://", "https://")):
        return url
    return settings.SITE_URL.rstrip("/") + url


class _FirstImage(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.src = None

    def handle_starttag(self, tag, attrs):
        if tag == "img" and self.src is None:
            self.src = dict(attrs).get("src") or None


def first_image(html: str) -> str | None:
    """The src of the first image of stored, sanitised HTML (only our own media survive the pipeline)."""
    if "<img" not in html:
        return None
    parser = _FirstImage()
    parser.feed(html)
    parser.close()
    return parser.src


def _description(text: str) -> str:
    return Truncator(" ".join(text.split())).chars(DESCRIPTION_CHARS)


def _meta_tags(pairs) -> str:
    """<meta> elements from (attribute, name, content) triples, skipping empty contents."""
    present = [(attr, name, content) for attr, name, content in pairs if content]
    return format_html_join("\n", '<meta {}="{}" content="{}">', present)


@register.simple_tag
def post_meta(post):
    """The <head> tags of a post page. The same for every reader: kept under the course's version."""

    def render():
        # A post only members may read (its author does not consent, issue 18) is not for search engines.
        if not (post.course.is_public and post.is_live and post.author_shown_to_world()):
            return NOINDEX
        url = absolute(post.get_absolute_url())
        description = _description(post.excerpt)
        image = first_image(post.body_html)
        published = timezone.localtime(post.published_at).isoformat()
        tags = _meta_tags(
            [
                ("name", "description", description),
                ("property", "og:type", "article"),
                ("property", "og:title", post.title),
                ("property", "og:description", description),
                ("property", "og:url", url),
                ("property", "og:site_name", post.course.title),
                ("property", "og:image", absolute(image) if image else ""),
                ("property", "article:published_time", published),
            ]
        )
        return format_html('<link rel="canonical" href="{}">\n{}', url, tags)

    return cached_fragment(post.course.slug, f"post-meta:{post.pk}", render)


@register.simple_tag
def course_meta(course):
    """The <head> tags of a course's front page: its description, or noindex if members-only."""
    if not course.is_public:
        return NOINDEX
    return _meta_tags([("name", "description", _description(course.description))])
