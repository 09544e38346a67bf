"""search(): one page of a course's results for a reader, whichever database runs the site.

A page costs a fixed number of queries however large the course: the ranked
and counted page (with the matched words), and the page's posts and comments
with their authors' names; a page number past the last costs two more.
"""

import math
from dataclasses import dataclass, field

from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.utils.translation import gettext as _

from courses import permissions as course_permissions
from courses.models import Membership
from posts.models import FORMER_MEMBER, Post, reads_as_member

from . import highlight, index
from .backends import backend
from .models import SearchEntry
from .query import Query, parse

PER_PAGE = 10


@dataclass
class Result:
    post: Post
    comment: object | None  # comments.models.Comment
    score: float
    author: str  # the name shown: a display name in the course, or a guest's name
    title: str  # HTML: escaped, matched words in <mark>
    snippet: str  # HTML, likewise
    tags: list[str] = field(default_factory=list)  # HTML, likewise

    @property
    def kind(self) -> str:
        return "comment" if self.comment is not None else "post"

    @property
    def url(self) -> str:
        return self.comment.get_absolute_url() if self.comment is not None else self.post.get_absolute_url()


@dataclass
class Page:
    query: Query
    results: list[Result]
    count: int
    number: int
    per_page: int = PER_PAGE

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.count / self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.per_page + 1


def _member_name(user_field: str):
    """The display name in the post's course of the user in `user_field` (a subquery of the same query)."""
    names = Membership.objects.filter(course=OuterRef("course"), user=OuterRef(user_field)).order_by()
    return Subquery(names.values("display_name")[:1])


def search(course, reader, query: Query | str, page: int = 1) -> Page:
    """The reader's page `page` of results for `query` in `course`.

    Only live posts of the course and approved comments on them are ever
    found; a reader who is not a member finds only what anyone may read (the
    posts of consenting authors, issue 18: see audience()). A reader who may
    not read the course gets the 404 its own pages give. A page number past
    the last gives the last page.
    """
    if not course_permissions.can_read(reader, course):
        raise Http404(_("No such course."))
    if isinstance(query, str):
        query = parse(query)
    if not query.searchable:
        return Page(query=query, results=[], count=0, number=1)
    engine = backend()
    later = index.not_yet_live(course) if audience(course, reader) == "members" else index.not_public(course)
    number = max(1, page)
    total, hits = engine.page(
        course=course, later=later, query=query, offset=(number - 1) * PER_PAGE, limit=PER_PAGE
    )
    if not hits and number > 1:  # past the last page: the last one
        total = engine.count(course=course, later=later, query=query)
        number = max(1, math.ceil(total / PER_PAGE))
        total, hits = engine.page(
            course=course, later=later, query=query, offset=(number - 1) * PER_PAGE, limit=PER_PAGE
        )
    if not total:
        return Page(query=query, results=[], count=0, number=1)
    return Page(query=query, results=_results(course, hits), count=total, number=number)


def audience(course, reader) -> str:
    """Which results a reader gets: "members" (every live post) or "world" (public ones); a cache key part."""
    return "members" if reads_as_member(reader, course) else "world"


def _results(course, hits) -> list[Result]:
    entries = (
        SearchEntry.objects.filter(pk__in=[hit.entry_id for hit in hits])
        .select_related("post__author", "comment__author")
        .annotate(
            post_author_name=_member_name("post__author"), comment_author_name=_member_name("comment__author")
        )
        .defer("vector", "post__body", "post__body_html", "comment__body", "comment__body_html")
    )
    by_id = {entry.pk: entry for entry in entries}
    results = []
    for hit in hits:
        entry = by_id.get(hit.entry_id)
        if entry is None:  # deleted since it was ranked
            continue
        post = entry.post
        post.course = course  # the URL names it; no query
        post.author_display_name = entry.post_author_name
        author = post.display_author
        comment = entry.comment
        if comment is not None:
            comment.post = post
            # No query for a commenter who has left the course: never their account name (issue 18).
            comment.author_display_name = entry.comment_author_name or _(FORMER_MEMBER)
            author = comment.author_name
        results.append(
            Result(
                post=post,
                comment=comment,
                score=hit.score,
                author=author,
                title=highlight.marked(post.title, hit.words),
                snippet=highlight.snippet(entry.text, hit.words),
                tags=[highlight.marked(name, hit.words) for name in entry.tag_names],
            )
        )
    return results
