# ruff: noqa: S608  -- the SQL names only constants and Django-compiled SQL; every value is a parameter
"""SQLite: the FTS5 table search_fts (search/ddl.py), ranked by bm25 with the title weighted most.

The MATCH expression is built here from the parsed terms, which hold only
letters and digits: each goes inside double quotes (an FTS5 string, where no
operator means anything), so nothing a reader types can change the query's
shape. The course is matched inside the index (its own column), and the
reader's terms only against the text columns.
"""

from django.db import connection

from .. import ddl
from ..models import SearchEntry
from ..query import Query
from . import START, STOP, Hit, marked_words

# bm25 weights, in the order of ddl.FTS_COLUMNS: title, body, tags, comment_body, course_id (never
# scores). A word in a comment counts half one in a post: a post is what a reader mostly looks for,
# and length normalisation would otherwise put every short comment above a long essay.
_WEIGHTS = "10.0, 1.0, 4.0, 0.5, 0.0"
_FTS = ddl.FTS_TABLE


def match_expression(course, query: Query) -> str:
    terms = []
    for term in query.terms:
        quoted = '"' + " ".join(term.words) + '"'
        terms.append(quoted + "*" if term.prefix else quoted)
    return f'course_id : "{int(course.pk)}" AND {{title body tags comment_body}} : ({" AND ".join(terms)})'


def _matching(course, later, query):
    """The FROM and WHERE shared by the count and the page, and their parameters.

    Only the FTS index is read: the course is part of the MATCH, and the entries
    of posts dated later (usually none) are left out by rowid, so no match costs
    a lookup in the entries' table.
    """
    later_sql, later_params = SearchEntry.objects.filter(post__in=later).values("pk").query.sql_with_params()
    sql = f"FROM {_FTS} WHERE {_FTS} MATCH %s AND {_FTS}.rowid NOT IN ({later_sql})"
    return sql, [match_expression(course, query), *later_params]


def count(*, course, later, query: Query) -> int:
    where, params = _matching(course, later, query)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) {where}", params)
        return cursor.fetchone()[0]


def page(*, course, later, query: Query, offset: int, limit: int) -> tuple[int, list[Hit]]:
    """How many entries match, and the page's hits; (0, []) past the last page too."""
    where, params = _matching(course, later, query)
    match = match_expression(course, query)
    # Ranked (and counted) first, then highlighted: highlight() runs on the page's rows only.
    sql = (
        # (bm25 cannot share a SELECT with a window function: the count is taken one level up.)
        f"WITH ranked AS MATERIALIZED "
        f"(SELECT {_FTS}.rowid AS id, bm25({_FTS}, {_WEIGHTS}) AS score {where}), "
        "top AS MATERIALIZED (SELECT id, score, count(*) OVER () AS total FROM ranked "
        "ORDER BY score, id DESC LIMIT %s OFFSET %s) "
        f"SELECT top.id, top.score, top.total, highlight({_FTS}, 0, %s, %s), highlight({_FTS}, 1, %s, %s), "
        f"highlight({_FTS}, 2, %s, %s), highlight({_FTS}, 3, %s, %s) "
        f"FROM top JOIN {_FTS} ON {_FTS}.rowid = top.id WHERE {_FTS} MATCH %s ORDER BY top.score, top.id DESC"
    )
    params = [*params, limit, offset, *(START, STOP) * 4, match]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    # bm25 is lower for better matches.
    total = rows[0][2] if rows else 0
    return total, [Hit(entry_id, -score, marked_words(*fields)) for entry_id, score, _, *fields in rows]


def vector(*, title: str, body: str, tags: str, comment_body: str):
    return None  # the triggers index every write to the entries


def insert(rows) -> None:
    """Many entries (search.index.Row) in one executemany; the triggers index them, when present."""
    if not rows:
        return
    table = connection.ops.quote_name(SearchEntry._meta.db_table)
    columns = "course_id, post_id, comment_id, title, body, tags, comment_body"
    sql = f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s, %s, %s)"
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def before_full_rebuild() -> None:
    """Drop the FTS table and its triggers: the entries are then rewritten without indexing each row."""
    with connection.cursor() as cursor:
        for statement in ddl.SQLITE_DROP:
            cursor.execute(statement)


def after_full_rebuild_committed() -> None:
    pass  # the FTS index was built whole and merged ('optimize'): nothing left to tidy


def after_full_rebuild() -> None:
    """Create the FTS table again, index every entry in one pass, and put the triggers back."""
    with connection.cursor() as cursor:
        for statement in (ddl.SQLITE_CREATE_TABLE, *ddl.SQLITE_REINDEX, *ddl.SQLITE_CREATE_TRIGGERS):
            cursor.execute(statement)
