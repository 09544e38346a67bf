# ruff: noqa: S608, S611  -- the SQL names only this module's constants; every text is a parameter
"""PostgreSQL: the entries' stored tsvector (GIN-indexed), websearch_to_tsquery, ts_rank and ts_headline.

The words and phrases go to websearch_to_tsquery, each in double quotes (so
a typed "or" is a word, not the operator); the prefix word goes to to_tsquery
as `word:*`, safe because a parsed word holds only letters and digits.
Every piece is a query parameter.

The text search configuration (search/ddl.py) stems English and folds
diacritics. "<", ">" and "&" are read as spaces, as SQLite's tokenizer does:
PostgreSQL's parser would otherwise take "<script>" for a tag and skip it.
"""

from functools import reduce

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import Count, F, Func, TextField, Value, Window
from django.db.models.expressions import RawSQL

from .. import ddl
from ..models import SearchEntry
from ..query import Query
from . import START, STOP, Hit, marked_words

CONFIG = ddl.PG_CONFIG


def _as_text(expression):
    return Func(expression, Value("<>&"), Value("   "), function="translate", output_field=TextField())


def _document(title: str, body: str, tags: str, comment_body: str) -> str:
    """The SQL of an entry's tsvector from its four texts (SQL expressions): the one definition of it.

    A post's title weighted A, its tags B, its text C, a comment's text D: ts_rank
    counts them 1.0, 0.4, 0.2 and 0.1, so a word in a comment counts half one in a
    post (a post is what a reader mostly looks for).
    """
    return " || ".join(
        f"setweight(to_tsvector('{CONFIG}'::regconfig, "
        f"translate(coalesce({text}, ''), '<>&', '   ')), '{weight}')"
        for text, weight in ((title, "A"), (tags, "B"), (body, "C"), (comment_body, "D"))
    )


def vector(*, title: str, body: str, tags: str, comment_body: str):
    """The vector column's value for one entry written through the ORM (its texts as parameters)."""
    return RawSQL(_document(*["%s::text"] * 4), [title, body, tags, comment_body])


def insert(rows) -> None:
    """Many entries (search.index.Row) in one statement, their vectors made by PostgreSQL as they go in."""
    if not rows:
        return
    table = connection.ops.quote_name(SearchEntry._meta.db_table)
    sql = (
        f"INSERT INTO {table} (course_id, post_id, comment_id, title, body, tags, comment_body, vector) "
        f"SELECT c, p, m, t, b, g, r, {_document('t', 'b', 'g', 'r')} FROM unnest("
        "%s::bigint[], %s::bigint[], %s::bigint[], %s::text[], %s::text[], %s::text[], %s::text[]"
        ") AS e(c, p, m, t, b, g, r)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [list(column) for column in zip(*rows, strict=True)])


def search_query(query: Query) -> SearchQuery:
    parts = []
    whole = [term for term in query.terms if not term.prefix]
    if whole:
        text = " ".join('"' + " ".join(term.words) + '"' for term in whole)
        parts.append(SearchQuery(text, search_type="websearch", config=CONFIG))
    parts += [
        SearchQuery(f"{term.words[0]}:*", search_type="raw", config=CONFIG)
        for term in query.terms
        if term.prefix
    ]
    return reduce(lambda a, b: a & b, parts)


def _matching(course, later, tsquery):
    return SearchEntry.objects.filter(course=course, vector=tsquery).exclude(post__in=later)


def count(*, course, later, query: Query) -> int:
    return _matching(course, later, search_query(query)).count()


def page(*, course, later, query: Query, offset: int, limit: int) -> tuple[int, list[Hit]]:
    """How many entries match, and the page's hits; (0, []) past the last page too."""
    tsquery = search_query(query)

    def marks(field, **options):
        return SearchHeadline(
            _as_text(F(field)), tsquery, config=CONFIG, start_sel=START, stop_sel=STOP, **options
        )

    fragments = {"max_fragments": 3, "max_words": 12, "min_words": 4}
    rows = (
        _matching(course, later, tsquery)
        # Counted in the same pass over the matches as the ranking.
        .annotate(score=SearchRank(F("vector"), tsquery), total=Window(Count("pk")))
        .order_by("-score", "-pk")
        # Only for the words that matched; PostgreSQL computes them after the sort, for this page.
        .annotate(
            title_marks=marks("title", highlight_all=True),
            body_marks=marks("body", **fragments),
            tags_marks=marks("tags", highlight_all=True),
            comment_marks=marks("comment_body", **fragments),
        )
        .values_list("pk", "score", "total", "title_marks", "body_marks", "tags_marks", "comment_marks")
    )[offset : offset + limit]
    rows = list(rows)
    total = rows[0][2] if rows else 0
    return total, [Hit(pk, score, marked_words(*fields)) for pk, score, _, *fields in rows]


def before_full_rebuild() -> None:
    """Drop the GIN index: building it once over every row is far faster than row by row."""
    with connection.schema_editor() as editor:
        for index in SearchEntry._meta.indexes:
            editor.remove_index(SearchEntry, index)


def after_full_rebuild() -> None:
    # The new rows' deferred foreign-key checks run now: PostgreSQL builds no index over pending ones.
    connection.check_constraints()
    with connection.schema_editor() as editor:
        for index in SearchEntry._meta.indexes:
            editor.add_index(SearchEntry, index)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {connection.ops.quote_name(SearchEntry._meta.db_table)}")


def after_full_rebuild_committed() -> None:
    """The old rows' space back at once (searches would read around them until autovacuum came by).

    VACUUM cannot run in a transaction: skipped when the rebuild is part of a larger one.
    """
    if not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(SearchEntry._meta.db_table)}")
