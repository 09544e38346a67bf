"""The one Markdown pipeline: every user-written Markdown string becomes HTML here.

markdown-it-py parses CommonMark (plus tables, strikethrough and footnotes,
which students use to cite), then nh3 keeps only an explicit allow-list of
tags, attributes and URL schemes. The post page, the editor's live preview,
comments and feeds all call this module; nothing else may produce HTML from
user text.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from html import unescape
from html.parser import HTMLParser

import nh3
from django.conf import settings
from django.utils.html import escape
from django.utils.text import Truncator
from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

# User ids (headings, footnotes) get this prefix so they cannot clash with the page's own ids.
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
    # With the size, narrower copies and when to fetch: written by _render_image only, each
    # value checked by _attribute_filter.
    "img": {"src", "alt", "title", "width", "height", "srcset", "sizes", "loading", "decoding"}
    | {"fetchpriority"},
    "ol": {"start"},
    "li": {"id"},
    "sup": {"id"},
    # Headings carry ids so a writer can link to them: [see below](#sources).
    **{f"h{level}": {"id"} for level in range(2, 7)},
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


@dataclass(frozen=True)
class ImageSize:
    """What the caller knows of one of our stored images: its size, and its narrower copies.

    The renderer is given these by address (render_markdown's `images`), so it stays text
    to HTML: posts.images looks the post's images up in one query and passes them in.
    """

    width: int
    height: int
    renditions: tuple[tuple[str, int], ...] = ()  # (address, width in pixels), narrowest first


# How wide an image in a post is shown: the whole screen on a phone, the reading column beyond
# (static/css/site.css, --reading-width). The browser picks from srcset by it before CSS is read.
IMAGE_SIZES = "(max-width: 42rem) 100vw, 42rem"
# The only values the fetching attributes take.
_IMAGE_FETCHING = {"loading": {"lazy"}, "decoding": {"async"}, "fetchpriority": {"high"}}
_PIXELS = re.compile(r"[1-9][0-9]{0,4}")
_SRCSET_WIDTH = re.compile(r"[1-9][0-9]{0,4}w")


def _render_heading_open(self, tokens, idx, options, env):
    # The page's title is the only h1: a post's "# Heading" becomes an h2.
    level = max(int(tokens[idx].tag[1]), 2)
    anchor = tokens[idx].meta.get("anchor")
    return f'<h{level} id="{escape(anchor)}">' if anchor else f"<h{level}>"


_FOOTNOTE_ID = re.compile(r"fn(ref)?[0-9]+(:[0-9]+)?")


def _anchor_of(text: str) -> str:
    """A heading's id as GitHub spells it: lower case, punctuation dropped, spaces as hyphens."""
    words = re.sub(r"[^\w\- ]", "", text.lower())
    return words.strip().replace(" ", "-") or "section"


def _mark_heading_anchors(state):
    """Give each heading an id from its text ("## Sources" -> "sources"), "-1", "-2"... when repeated.

    The ids written into the page, and so the only in-page targets a writer has,
    are these and the footnotes' (fn1, fnref1): env["anchors"] keeps them all for
    the link rewriting of _sanitise.
    """
    anchors = state.env.setdefault("anchors", set())
    for i, token in enumerate(state.tokens):
        if token.type != "heading_open":
            continue
        inline = state.tokens[i + 1]
        text = state.md.renderer.renderInlineAsText(inline.children or [], state.md.options, state.env)
        base = _anchor_of(text)
        anchor, n = base, 1
        # A heading named like a footnote ("fn1") would take the note's id: it yields.
        while anchor in anchors or _FOOTNOTE_ID.fullmatch(anchor):
            anchor, n = f"{base}-{n}", n + 1
        anchors.add(anchor)
        token.meta["anchor"] = anchor


def _render_heading_close(self, tokens, idx, options, env):
    level = max(int(tokens[idx].tag[1]), 2)
    return f"</h{level}>\n"


def _render_footnote_caption(self, tokens, idx, options, env):
    # A note cited twice reads "[1]" both times, not "[1]" then "[1:1]".
    return f"[{tokens[idx].meta['id'] + 1}]"


def _render_image(self, tokens, idx, options, env):
    """An image alone in its paragraph becomes a figure; its title is "caption | credit"."""
    token = tokens[idx]
    raw_src = token.attrGet("src") or ""
    src = escape(raw_src)
    alt = escape(self.renderInlineAsText(token.children or [], options, env))
    title = token.attrGet("title") or ""
    extra = _image_attributes(raw_src, env)
    img = f'<img src="{src}" alt="{alt}"{extra}>'
    if not token.meta.get("figure"):
        return img if not title else f'<img src="{src}" alt="{alt}" title="{escape(title)}"{extra}>'
    caption, _, credit = (part.strip() for part in title.partition(" | "))
    if not (caption or credit):
        return f"<figure>{img}</figure>"
    credit_html = f' <span class="credit">{escape(credit)}</span>' if credit else ""
    return f"<figure>{img}<figcaption>{escape(caption)}{credit_html}</figcaption></figure>"


def _image_attributes(src: str, env) -> str:
    """The box an image takes, its narrower copies, and when the browser should fetch it.

    With width and height the browser reserves the image's box before it arrives, so the
    text below does not jump. The post's first image is likely the page's largest paint:
    fetched at once and early; every later one only as the reader scrolls near it.
    """
    if not _is_own_media(src):
        return ""  # the sanitiser drops it: it must not count as the first image
    size = env.get("image_sizes", {}).get(src)
    parts = []
    if size is not None:
        parts.append(f' width="{size.width}" height="{size.height}"')
        if size.renditions:
            candidates = [*size.renditions, (src, size.width)]
            srcset = ", ".join(f"{url} {width}w" for url, width in candidates)
            parts.append(f' srcset="{escape(srcset)}" sizes="{IMAGE_SIZES}"')
    first = not env.get("images_seen")
    env["images_seen"] = env.get("images_seen", 0) + 1
    parts.append(' fetchpriority="high"' if first else ' loading="lazy"')
    parts.append(' decoding="async"')
    return "".join(parts)


def _is_own_srcset(value: str) -> bool:
    """Every candidate of a srcset is one of our stored images with a width: the same rule as src."""
    for candidate in value.split(","):
        url, _, width = candidate.strip().partition(" ")
        if not (_is_own_media(url) and _SRCSET_WIDTH.fullmatch(width.strip())):
            return False
    return True


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
        md.core.ruler.push("mark_heading_anchors", _mark_heading_anchors)
    else:
        md.disable(["heading", "lheading", "image"])
    return md


def _attribute_filter(anchors: set[str]):
    """nh3's attribute filter for one post, whose own in-page targets are `anchors`."""

    def keep(tag, attribute, value):
        if attribute == "href" and value.startswith("#"):
            # nh3 prefixes every id of the post (a heading's "sources" becomes "user-content-sources"):
            # a link to one of them follows it. Any other fragment is the page's own, such as
            # "#comments", and is left as written. A link copied from the page, prefix and all, holds.
            target = value[1:].removeprefix(ID_PREFIX)
            return "#" + ID_PREFIX + target if target in anchors else value
        if tag == "img":
            return _image_attribute(attribute, value)
        return value

    return keep


def _image_attribute(attribute: str, value: str) -> str | None:
    if attribute == "src":
        return value if _is_own_media(value) else None  # images come from our own media storage only
    if attribute == "srcset":
        return value if _is_own_srcset(value) else None
    if attribute in ("width", "height"):
        return value if _PIXELS.fullmatch(value) else None
    if attribute == "sizes":
        return value if value == IMAGE_SIZES else None
    if attribute in _IMAGE_FETCHING:
        return value if value in _IMAGE_FETCHING[attribute] else None
    return value  # alt, title


def _footnote_anchors(env) -> set[str]:
    """The ids the footnote plugin writes: fn<n> for each note, fnref<n> (fnref<n>:<k>) for each citation."""
    notes = env.get("footnotes", {}).get("list", {})
    anchors = set()
    for index, note in notes.items():
        anchors.add(f"fn{index + 1}")
        anchors.add(f"fnref{index + 1}")
        anchors.update(f"fnref{index + 1}:{k}" for k in range(1, note.get("count", 0) + 1))
    return anchors


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


def _sanitise(html: str, profile: str, anchors: set[str] = frozenset()) -> str:
    if profile == "post":
        return nh3.clean(
            html,
            tags=POST_TAGS,
            attributes=POST_ATTRIBUTES,
            allowed_classes=POST_CLASSES,
            filter_style_properties={"text-align"},
            url_schemes=URL_SCHEMES,
            link_rel=LINK_REL,
            attribute_filter=_attribute_filter(anchors),
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


def render_markdown(
    text: str, *, profile: str = "post", images: Mapping[str, ImageSize] | None = None
) -> str:
    """Markdown to safe HTML. `profile` is "post" (full) or "comment" (no headings, images, tables).

    `images` gives the sizes of our stored images the text shows, by their address as
    written (posts.images.image_sizes_for); an image not in it gets no size.
    """
    if profile not in ("post", "comment"):
        raise ValueError(f"unknown Markdown profile {profile!r}")
    env = {"image_sizes": images or {}}
    html = _parser(profile).render(text or "", env)
    return _sanitise(html, profile, env.get("anchors", set()) | _footnote_anchors(env))


def without_renditions(html: str) -> str:
    """Stored body HTML for a copy that leaves the site (the term's static site, a student's data zip).

    Each image keeps its one `src`, which the copy points at its own file; `srcset` and `sizes`
    go, since the smaller copies they name stay on the server and a browser would prefer them.
    nh3 writes the stored, already-sanitised HTML out again with the same allow-list (ids keep
    the prefix they have).
    """

    def drop_renditions(tag, attribute, value):
        return None if attribute in ("srcset", "sizes") else value

    return nh3.clean(
        html,
        tags=POST_TAGS,
        attributes=POST_ATTRIBUTES,
        allowed_classes=POST_CLASSES,
        filter_style_properties={"text-align"},
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        attribute_filter=drop_renditions,
    )


def render_post_markdown(text: str, images: Mapping[str, ImageSize] | None = None) -> str:
    """A post's text (and the editor's live preview: django-markdownx's MARKDOWNIFY_FUNCTION)."""
    return render_markdown(text, profile="post", images=images)


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


class _OpeningProse(HTMLParser):
    """The prose blocks of already-safe HTML, each block's text apart: paragraphs and list items.

    Headings, tables, code, figures (captions and credits) and footnotes (the "[1]"
    markers and the notes) are not prose: they are left out, so their words are never
    run into the sentences around them ("...Year Prisoners 1953 2.5 million...").
    """

    SKIPPED = {"h2", "h3", "h4", "h5", "h6", "table", "pre", "figure", "sup", "section"}
    BLOCKS = {"p", "li", "blockquote", "ul", "ol", "hr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[list] = []  # [the block's tag, its text, whether it ends a list]
        self._skipping = 0
        self._open: list[str] = []  # the prose blocks we are in
        self._text: list[str] = []

    def _end_block(self):
        text = " ".join("".join(self._text).split())
        if text and self._open:
            self.blocks.append([self._open[-1], text, False])
        self._text = []

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIPPED:
            self._skipping += 1
        elif tag in self.BLOCKS and not self._skipping:
            self._end_block()  # a list inside an item: the item's own words first
            self._open.append(tag)
        elif tag == "br":
            self._text.append(" ")

    def handle_endtag(self, tag):
        if tag in self.SKIPPED:
            self._skipping = max(0, self._skipping - 1)
        elif tag in self.BLOCKS and not self._skipping:
            self._end_block()
            if self._open:
                self._open.pop()
            if tag in ("ul", "ol") and self.blocks and self.blocks[-1][0] == "li":
                self.blocks[-1][2] = True

    def handle_data(self, data):
        if not self._skipping and self._open:
            self._text.append(data)


# After a full stop, question or exclamation mark (and a closing quote or bracket), before a capital,
# a digit or an opening quote. Not after a few abbreviations a history essay uses ("Mr. Khrushchev").
_SENTENCE_END = re.compile(r"(?:(?<=[.!?…])|(?<=[.!?…][\"'”’)\]]))\s+(?=[\"'“‘(\[]?[^\W\d_a-zа-я]|[0-9])")
_ABBREVIATIONS = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|St|Prof|Gen|Lt|Col|vs|cf|ca|c|e\.g|i\.e|etc|No|Vol|pp?)\.$")


def _sentences(text: str) -> list[str]:
    pieces, start = [], 0
    for boundary in _SENTENCE_END.finditer(text):
        candidate = text[start : boundary.start()].rstrip()
        if _ABBREVIATIONS.search(candidate):
            continue
        pieces.append(candidate)
        start = boundary.end()
    pieces.append(text[start:].strip())
    return [piece for piece in pieces if piece]


def _as_sentence(text: str, *, last: bool) -> str:
    # A list item is a fragment ("Official speeches"): closed, so the next one does not run on.
    return text if text[-1] in ".!?…:;\"'”’)" else text + ("." if last else ";")


def excerpt_of(html: str, words: int = 55) -> str:
    """The opening prose of already-safe HTML, for lists of posts: whole sentences, about `words` long.

    Cut at the end of the last sentence that fits; a first sentence longer than
    that alone is cut at a word, with an ellipsis. Lists of posts should read
    "The Thaw began in 1953. Letters show it." and not "Fence at the old Gulag
    Gulag Image retrieved from" or "chapter[1]" (see _OpeningProse).
    """
    parser = _OpeningProse()
    parser.feed(html or "")
    parser.close()
    sentences = []
    for tag, text, ends_list in parser.blocks:
        block = _sentences(text)
        if tag == "li" and block:
            block[-1] = _as_sentence(block[-1], last=ends_list)
        sentences.extend(block)
    kept, count = [], 0
    for sentence in sentences:
        length = len(sentence.split())
        if count + length > words:
            break
        kept.append(sentence)
        count += length
    if not kept:
        return Truncator(" ".join(sentences)).words(words)
    excerpt = " ".join(kept)
    if excerpt.endswith(";"):
        excerpt = excerpt[:-1] + "."  # the last item of a list read as the end of the sentence
    return excerpt
