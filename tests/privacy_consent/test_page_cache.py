"""Revoking consent with a warm cache: the very next anonymous request shows the post as members-only."""

import feedparser
import pytest
from django.urls import reverse

from tests.factories import MembershipFactory

from .conftest import give, revoke


@pytest.fixture
def world(scene, caching):
    assert caching
    return scene("public", "given")


def test_the_post_page_is_a_404_on_the_next_request(client, world):
    url = world.post.get_absolute_url()
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200  # served from the cache now
    revoke(world.author_membership)
    assert client.get(url).status_code == 404
    # Members still read it; giving consent again makes it public again at once.
    member = world.client_for("member")
    assert member.get(url).status_code == 200
    give(world.author_membership)
    assert client.get(url).status_code == 200


def test_lists_feeds_and_search_drop_the_post_on_the_next_request(client, world):
    course = world.course
    front = reverse("posts:front", args=[course.slug])
    category = world.post.category.get_absolute_url()
    author = world.author_membership.get_absolute_url()
    feed = reverse("feeds:posts", kwargs={"course_slug": course.slug, "format": "atom"})
    search = reverse("search:results", args=[course.slug])
    for _ in range(2):  # warm every cache: pages, fragments, search results
        assert "The Thaw in Print" in client.get(front).content.decode()
        assert "The Thaw in Print" in client.get(category).content.decode()
        assert client.get(author).status_code == 200
        assert [e.title for e in feedparser.parse(client.get(feed).content).entries] == ["The Thaw in Print"]
        assert "Thaw" in client.get(search, {"q": "thaw"}).content.decode().split("<main", 1)[1]
    revoke(world.author_membership)
    assert "The Thaw in Print" not in client.get(front).content.decode()
    assert "The Thaw in Print" not in client.get(category).content.decode()
    assert client.get(author).status_code == 404
    assert feedparser.parse(client.get(feed).content).entries == []
    results = client.get(search, {"q": "thaw"}).content.decode()
    assert "The Thaw in Print" not in results and "<mark>Thaw</mark> in Print" not in results


def test_a_members_cached_search_is_not_served_to_the_world(client, world):
    revoke(world.author_membership)
    search = reverse("search:results", args=[world.course.slug])
    member = world.client_for("member")
    assert "in Print" in member.get(search, {"q": "thaw"}).content.decode()
    results = client.get(search, {"q": "thaw"}).content.decode()
    assert "in Print" not in results


def test_a_members_mentions_are_not_served_to_the_world(client, world):
    """The "Mentioned in" list of a public post leaves out a linking post whose author does not consent."""
    from tests.factories import PostFactory

    linker = MembershipFactory(course=world.course, consented=False)
    PostFactory(
        course=world.course,
        author=linker.user,
        title="A reply in private",
        body=f"See [the thaw]({world.post.get_absolute_url()}).",
    )
    url = world.post.get_absolute_url()
    assert "A reply in private" in world.client_for("member").get(url).content.decode()
    assert "A reply in private" not in client.get(url).content.decode()
