"""A search runs the same number of queries for 1 result as for 50 (posts and comments mixed)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.models import Membership
from posts.models import Tag
from tests.factories import CommentFactory, MembershipFactory, PostFactory, UserFactory

from .helpers import found, search

pytestmark = pytest.mark.django_db


def _queries(client, course, q, page=1):
    with CaptureQueriesContext(connection) as captured:
        response = search(client, course, q, page=page)
    assert found(response)
    return [query["sql"] for query in captured.captured_queries]


def _add(course, n):
    for i in range(n):
        post = PostFactory(course=course, title=f"Amnesty {i}", body=f"Released under the amnesty, part {i}.")
        post.tags.add(Tag.objects.create(course=course, name=f"Tag {i}", slug=f"tag-{i}"))
        CommentFactory(post=post, body="The amnesty was a mercy.")
        # A guest, and a commenter who has left the course: their names cost no query either.
        CommentFactory(post=post, author=None, guest_name="A visitor", body="An amnesty for whom?")
        leaver = CommentFactory(post=post, author=UserFactory(), body="Amnesty, finally.")
        Membership.objects.filter(user=leaver.author).delete()


@pytest.mark.parametrize("logged_in", [False, True])
def test_the_same_queries_for_1_result_and_for_50(client, course, logged_in):
    if logged_in:
        client.force_login(MembershipFactory(course=course).user)
    PostFactory(course=course, title="Amnesty", body="One post.")
    few = _queries(client, course, "amnesty")
    _add(course, 50)
    many = _queries(client, course, "amnesty")
    assert len(few) == len(many), "\n\n".join(["1 result:", *few, "200 results:", *many])
    assert len(_queries(client, course, "amnest", page=7)) == len(few)


def test_with_the_shared_cache_a_repeated_search_skips_the_search_and_a_change_shows_at_once(
    client, course, settings
):
    settings.ANONYMOUS_PAGE_CACHE = True  # the course-versioned cache on (core/cache.py)
    _add(course, 3)
    first = _queries(client, course, "amnesty")
    again = _queries(client, course, "Amnesty ")  # the same terms: the same kept results
    assert len(again) < len(first)
    assert not any("search_" in sql for sql in again)
    PostFactory(course=course, title="Amnesty, at last")
    assert "Amnesty, at last" in found(search(client, course, "amnesty"))
