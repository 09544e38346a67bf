"""The reader's page of feed links, and making a new private link."""

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from feeds.models import FeedToken
from tests.factories import CourseFactory, FeedTokenFactory, MembershipFactory, PostFactory, UserFactory

from .conftest import SITE, feed_url, read_feed

ACCOUNT = "/account/feeds/"


def new_link_url(course):
    return reverse("feeds:new-link", kwargs={"course_slug": course.slug})


def addresses(response, course):
    """The feed addresses the page shows for the course, by their label."""
    section = BeautifulSoup(response.content, "html.parser").find(id=f"course-{course.slug}")
    return {
        section.find("label", attrs={"for": field["id"]}).get_text(): field["value"]
        for field in section.select("input[readonly]")
    }


@pytest.fixture
def reader(course, closed_course):
    user = UserFactory(username="reader")
    MembershipFactory(course=course, user=user)
    MembershipFactory(course=closed_course, user=user)
    return user


def test_the_page_asks_to_log_in(client, db):
    response = client.get(ACCOUNT)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_public_course_shows_its_feeds_and_a_members_only_one_offers_a_private_link(
    client, reader, course, closed_course
):
    client.force_login(reader)
    response = client.get(ACCOUNT)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    shown = addresses(response, course)
    assert shown["Posts (Atom)"] == SITE + feed_url("posts", course)
    assert shown["Comments (RSS)"] == SITE + feed_url("comments", course, "rss")
    assert shown["Weekly digests (Atom)"] == SITE + feed_url("digests", course)
    assert len(shown) == 6
    assert addresses(response, closed_course) == {}  # no private link yet
    page = BeautifulSoup(response.content, "html.parser")
    section = page.find(id=f"course-{closed_course.slug}")
    form = section.find("form")
    assert form["action"] == new_link_url(closed_course) and form["method"] == "post"
    assert form.find("button").get_text() == "Make a private link"


def test_making_a_private_link_shows_it_and_it_opens_the_feed(client, reader, closed_course, closed_member):
    PostFactory(course=closed_course, title="Seminar notes")
    client.force_login(reader)
    response = client.post(new_link_url(closed_course), follow=True)
    assert response.redirect_chain[-1][0] == f"{ACCOUNT}#course-{closed_course.slug}"
    assert "is ready" in response.content.decode()
    token = FeedToken.objects.get(membership__user=reader)
    private = f"{SITE}/feeds/{token.secret}/feed/atom/"
    assert addresses(response, closed_course)["Posts (Atom)"] == private
    assert read_feed(Client().get(private.removeprefix(SITE))).entries[0].title == "Seminar notes"
    section = BeautifulSoup(response.content, "html.parser").find(id=f"course-{closed_course.slug}")
    assert section.find("button").get_text() == "Make a new link"


def test_a_new_link_replaces_the_old_one(client, reader, closed_course):
    old = FeedTokenFactory(membership=reader.memberships.get(course=closed_course)).secret
    client.force_login(reader)
    response = client.post(new_link_url(closed_course), follow=True)
    assert "The old one has stopped working" in response.content.decode()
    new = FeedToken.objects.get(membership__user=reader).secret
    assert new != old
    shown = set(addresses(response, closed_course).values())
    assert len(shown) == 6
    assert f"{SITE}/feeds/{new}/feed/atom/" in shown
    assert not any(old in address for address in shown)
    assert Client().get(f"/feeds/{old}/feed/atom/").status_code == 404


def test_a_private_link_only_for_members(client, course, closed_course):
    client.force_login(UserFactory())
    assert client.post(new_link_url(closed_course)).status_code == 404  # the course stays hidden
    response = client.post(new_link_url(course))
    assert response.status_code == 403
    assert "Only members" in response.content.decode()
    assert not FeedToken.objects.exists()


def test_a_new_link_is_a_post_with_its_csrf_token(reader, closed_course):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)
    assert client.get(new_link_url(closed_course)).status_code == 405
    assert client.post(new_link_url(closed_course)).status_code == 403
    assert not FeedToken.objects.exists()
    anonymous = Client()
    response = anonymous.post(new_link_url(closed_course))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_link_of_someone_else_is_never_shown(client, reader, closed_course):
    someone = FeedTokenFactory(membership=MembershipFactory(course=closed_course))
    client.force_login(reader)
    assert someone.secret not in client.get(ACCOUNT).content.decode()


def test_the_page_runs_the_same_queries_for_1_and_50_courses(client, db):
    user = UserFactory()
    client.force_login(user)

    def add_courses(n):
        for i in range(n):
            membership = MembershipFactory(
                user=user, course=CourseFactory(visibility=("public", "members")[i % 2])
            )
            if i % 4 == 1:
                FeedTokenFactory(membership=membership)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(ACCOUNT).status_code == 200
        return len(captured.captured_queries)

    add_courses(2)
    few = count()
    add_courses(48)
    assert count() == few
