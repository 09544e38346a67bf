"""The two search engines behind one interface, chosen by the database in use.

Each backend answers the same three questions for a course: how many entries
match, which entries rank on a page (with the words of each that matched, for
highlighting), and how to (re)build its index. Entries are only those of live
posts: the caller passes the course's live posts as a subquery, so a post
scheduled for later is found from its publication time on, with no write.
"""

import re
from dataclasses import dataclass

from django.db import connection

# Marks the engines put around matched words; stripped from every indexed text (search/index.py).
START, STOP = "\x02", "\x03"
_MARKED = re.compile(f"{START}(.*?){STOP}", re.DOTALL)
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Hit:
    entry_id: int
    score: float  # higher is better
    words: frozenset[str]  # the words of the entry that matched, lower-cased, as written in it


def marked_words(*highlighted: str | None) -> frozenset[str]:
    """The words an engine marked in its highlighted copies of an entry's fields."""
    return frozenset(
        word.lower()
        for text in highlighted
        if text
        for span in _MARKED.findall(text)
        for word in _WORD.findall(span)
    )


def backend():
    if connection.vendor == "postgresql":
        from . import postgresql

        return postgresql
    if connection.vendor == "sqlite":
        from . import sqlite

        return sqlite
    raise NotImplementedError(f"Search supports SQLite and PostgreSQL, not {connection.vendor}.")
