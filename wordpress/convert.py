"""WordPress HTML to the Markdown our writers edit.

WordPress stores HTML with its own habits: editor block comments
(<!-- wp:paragraph -->), paragraphs left as blank lines for `wpautop` to wrap
at display time, and shortcodes such as [caption]. Those are handled here
first; markdownify then turns the HTML into Markdown. The result is only ever
stored as a post's or comment's Markdown, so it goes through the one pipeline
(posts/markdown.py) like anything a writer types: nothing here is trusted to be
safe, only to be faithful.
"""

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from bs4 import BeautifulSoup
from markdownify import ATX, BACKSLASH, MarkdownConverter

# Shortcodes WordPress itself registers; other [name] only count when they look like one
# (attributes with "=", or a closing [/name]), so "[sic]" or a footnote "[1]" is left alone.
_CORE_SHORTCODES = {"audio", "caption", "wp_caption", "embed", "gallery", "playlist", "video"}
_SHORTCODE = re.compile(r"\[(/?)([A-Za-z][\w-]*)((?:\s[^\[\]]*)?)\]")
_CAPTION = re.compile(r"\[(caption|wp_caption)([^\]]*)\](.*?)\[/\1\]", re.DOTALL | re.IGNORECASE)
_CAPTION_ATTRIBUTE = re.compile(r"""caption\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_PARAGRAPH_TAG = re.compile(r"<p[\s>]", re.IGNORECASE)
_PRE = re.compile(r"<pre[\s>].*?</pre>", re.DOTALL | re.IGNORECASE)
_BLOCK_START = re.compile(
    r"<(?:address|article|aside|blockquote|dd|details|div|dl|dt|fieldset|figcaption|figure|footer"
    r"|form|h[1-6]|header|hr|li|nav|ol|p|pre|section|table|tbody|td|tfoot|th|thead|tr|ul)[\s/>]",
    re.IGNORECASE,
)
# Tags whose content is never text for a reader: dropped whole.
_DROPPED = ["script", "style", "noscript", "template", "object", "embed", "applet", "form", "svg", "math"]
_PLACEHOLDER = "\x00wxrpre{}\x00"


@dataclass
class Converted:
    markdown: str
    unknown_shortcodes: list[str] = field(default_factory=list)


def _autop(text: str) -> str:
    """WordPress's wpautop, simplified: blank lines separate paragraphs, a single newline is a line break."""
    kept = []

    def keep(match):
        kept.append(match.group(0))
        return _PLACEHOLDER.format(len(kept) - 1)

    text = _PRE.sub(keep, text.replace("\r\n", "\n").replace("\r", "\n"))
    blocks = []
    for chunk in re.split(r"\n\s*\n", text):
        chunk = chunk.strip()
        if not chunk:
            continue
        if _BLOCK_START.match(chunk) or chunk.startswith("\x00wxrpre"):
            blocks.append(chunk)
        else:
            blocks.append("<p>" + chunk.replace("\n", "<br>\n") + "</p>")
    text = "\n\n".join(blocks)
    for index, block in enumerate(kept):
        text = text.replace(_PLACEHOLDER.format(index), block)
    return text


def _caption_to_figure(match) -> str:
    """[caption ...]<a><img></a> Caption[/caption] -> an image alone in its paragraph, with its caption."""
    attributes, inner = match.group(2), match.group(3)
    soup = BeautifulSoup(inner, "html.parser")
    img = soup.find("img")
    if img is None:
        return inner
    img.extract()
    caption = " ".join(soup.get_text(" ").split())
    if not caption:
        old_style = _CAPTION_ATTRIBUTE.search(attributes)
        caption = html.unescape(next(g for g in old_style.groups() if g is not None)) if old_style else ""
    parts = [f'src="{html.escape(img.get("src", ""))}"', f'alt="{html.escape(img.get("alt", ""))}"']
    if caption:
        parts.append(f'data-wxr-caption="{html.escape(caption)}"')
    return f"\n\n<p><img {' '.join(parts)}></p>\n\n"


def _shortcode_names(text: str) -> list[str]:
    closers = {m.group(2).lower() for m in _SHORTCODE.finditer(text) if m.group(1)}
    names = []
    for match in _SHORTCODE.finditer(text):
        if match.group(1):
            continue
        name = match.group(2).lower()
        looks_like_one = name in _CORE_SHORTCODES or "=" in match.group(3) or name in closers
        if looks_like_one and name not in names:
            names.append(name)
    return names


def _escape_alt(text: str) -> str:
    return re.sub(r"([\\\[\]])", r"\\\1", " ".join(text.split()))


class _Converter(MarkdownConverter):
    def convert_img(self, el, text, parent_tags):
        alt = _escape_alt(el.attrs.get("alt", "") or "")
        src = (el.attrs.get("src", "") or "").replace(" ", "%20").replace(")", "%29")
        caption = el.attrs.get("data-wxr-caption", "") or ""
        if "_inline" in parent_tags:
            return alt
        title = ' "{}"'.format(" ".join(caption.split()).replace("\\", "\\\\").replace('"', '\\"'))
        return f"![{alt}]({src}{title if caption else ''})"


def _converter() -> _Converter:
    return _Converter(heading_style=ATX, bullets="-", newline_style=BACKSLASH, escape_misc=False)


def _link_text(src: str, alt: str) -> str:
    name = src.rstrip("/").rpartition("/")[2] or src
    return alt.strip() or name


def wordpress_to_markdown(
    source_html: str,
    *,
    image_url: Callable[[str], tuple[str, str] | None] | None = None,
    images: bool = True,
) -> Converted:
    """Markdown for one post's (or, with images=False, one comment's) WordPress content.

    `image_url(src)` gives our URL of an image the file shows and its alt text in
    WordPress's media library (used when the <img> has none), or None when it
    could not be brought over; such an image becomes a link to where it was.
    """
    text = source_html or ""
    had_paragraphs = _PARAGRAPH_TAG.search(text) is not None
    text = _HTML_COMMENT.sub("", text)  # block editor comments, <!--more-->, and any other
    text = _CAPTION.sub(_caption_to_figure, text)
    unknown = [name for name in _shortcode_names(text) if name not in ("caption", "wp_caption")]
    if not had_paragraphs:
        text = _autop(text)

    soup = BeautifulSoup(text, "html.parser")
    for tag in soup.find_all(_DROPPED):
        tag.decompose()
    _figures_to_captioned_images(soup)
    notes = _take_footnotes(soup)
    for frame in soup.find_all("iframe"):
        src = frame.get("src", "")
        if src.startswith(("http://", "https://")):
            link = soup.new_tag("a", href=src)
            link.string = src
            frame.replace_with(link)
        else:
            frame.decompose()
    for img in soup.find_all("img"):
        src = img.get("src", "")
        found = image_url(src) if (image_url and images and src) else None
        if found is None:
            label = _link_text(src, img.get("alt", ""))
            if src.startswith(("http://", "https://")):
                link = soup.new_tag("a", href=src)
                link.string = label
                img.replace_with(link)
            else:
                img.replace_with(label)
            continue
        ours, library_alt = found
        img.attrs = {key: value for key, value in img.attrs.items() if key in ("alt", "data-wxr-caption")}
        img["src"] = ours
        if not img.get("alt", "").strip() and library_alt:
            img["alt"] = library_alt
        wrapper = img.parent
        # WordPress links an image to its own file: unwrapped, the image can stand as a figure.
        only_the_image = wrapper is not None and wrapper.name == "a" and not wrapper.get_text(strip=True)
        if only_the_image and len([c for c in wrapper.contents if str(c).strip()]) == 1:
            wrapper.replace_with(img)

    markdown = _converter().convert_soup(soup)
    markdown = re.sub(r"\n{3,}", "\n\n", markdown).strip()
    if notes:
        markdown += "\n\n" + "\n".join(f"[^{label}]: {note}" for label, note in notes)
    return Converted(markdown=markdown, unknown_shortcodes=unknown)


def _figures_to_captioned_images(soup) -> None:
    """<figure><img><figcaption>Caption <span class="credit">Credit</span></figcaption></figure>: the
    block editor's image (and our own export's) becomes our image with "Caption | Credit"."""
    for figure in soup.find_all("figure"):
        img = figure.find("img")
        if img is None:
            continue
        caption_element = figure.find("figcaption")
        caption = credit = ""
        if caption_element is not None:
            credit_element = caption_element.find("span", class_="credit")
            if credit_element is not None:
                credit = " ".join(credit_element.extract().get_text(" ").split())
            caption = " ".join(caption_element.get_text(" ").split())
        img.extract()
        if caption or credit:
            img["data-wxr-caption"] = f"{caption} | {credit}" if credit else caption
        paragraph = soup.new_tag("p")
        paragraph.append(img)
        figure.replace_with(paragraph)


def _take_footnotes(soup) -> list[tuple[int, str]]:
    """Footnotes as Markdown's [^n]: markers are a <sup> holding one link to an <li id> of a list.

    That is how our pipeline writes them and how WordPress's footnotes block does. The
    notes are taken out of the page and come back as "[^n]: text" at the end.
    """
    notes_by_id = {li["id"]: li for li in soup.select("ol > li[id]")}
    labels: dict[str, int] = {}
    for sup in soup.find_all("sup"):
        links = sup.find_all("a", href=True)
        target = links[0]["href"][1:] if len(links) == 1 and links[0]["href"].startswith("#") else ""
        if target not in notes_by_id:
            continue
        label = labels.setdefault(target, len(labels) + 1)
        sup.replace_with(f"[^{label}]")
    if not labels:
        return []
    notes = []
    for note_id, label in labels.items():
        li = notes_by_id[note_id]
        for backref in li.find_all("a", href=True):
            if backref["href"].startswith("#") and backref["href"][1:] not in notes_by_id:
                backref.decompose()  # the "↩︎" back to the marker
        text = _converter().convert(li.decode_contents())
        notes.append((label, " ".join(text.split())))
    for ol in {id(li.parent): li.parent for li in notes_by_id.values()}.values():
        if all(li.get("id") in labels for li in ol.find_all("li", recursive=False)):
            container = ol.parent if ol.parent is not None and ol.parent.name == "section" else ol
            rule = container.find_previous_sibling("hr")
            if rule is not None and "footnotes-sep" in (rule.get("class") or []):
                rule.decompose()
            container.decompose()
    return notes
