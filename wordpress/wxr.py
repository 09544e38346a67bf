"""Reading a WordPress export (WXR) as a stream of plain records.

The file is fed to a defused expat parser in small chunks: a DOCTYPE (where
entity declarations, the "billion laughs", and external entities live) is
refused before anything in it is read, and only the channel-level element
being read is held in memory, so a file of any length costs the same. One
element (an item with its comments) may hold at most MAX_ELEMENT_CHARS
characters of text and MAX_ELEMENT_NODES elements, nested at most MAX_DEPTH
deep. A file that is not well-formed is refused with the line and column
expat stopped at.

WordPress has written its namespace as http://wordpress.org/export/1.0/ to
1.2/; any such version counts, and an element in another namespace that
merely reuses the `wp:` prefix does not.
"""

import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser
from django.utils.translation import gettext as _

CHUNK_BYTES = 64 * 1024
# Text of one channel-level element (an item with its comments, an author...): far above any
# real post, far below what would hurt the server.
MAX_ELEMENT_CHARS = 20 * 1024 * 1024
# Elements in one of them (a post with thousands of comments has ~15 each), and how deep XML
# may nest (a WXR item's deepest part, a comment's meta value, is 7 levels down): bounds on the
# memory of a file made of tags rather than text.
MAX_ELEMENT_NODES = 500_000
MAX_DEPTH = 32

_WP_NAMESPACE = re.compile(r"https?://wordpress\.org/export/\d+\.\d+/")
_EXCERPT_NAMESPACE = re.compile(r"https?://wordpress\.org/export/\d+\.\d+/excerpt/")
_CONTENT_NAMESPACE = "http://purl.org/rss/1.0/modules/content/"
_DC_NAMESPACE = "http://purl.org/dc/elements/1.1/"


class WXRRefused(Exception):
    """The file cannot be imported at all; the message says why (with line and column when XML is broken).

    The message is for whoever imports (the admin page shows it), in the language active while reading.
    """


@dataclass
class Channel:
    title: str = ""
    link: str = ""
    base_site_url: str = ""
    base_blog_url: str = ""
    wxr_version: str = ""


@dataclass
class Author:
    id: str
    login: str
    email: str
    display_name: str
    first_name: str = ""
    last_name: str = ""


@dataclass
class Term:
    """A channel-level category, tag or other taxonomy's term."""

    taxonomy: str  # "category", "post_tag", or another taxonomy's name
    slug: str
    name: str
    parent: str = ""  # the parent's slug (categories)
    description: str = ""


@dataclass
class ItemTerm:
    """One of an item's <category domain=... nicename=...> entries."""

    domain: str
    slug: str
    name: str


@dataclass
class WXRComment:
    id: str
    author: str = ""
    author_email: str = ""
    author_url: str = ""
    date: str = ""
    date_gmt: str = ""
    content: str = ""
    approved: str = ""
    type: str = ""
    parent: str = ""
    user_id: str = ""


@dataclass
class Item:
    line: int  # where the item starts in the file, for messages
    title: str = ""
    link: str = ""
    guid: str = ""
    creator: str = ""
    content: str = ""
    excerpt: str = ""
    post_id: str = ""
    date: str = ""
    date_gmt: str = ""
    name: str = ""
    status: str = ""
    post_type: str = ""
    parent: str = ""
    attachment_url: str = ""
    password: str = ""
    terms: list[ItemTerm] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    comments: list[WXRComment] = field(default_factory=list)


class _Node:
    __slots__ = ("tag", "attrib", "children", "parts", "line")

    def __init__(self, tag, attrib, line):
        self.tag, self.attrib, self.line = tag, attrib, line
        self.children = []
        self.parts = []

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def child_text(self, name: str) -> str:
        for child in self.children:
            if _local(child.tag) == name:
                return child.text
        return ""


def _namespace(tag: str) -> str:
    return tag[1:].partition("}")[0] if tag.startswith("{") else ""


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _is_wp(tag: str) -> bool:
    return _WP_NAMESPACE.fullmatch(_namespace(tag)) is not None


