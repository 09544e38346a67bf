"""Snippets with the matched words in <mark>, made the same way for both engines.

The engines say which words of an entry matched (stemmed, prefixed or folded
forms included: "amnesties" for "amnesty"); the text shown is the entry's own
plain text, cut and marked here. Every piece of it is escaped, and <mark> is
the only markup added, so a post about "<script>" shows the word, never runs it.
"""

import re

from django.utils.html import escape, format_html, format_html_join

SNIPPET_CHARS = 240
LEAD_CHARS = 60  # text kept before the first match, so the snippet opens mid-sentence less abruptly
ELLIPSIS = "…"


def _pattern(words) -> re.Pattern | None:
    if not words:
        return None
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    # Whole words only: "thaw" is not marked inside "thawed" unless "thawed" matched itself.
    return re.compile(rf"(?<![^\W_])(?:{alternatives})(?![^\W_])", re.IGNORECASE)


def _marked(text: str, pattern: re.Pattern | None):
    if pattern is None:
        return escape(text)
    pieces, at = [], 0
    for found in pattern.finditer(text):
        pieces.append(escape(text[at : found.start()]))
        pieces.append(format_html("<mark>{}</mark>", found.group()))
        at = found.end()
    pieces.append(escape(text[at:]))
    return format_html_join("", "{}", ((piece,) for piece in pieces))


def marked(text: str, words) -> str:
    """The whole text (a title, tags), escaped, with the matched words marked."""
    return _marked(text, _pattern(words))


def snippet(text: str, words, chars: int = SNIPPET_CHARS) -> str:
    """Up to `chars` characters of the text around its first matched word, escaped and marked."""
    pattern = _pattern(words)
    found = pattern.search(text) if pattern else None
    start = 0
    if found and found.start() > LEAD_CHARS:
        start = found.start() - LEAD_CHARS
        space = text.find(" ", start, found.start())
        start = space + 1 if space != -1 else start
    end = min(len(text), start + chars)
    if end < len(text):
        space = text.rfind(" ", start, end)
        if space > start + chars // 2:
            end = space
    window = text[start:end].strip()
    return format_html(
        "{}{}{}",
        ELLIPSIS if start > 0 else "",
        _marked(window, pattern),
        ELLIPSIS if end < len(text) else "",
    )
