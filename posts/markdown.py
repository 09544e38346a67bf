"""The one Markdown pipeline: every user-written Markdown string becomes HTML here.

markdown-it-py parses CommonMark (plus tables, strikethrough and footnotes,
which students use to cite), then nh3 keeps only an explicit allow-list of
tags, attributes and URL schemes. The post page, the editor's live preview,
comments and feeds all call this module; nothing else may produce HTML from
user text.
"""

import re
from dataclasses import dataclass
from functools import lru_cache
from html import unescape

import nh3
from django.conf import settings
from django.utils.html import escape
from django.utils.text import Truncator
from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

# User ids (footnotes) get this prefix so they cannot clash with the page's own ids.
ID_PREFIX = "user-content-"
LINK_REL = "nofollow ugc noopener"
URL_SCHEMES = {"http", "https", "mailto"}

_INLINE_TAGS = {"a", "strong", "em", "b", "i", "s", "del", "code", "br", "sup", "sub", "span"}
_BLOCK_TAGS = {"p", "blockquote", "ul", "ol", "li", "pre", "hr"}

POST_TAGS = (
    _INLINE_TAGS
    | _BLOCK_TAGS
    | {"h2", "h3", "h4", "h5", "h6", "img", "figure", "figcaption"}
    | {"table", "thead", "tbody", "tr", "th", "td", "section"}
)
COMMENT_TAGS = _INLINE_TAGS | _BLOCK_TAGS

POST_ATTRIBUTES = {
    "a": {"href", "title", "id"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    "li": {"id"},
    "sup": {"id"},
    "th": {"style"},
    "td": {"style"},
}
COMMENT_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}

POST_CLASSES = {
    "section": {"footnotes"},
    "ol": {"footnotes-list"},
    "li": {"footnote-item"},
    "sup": {"footnote-ref"},
    "a": {"footnote-backref"},
    "hr": {"footnotes-sep"},
    "span": {"credit"},
}


@dataclass(frozen=True)
class MarkdownImage:
    src: str
    alt: str


def _render_heading_open(self, tokens, idx, options, env):
    # The page's title is the only h1: a post's "# Heading" becomes an h2.
    level = max(int(tokens[idx].tag[1]), 2)
    return f"<h{level}>"


def _render_heading_close(self, tokens, idx, options, env):
    level = max(int(tokens[idx].tag[1]), 2)
    return f"</h{level}>\n"


def _render_footnote_caption(self, tokens, idx, options, env):
    # A note cited twice reads "[1]" both times, not "[1]" then "[1:1]".
    return f"[{tokens[idx].meta['id'] + 1}]"


def _render_image(self, tokens, idx, options, env):
    """An image alone in its paragraph becomes a figure; its title is "caption | credit"."""
    token = tokens[idx]
    src = escape(token.attrGet("src") or "")
    alt = escape(self.renderInlineAsText(token.children or [], options, env))
    title = token.attrGet("title") or ""
    img = f'<img src="{src}" alt="{alt}">'
    if not token.meta.get("figure"):
        return img if not title else f'<img src="{src}" alt="{alt}" title="{escape(title)}">'
    caption, _, credit = (part.strip() for part in title.partition(" | "))
    if not (caption or credit):
        return f"<figure>{img}</figure>"
    credit_html = f' <span class="credit">{escape(credit)}</span>' if credit else ""
    return f"<figure>{img}<figcaption>{escape(caption)}{credit_html}</figcaption></figure>"


def _mark_figures(state):
    """Mark paragraphs holding only an image, so the image renders as a figure."""
    tokens = state.tokens
    for i in range(1, len(tokens) - 1):
        inline = tokens[i]
        if inline.type != "inline" or tokens[i - 1].type != "paragraph_open":
            continue
        children = [c for c in inline.children or [] if not (c.type == "text" and not c.content.strip())]
        if len(children) == 1 and children[0].type == "image":
            children[0].meta["figure"] = True
            tokens[i - 1].hidden = True
            tokens[i + 1].hidden = True