class _Target:
    """Builds the element being read (below <channel>) and queues it when it ends."""

    def __init__(self, parser_ref):
        self._parser_ref = parser_ref
        self._stack: list[_Node | None] = []
        self._chars = 0
        self._nodes = 0
        self.ready: deque[_Node] = deque()
        self.saw_rss = False
        self.saw_channel = False

    def _line(self) -> int:
        return self._parser_ref().parser.CurrentLineNumber

    def start(self, tag, attrib):
        depth = len(self._stack)
        if depth == 0:
            self.saw_rss = _local(tag) == "rss"
            self._stack.append(None)
            return
        if depth == 1:
            if _local(tag) == "channel" and not _namespace(tag):
                self.saw_channel = True
            self._stack.append(None)
            return
        node = _Node(tag, attrib, self._line())
        parent = self._stack[-1]
        if parent is not None:
            parent.children.append(node)
            self._nodes += 1
        else:
            self._chars = self._nodes = 0
        if depth >= MAX_DEPTH or self._nodes > MAX_ELEMENT_NODES:
            top = next(n for n in self._stack if n is not None) if parent is not None else node
            raise WXRRefused(
                _(
                    "The <%(tag)s> starting at line %(line)s nests too deep or holds too many "
                    "elements for a WordPress export: refused."
                )
                % {"tag": _local(top.tag), "line": top.line}
            )
        self._stack.append(node)

    def data(self, text):
        node = self._stack[-1] if self._stack else None
        if node is None:
            return
        self._chars += len(text)
        if self._chars > MAX_ELEMENT_CHARS:
            top = next(n for n in self._stack if n is not None)
            raise WXRRefused(
                _(
                    "The <%(tag)s> starting at line %(line)s holds more than "
                    "%(megabytes)s MB of text; no WordPress post is that long."
                )
                % {"tag": _local(top.tag), "line": top.line, "megabytes": MAX_ELEMENT_CHARS // (1024 * 1024)}
            )
        node.parts.append(text)

    def end(self, tag):
        node = self._stack.pop()
        if node is not None and len(self._stack) == 2:
            self.ready.append(node)

    def close(self):
        return None


def _item(node: _Node) -> Item:
    item = Item(line=node.line)
    for child in node.children:
        tag, name, ns = child.tag, _local(child.tag), _namespace(child.tag)
        if not ns:
            if name == "title":
                item.title = child.text
            elif name == "link":
                item.link = child.text.strip()
            elif name == "guid":
                item.guid = child.text.strip()
            elif name == "category" and "nicename" in child.attrib:
                # Without a nicename it is RSS's plain copy of a term that follows with one (WXR 1.0).
                domain = child.attrib.get("domain", "category")
                item.terms.append(
                    ItemTerm(
                        domain="post_tag" if domain == "tag" else domain,
                        slug=child.attrib["nicename"],
                        name=child.text,
                    )
                )
        elif ns == _DC_NAMESPACE and name == "creator":
            item.creator = child.text.strip()
        elif ns == _CONTENT_NAMESPACE and name == "encoded":
            item.content = child.text
        elif _EXCERPT_NAMESPACE.fullmatch(ns) and name == "encoded":
            item.excerpt = child.text
        elif _is_wp(tag):
            if name == "postmeta":
                key = child.child_text("meta_key")
                if key:
                    item.meta[key] = child.child_text("meta_value")
            elif name == "comment":
                item.comments.append(_comment(child))
            elif name == "author" and not item.creator:
                item.creator = child.text.strip()  # a few exporters name the author here, not in dc:creator
            elif name in _ITEM_FIELDS:
                setattr(item, _ITEM_FIELDS[name], child.text.strip())
    return item


_ITEM_FIELDS = {
    "post_id": "post_id",
    "post_date": "date",
    "post_date_gmt": "date_gmt",
    "post_name": "name",
    "status": "status",
    "post_type": "post_type",
    "post_parent": "parent",
    "attachment_url": "attachment_url",
    "post_password": "password",
}

_COMMENT_FIELDS = {
    "comment_id": "id",
    "comment_author": "author",
    "comment_author_email": "author_email",
    "comment_author_url": "author_url",
    "comment_date": "date",
    "comment_date_gmt": "date_gmt",
    "comment_content": "content",
    "comment_approved": "approved",
    "comment_type": "type",
    "comment_parent": "parent",
    "comment_user_id": "user_id",
}


def _comment(node: _Node) -> WXRComment:
    comment = WXRComment(id="")
    for child in node.children:
        attribute = _COMMENT_FIELDS.get(_local(child.tag)) if _is_wp(child.tag) else None
        if attribute:
            value = child.text
            setattr(comment, attribute, value if attribute == "content" else value.strip())
    return comment


def _wp_children(node: _Node) -> dict[str, str]:
    return {_local(c.tag): c.text.strip() for c in node.children if _is_wp(c.tag)}


def _author(node: _Node) -> Author:
    fields = _wp_children(node)
    return Author(
        id=fields.get("author_id", ""),
        login=fields.get("author_login", ""),
        email=fields.get("author_email", ""),
        display_name=fields.get("author_display_name", ""),
        first_name=fields.get("author_first_name", ""),
        last_name=fields.get("author_last_name", ""),
    )


def _term(node: _Node) -> Term:
    fields = _wp_children(node)
    name = _local(node.tag)
    if name == "category":
        return Term(
            taxonomy="category",
            slug=fields.get("category_nicename", ""),
            name=fields.get("cat_name", ""),
            parent=fields.get("category_parent", ""),
            description=fields.get("category_description", ""),
        )
    if name == "tag":
        return Term(
            taxonomy="post_tag",
            slug=fields.get("tag_slug", ""),
            name=fields.get("tag_name", ""),
            description=fields.get("tag_description", ""),
        )
    return Term(
        taxonomy=fields.get("term_taxonomy", ""),
        slug=fields.get("term_slug", ""),
        name=fields.get("term_name", ""),
        parent=fields.get("term_parent", ""),
        description=fields.get("term_description", ""),
    )


def _open(source):
    if isinstance(source, str | Path):
        return open(source, "rb"), True  # noqa: SIM115 (closed by the reader)
    return source, False


class WXRReader:
    """Iterate over a WXR file's authors, terms and items, in file order. Raises WXRRefused.

    `source` is a path or a binary file object. `channel` fills in as the file is read.
    """

    def __init__(self, source):
        self.source = source
        self.channel = Channel()

    def __iter__(self) -> Iterator[Author | Term | Item]:
        stream, owned = _open(self.source)
        parser = None
        try:
            target = _Target(lambda: parser)
            parser = DefusedXMLParser(
                target=target, forbid_dtd=True, forbid_entities=True, forbid_external=True
            )
            started = False
            while True:
                chunk = stream.read(CHUNK_BYTES)
                if not chunk:
                    break
                if not started:
                    if not chunk.strip():
                        continue
                    started = True
                self._feed(parser, chunk)
                yield from self._drain(target)
            if not started:
                raise WXRRefused(_("The file is empty."))
            self._close(parser)
            yield from self._drain(target)
            if not (target.saw_rss and target.saw_channel):
                raise WXRRefused(
                    _("This is XML, but not a WordPress export: it has no <rss> with a <channel> inside.")
                )
        finally:
            if owned:
                stream.close()

    def _position(self, parser) -> str:
        expat = parser.parser
        return _("line %(line)s, column %(column)s") % {
            "line": expat.CurrentLineNumber,
            "column": expat.CurrentColumnNumber + 1,
        }

    def _feed(self, parser, chunk):
        try:
            parser.feed(chunk)
        except ParseError as error:
            raise WXRRefused(_broken(error)) from None
        except DefusedXmlException as error:
            raise WXRRefused(_forbidden(error, self._position(parser))) from None

    def _close(self, parser):
        try:
            parser.close()
        except ParseError as error:
            raise WXRRefused(_broken(error)) from None
        except DefusedXmlException as error:
            raise WXRRefused(_forbidden(error, self._position(parser))) from None

    def _drain(self, target: _Target):
        while target.ready:
            node = target.ready.popleft()
            record = self._record(node)
            if record is not None:
                yield record

    def _record(self, node: _Node):
        name, ns = _local(node.tag), _namespace(node.tag)
        if not ns:
            if name == "item":
                return _item(node)
            if name == "title":
                self.channel.title = node.text.strip()
            elif name == "link":
                self.channel.link = node.text.strip()
            return None
        if not _WP_NAMESPACE.fullmatch(ns):
            return None
        if name == "author":
            return _author(node)
        if name in ("category", "tag", "term"):
            return _term(node)
        if name == "base_site_url":
            self.channel.base_site_url = node.text.strip()
        elif name == "base_blog_url":
            self.channel.base_blog_url = node.text.strip()
        elif name == "wxr_version":
            self.channel.wxr_version = node.text.strip()
        return None


def _broken(error: ParseError) -> str:
    line, column = error.position
    reason = str(error).split(":")[0]  # expat's own words ("mismatched tag"): left as they are
    return _(
        "The file is not well-formed XML (%(reason)s) at line %(line)s, column %(column)s. "
        "Export it from WordPress again; a file cut short or edited by hand often does this."
    ) % {"reason": reason, "line": line, "column": column + 1}


def _forbidden(error: DefusedXmlException, where: str) -> str:
    if isinstance(error, DTDForbidden | EntitiesForbidden):
        return _(
            "The file has a <!DOCTYPE> with its own declarations (near %(where)s). WordPress exports never "
            "do, and entity declarations are how 'billion laughs' and external-entity files attack a "
            "server: refused."
        ) % {"where": where}
    if isinstance(error, ExternalReferenceForbidden):
        return _(
            "The file refers to an external entity (near %(where)s); nothing outside it is read: refused."
        ) % {"where": where}
    return _("The file uses an XML feature that is refused for safety (near %(where)s): %(error)s.") % {
        "where": where,
        "error": error,
    }
