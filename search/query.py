"""What a reader typed, read as words and "phrases in quotes", before any engine sees it.

Nothing typed reaches an engine's own query language: each engine is given
only runs of letters and digits (search/backends/), so FTS5 syntax (NEAR, *,
^, column filters), tsquery operators, NUL bytes and unbalanced quotes are
just separators here. Every term must match; the last word typed outside
quotes also matches the words it begins ("amnest" finds "amnesty").
"""

import re
import unicodedata
from dataclasses import dataclass

MAX_QUERY_CHARS = 200
MAX_TERMS = 10
# A shorter last word is matched whole: a prefix of one or two letters matches most of the index.
MIN_PREFIX_CHARS = 3

_WORD = re.compile(r"[^\W_]+")  # letters and digits, in any script (what both tokenizers keep)


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]  # one word, or the words of a phrase in order
    prefix: bool = False

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1

    def __str__(self):
        text = " ".join(self.words)
        return f'"{text}"' if self.is_phrase else text


@dataclass(frozen=True)
class Query:
    text: str  # what was typed, cleaned of control characters, for the search box
    terms: tuple[Term, ...] = ()
    too_long: bool = False
    dropped: int = 0  # terms past MAX_TERMS, not searched

    @property
    def searchable(self) -> bool:
        return bool(self.terms)

    @property
    def has_phrase(self) -> bool:
        return any(term.is_phrase for term in self.terms)

    @property
    def searched(self) -> str:
        """The terms as they were understood, in one spelling: what a link to another page repeats."""
        return " ".join(str(term) for term in self.terms)


def _clean(text: str) -> str:
    # NFC first: a decomposed "ë" (e + combining diaeresis) would otherwise split the word.
    text = unicodedata.normalize("NFC", text)
    return "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text).strip()


def parse(raw: str | None) -> Query:
    raw = raw or ""
    # Far too long is refused before any work on it (a query string may be megabytes).
    text = _clean(raw[: MAX_QUERY_CHARS * 4 + 1])
    if len(text) > MAX_QUERY_CHARS or len(raw) > MAX_QUERY_CHARS * 4:
        return Query(text=text[:MAX_QUERY_CHARS], too_long=True)
    terms: list[Term] = []
    last_bare = None  # index in terms of the last word typed outside quotes
    # Between quotes every other piece; an unclosed quote runs to the end, as a phrase.
    for n, piece in enumerate(text.split('"')):
        words = tuple(word.lower() for word in _WORD.findall(piece))
        if not words:
            continue
        if n % 2:  # inside quotes
            terms.append(Term(words))
        else:
            for word in words:
                terms.append(Term((word,)))
                last_bare = len(terms) - 1
    if last_bare is not None and len(terms[last_bare].words[0]) >= MIN_PREFIX_CHARS:
        terms[last_bare] = Term(terms[last_bare].words, prefix=True)
    unique = list(dict.fromkeys(terms))
    return Query(text=text, terms=tuple(unique[:MAX_TERMS]), dropped=max(0, len(unique) - MAX_TERMS))