@lru_cache(maxsize=2)
def _parser(profile: str) -> MarkdownIt:
    # Raw HTML is off: what a student types as HTML shows as text.
    md = MarkdownIt("commonmark", {"html": False, "typographer": False})
    md.enable(["strikethrough"])
    if profile == "post":
        md.enable(["table"]).use(footnote_plugin)
        md.add_render_rule("footnote_caption", _render_footnote_caption)
        md.add_render_rule("heading_open", _render_heading_open)
        md.add_render_rule("heading_close", _render_heading_close)
        md.add_render_rule("image", _render_image)
        md.core.ruler.push("mark_figures", _mark_figures)
    else:
        md.disable(["heading", "lheading", "image"])
    return md


def _keep_attribute(tag, attribute, value):
    if attribute == "href" and value.startswith("#"):
        # Footnote links point at ids that nh3 prefixed: follow them.
        return "#" + ID_PREFIX + value[1:].removeprefix(ID_PREFIX)
    if tag == "img" and attribute == "src" and not _is_own_media(value):
        return None  # images come from our own media storage only
    return value


# A stored file's path under a media prefix: plain segments, none starting with a dot (so
# no "." or ".."), no percent-escapes (browsers read %2e%2e as ".."), no query. Otherwise
# "/media/../some/action/" would make every reader's browser request another page of ours.
_MEDIA_PATH = re.compile(r"[A-Za-z0-9_~-][A-Za-z0-9_~.-]*(?:/[A-Za-z0-9_~-][A-Za-z0-9_~.-]*)*")


def _is_own_media(url: str) -> bool:
    prefixes = [settings.MEDIA_URL, *getattr(settings, "MARKDOWN_EXTRA_IMAGE_PREFIXES", [])]
    for prefix in prefixes:
        if prefix and url.startswith(prefix):
            return _MEDIA_PATH.fullmatch(url[len(prefix) :]) is not None
    return False


def _sanitise(html: str, profile: str) -> str:
    if profile == "post":
        return nh3.clean(
            html,
            tags=POST_TAGS,
            attributes=POST_ATTRIBUTES,
            allowed_classes=POST_CLASSES,
            filter_style_properties={"text-align"},
            url_schemes=URL_SCHEMES,
            link_rel=LINK_REL,
            attribute_filter=_keep_attribute,
            id_prefix=ID_PREFIX,
            clean_content_tags={"script", "style"},
        )
    return nh3.clean(
        html,
        tags=COMMENT_TAGS,
        attributes=COMMENT_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        clean_content_tags={"script", "style"},
    )


def render_markdown(text: str, *, profile: str = "post") -> str:
    """Markdown to safe HTML. `profile` is "post" (full) or "comment" (no headings, images, tables)."""
    if profile not in ("post", "comment"):
        raise ValueError(f"unknown Markdown profile {profile!r}")
    return _sanitise(_parser(profile).render(text or ""), profile)


def render_post_markdown(text: str) -> str:
    """The editor's live preview (django-markdownx's MARKDOWNIFY_FUNCTION)."""
    return render_markdown(text, profile="post")


def render_comment_markdown(text: str) -> str:
    return render_markdown(text, profile="comment")


def images_in(text: str) -> list[MarkdownImage]:
    """Every image a post's Markdown shows, with its alt text, in order."""
    md = _parser("post")
    found = []

    def walk(tokens):
        for token in tokens:
            if token.type == "image":
                alt = md.renderer.renderInlineAsText(token.children or [], md.options, {})
                found.append(MarkdownImage(src=token.attrGet("src") or "", alt=alt.strip()))
            if token.children:
                walk(token.children)

    walk(md.parse(text or ""))
    return found


def plain_text(html: str) -> str:
    """Text of already-safe HTML, for word counts."""
    return " ".join(unescape(nh3.clean(html, tags=set())).split())


def excerpt_of(html: str, words: int = 55) -> str:
    """The opening prose of already-safe HTML, for lists of posts.

    Figures (their captions and credits) and footnotes (the "[1]" markers and the notes
    themselves) are left out: a list should not open with "Fence at the old Gulag Gulag
    Image retrieved from" or show "chapter[1]".
    """
    prose = nh3.clean(html, tags=set(), clean_content_tags={"figure", "sup", "section"})
    return Truncator(" ".join(unescape(prose).split())).words(words)
