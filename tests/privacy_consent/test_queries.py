"""The consent rule costs no query per post: list pages run the same queries with 1 post and with many."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import CategoryFactory, CourseFactory, MembershipFactory, PostFactory, UserFactory


def _fill(course, category, n):
    for i in range(n):
        consented = i % 2 == 0
        author = MembershipFactory(course=course, consented=consented).user
        PostFactory(course=course, category=category, author=author)


@pytest.mark.parametrize("reader", ["anonymous", "outsider", "member"])
@pytest.mark.parametrize("list_page", ["front", "author", "hall-of-fame"])
def test_list_pages_cost_the_same_with_1_and_many_posts(db, client, reader, list_page):
    counts = []
    for n in (1, 12):
        course = CourseFactory()
        category = CategoryFactory(course=course)
        writer = MembershipFactory(course=course)
        PostFactory(course=course, category=category, author=writer.user)
        _fill(course, category, n - 1)
        user = {
            "anonymous": None,
            "outsider": UserFactory(),
            "member": MembershipFactory(course=course).user,
        }[reader]
        client.logout()
        if user is not None:
            client.force_login(user)
        url = {
            "front": reverse("posts:front", args=[course.slug]),
            "author": writer.get_absolute_url(),
            "hall-of-fame": reverse("awards:hall-of-fame", args=[course.slug]),
        }[list_page]
        client.get(url)  # the session and the like are read once
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
