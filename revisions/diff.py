"""A word-level diff of two texts, as HTML: deletions in <del>, insertions in <ins>, all text escaped."""

import re
from difflib import SequenceMatcher

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

# Each word with the white space after it: words are compared, and the spaces and
# line breaks ride along, so the page keeps the text's paragraphs (white-space: pre-wrap).
_TOKENS = re.compile(r"^\s+|\S+\s*")


def tokens(text: str) -> list[str]:
    return _TOKENS.findall(text)


def word_changes(old: str, new: str) -> list[tuple[str, str]]:
    """[(op, text)] with op "equal", "delete" or "insert": old = equal + delete, new = equal + insert.

    Equal words are shown with the newer text's spacing: a change of spaces alone is no change of words.
    """
    a, b = tokens(old), tokens(new)
    # autojunk off: in an essay the common words would otherwise be ignored as
    # "junk", and the diff would jump over whole sentences.
    matcher = SequenceMatcher(None, [t.strip() for t in a], [t.strip() for t in b], autojunk=False)
    changes = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            changes.append(("equal", "".join(b[b1:b2])))
            continue
        if a1 < a2:
            changes.append(("delete", "".join(a[a1:a2])))
        if b1 < b2:
            changes.append(("insert", "".join(b[b1:b2])))
    return changes


_TAGS = {"equal": "{}", "delete": "<del>{}</del>", "insert": "<ins>{}</ins>"}


def diff_html(old: str, new: str) -> SafeString:
    return format_html_join(
        "", "{}", ((format_html(_TAGS[op], text),) for op, text in word_changes(old, new))
    )


def counts(old: str, new: str) -> tuple[int, int]:
    """Words removed and words added."""
    removed = added = 0
    for op, text in word_changes(old, new):
        if op == "delete":
            removed += len(text.split())
        elif op == "insert":
            added += len(text.split())
    return removed, added
