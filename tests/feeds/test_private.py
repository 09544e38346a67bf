"""Members-only courses: feeds reach a feed reader only through a member's private link."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from feeds import services
from feeds.models import FeedToken
from posts.models import Tag
from tests.factories import (
    AwardFactory,
    CategoryFactory,
    CommentFactory,
    CourseFactory,
    DraftFactory,
    FeedTokenFactory,
    MembershipFactory,
    PostFactory,
    UserFactory,
)

from .conftest import content_of, feed_url, read_feed, titles

KINDS_WITHOUT_ARGUMENTS = ["posts", "hall-of-fame", "comments", "digests"]


@pytest.fixture
def closed_post(closed_course, closed_member):
    post = PostFactory(course=closed_course, title="Seminar notes", body="Only for the seminar.")
    CommentFactory(post=post, body="A member's approved reply.")
    CommentFactory(post=post, status="pending", body="A held reply.")
    return post


@pytest.mark.parametrize("kind", KINDS_WITHOUT_ARGUMENTS)
def test_a_members_only_feed_is_a_404_to_anonymous_readers_and_outsiders(
    client, closed_course, closed_post, kind
):
    for format in ("atom", "rss"):
        assert client.get(feed_url(kind, closed_course, format)).status_code == 404
    client.force_login(UserFactory())
    assert client.get(feed_url(kind, closed_course)).status_code == 404
    client.force_login(MembershipFactory(course=CourseFactory(visibility="members")).user)  # another course's
    assert client.get(feed_url(kind, closed_course)).status_code == 404


def test_a_members_own_browser_reads_the_feed_privately(
    settings, client, closed_course, closed_member, closed_post
):
    settings.ANONYMOUS_PAGE_CACHE = True
    client.force_login(closed_member.user)
    for _ in range(2):
        response = client.get(feed_url("posts", closed_course))
        assert titles(read_feed(response)) == ["Seminar notes"]
        assert "private" in response["Cache-Control"]
        assert "X-Page-Cache" not in response


@pytest.mark.parametrize("format", ["atom", "rss"])
@pytest.mark.parametrize("kind", KINDS_WITHOUT_ARGUMENTS)
def test_the_private_link_opens_every_feed_of_its_course(closed_token, closed_post, kind, format):
    response = Client().get(feed_url(kind, format=format, token=closed_token.secret))
    parsed = read_feed(response, format)
    assert parsed.feed.title.startswith("Seminar: ")
    assert response["X-Robots-Tag"].startswith("noindex")
    assert "private" in response["Cache-Control"]
    if kind == "posts":
        assert titles(parsed) == ["Seminar notes"]
        assert parsed.feed.links[-1].href.endswith(f"/feeds/{closed_token.secret}/feed/{format}/")
    if kind == "comments":
        assert [content_of(e).strip() for e in parsed.entries] == ["<p>A member's approved reply.</p>"]
        assert "A held reply." not in response.content.decode()


def test_the_private_link_opens_the_feeds_of_the_courses_pages(closed_course, closed_member, closed_token):
    category = CategoryFactory(course=closed_course, name="Notes", slug="notes")
    tag = Tag.objects.create(course=closed_course, name="Thaw", slug="thaw")
    post = PostFactory(course=closed_course, category=category, author=closed_member.user, title="Notes one")
    post.tags.add(tag)
    award = AwardFactory(post=post)
    CommentFactory(post=post)
    date = post.date_for_url
    token = closed_token.secret
    for kind, kwargs in [
        ("category", {"slug": "notes"}),
        ("tag", {"slug": "thaw"}),
        ("author", {"author_slug": closed_member.author_slug}),
        ("award", {"slug": award.award_type.slug}),
        ("post-comments", {"year": date.year, "month": date.month, "day": date.day, "slug": post.slug}),
    ]:
        assert len(read_feed(Client().get(feed_url(kind, token=token, **kwargs))).entries) == 1, kind
    moved = Client().get(feed_url("post-comments", token=token, year=2020, month=1, day=1, slug=post.slug))
    assert moved.status_code == 301
    assert moved["Location"].startswith(f"/feeds/{token}/{date.year}/{date.month}/{date.day}/")


def test_drafts_and_held_comments_never_reach_a_private_feed(closed_course, closed_member, closed_token):
    draft = DraftFactory(course=closed_course, author=closed_member.user, title="My own draft")
    CommentFactory(post=PostFactory(course=closed_course), status="pending", body="Held words.")
    CommentFactory(post=draft, body="A reply on a draft.")
    for kind in ("posts", "comments"):
        text = Client().get(feed_url(kind, token=closed_token.secret)).content.decode()
        assert "My own draft" not in text and "Held words." not in text and "A reply on a draft." not in text


def test_a_private_link_shows_its_own_course_only(closed_course, closed_token, closed_post):
    other = CourseFactory(title="Another seminar", visibility="members")
    other_member = MembershipFactory(course=other, user=closed_token.membership.user)  # a member of both
    other_category = CategoryFactory(course=other, name="Theirs", slug="theirs")
    PostFactory(
        course=other, category=other_category, author=other_member.user, title="The other seminar's post"
    )
    CommentFactory(post=other.posts.get(), body="The other seminar's reply.")
    token = closed_token.secret

    for kind in KINDS_WITHOUT_ARGUMENTS:
        text = Client().get(feed_url(kind, token=token)).content.decode()
        assert "The other seminar" not in text
    # The other course's category is not found through this course's link.
    assert Client().get(feed_url("category", token=token, slug="theirs")).status_code == 404


def test_a_new_link_stops_the_old_one_at_once(closed_token, closed_post):
    old = closed_token.secret
    assert Client().get(feed_url("posts", token=old)).status_code == 200
    renewed = services.feed_token_renew(membership=closed_token.membership)
    assert renewed.pk == closed_token.pk and renewed.secret != old
    assert Client().get(feed_url("posts", token=old)).status_code == 404
    assert Client().get(feed_url("posts", token=renewed.secret)).status_code == 200
    assert FeedToken.objects.count() == 1


def test_a_link_stops_when_its_owner_leaves_the_course_or_the_account_is_closed(closed_course, closed_post):
    leaving = FeedTokenFactory(membership=MembershipFactory(course=closed_course))
    closing = FeedTokenFactory(membership=MembershipFactory(course=closed_course))
    leaving.membership.delete()
    closing.membership.user.is_active = False
    closing.membership.user.save()
    assert Client().get(feed_url("posts", token=leaving.secret)).status_code == 404
    assert Client().get(feed_url("posts", token=closing.secret)).status_code == 404


@pytest.mark.parametrize(
    "address",
    [
        "/feeds/short/feed/atom/",
        "/feeds/" + "a" * 44 + "/feed/atom/",
        "/feeds/" + "a" * 43 + "/feed/atom/",  # the right shape, no such link
        "/feeds/" + "%00" * 43 + "/feed/atom/",
    ],
)
def test_a_made_up_link_is_a_404(db, address):
    assert Client().get(address).status_code == 404


def test_a_private_feed_is_never_kept_in_the_page_cache(settings, closed_token, closed_post):
    settings.ANONYMOUS_PAGE_CACHE = True
    url = feed_url("posts", token=closed_token.secret)
    for _ in range(2):
        response = Client().get(url)
        assert response.status_code == 200
        assert "X-Page-Cache" not in response
    services.feed_token_renew(membership=closed_token.membership)
    assert Client().get(url).status_code == 404


def test_reading_a_private_feed_writes_nothing(closed_token, closed_post):
    with CaptureQueriesContext(connection) as queries:
        assert Client().get(feed_url("posts", token=closed_token.secret)).status_code == 200
    assert not [
        q for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))
    ]
