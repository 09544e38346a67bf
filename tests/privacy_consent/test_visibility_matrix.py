"""Issue 18's matrix: audience x consent x course, for the post page, lists, feeds, search and the sitemap.

In a public course a reader who is not a member sees a student's live post only
while the student consents; members see every live post; a members-only course
shows nothing to anyone else, consent or not.
"""

import feedparser
import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from posts.models import Post
from search import engine

from .conftest import AUDIENCES, CONSENTS, reader_sees, world_sees

VISIBILITIES = ["public", "members"]
MATRIX = [(a, c, v) for v in VISIBILITIES for c in CONSENTS for a in AUDIENCES]


def can_read_course(audience, visibility):
    return visibility == "public" or audience in ("member", "author")


@pytest.mark.parametrize("caching", [False, True], indirect=True, ids=["cache-off", "cache-on"])
@pytest.mark.parametrize(("audience", "consent", "visibility"), MATRIX)
def test_post_page(scene, caching, audience, consent, visibility):
    world = scene(visibility, consent)
    response = world.client_for(audience).get(world.post.get_absolute_url())
    expected = 200 if reader_sees(audience, visibility, consent) else 404
    assert response.status_code == expected
    if expected == 200:
        assert "The Thaw in Print" in response.content.decode()


@pytest.mark.parametrize(("audience", "consent", "visibility"), MATRIX)
def test_front_page_and_author_page(scene, audience, consent, visibility):
    world = scene(visibility, consent)
    client = world.client_for(audience)
    front = client.get(reverse("posts:front", args=[world.course.slug]))
    author_page = client.get(world.author_membership.get_absolute_url())
    if not can_read_course(audience, visibility):
        assert front.status_code == author_page.status_code == 404
        return
    assert front.status_code == 200
    listed = "The Thaw in Print" in front.content.decode()
    assert listed == reader_sees(audience, visibility, consent)
    # A student who does not consent has no public author page either: their name stays in the course.
    if reader_sees(audience, visibility, consent):
        assert author_page.status_code == 200
        assert "The Thaw in Print" in author_page.content.decode()
    else:
        assert author_page.status_code == 404


@pytest.mark.parametrize(("consent", "visibility"), [(c, v) for v in VISIBILITIES for c in CONSENTS])
def test_the_course_feed_lists_what_the_world_may_read(scene, client, consent, visibility):
    world = scene(visibility, consent)
    url = reverse("feeds:posts", kwargs={"course_slug": world.course.slug, "format": "atom"})
    response = client.get(url)
    if visibility == "members":
        assert response.status_code == 404
        return
    titles = [entry.title for entry in feedparser.parse(response.content).entries]
    assert titles == (["The Thaw in Print"] if world_sees(visibility, consent) else [])
    # The author feed is the author page's: a 404 while the student does not consent.
    author_feed = client.get(
        reverse(
            "feeds:author",
            kwargs={
                "course_slug": world.course.slug,
                "author_slug": world.author_membership.author_slug,
                "format": "atom",
            },
        )
    )
    assert author_feed.status_code == (200 if world_sees(visibility, consent) else 404)


@pytest.mark.parametrize("consent", CONSENTS)
def test_a_members_private_feed_link_lists_every_live_post(scene, consent):
    from tests.factories import FeedTokenFactory, MembershipFactory

    world = scene("public", consent)
    token = FeedTokenFactory(membership=MembershipFactory(course=world.course))
    url = reverse("feeds:private-posts", kwargs={"token": token.secret, "format": "atom"})
    titles = [
        entry.title for entry in feedparser.parse(world.client_for("anonymous").get(url).content).entries
    ]
    assert titles == ["The Thaw in Print"]


@pytest.mark.parametrize(("audience", "consent", "visibility"), MATRIX)
def test_search(scene, audience, consent, visibility):
    world = scene(visibility, consent)
    client = world.client_for(audience)
    response = client.get(reverse("search:results", args=[world.course.slug]), {"q": "thaw"})
    if not can_read_course(audience, visibility):
        assert response.status_code == 404
        return
    assert response.status_code == 200
    found = "The Thaw in Print" in response.content.decode() or "<mark>Thaw</mark> in Print" in (
        response.content.decode()
    )
    assert found == reader_sees(audience, visibility, consent)


@pytest.mark.parametrize(("consent", "visibility"), [(c, v) for v in VISIBILITIES for c in CONSENTS])
def test_sitemap_lists_what_the_world_may_read(scene, client, consent, visibility):
    world = scene(visibility, consent)
    response = client.get(reverse("sitemap-section", kwargs={"section": "posts"}))
    assert response.status_code == 200
    listed = world.post.get_absolute_url() in response.content.decode()
    assert listed == world_sees(visibility, consent)


@pytest.mark.parametrize(("audience", "consent", "visibility"), MATRIX)
def test_the_querysets_agree_with_readable_by(scene, audience, consent, visibility):
    """visible_to, visible_in, listed_in and Post.readable_by: one rule, four spellings."""
    world = scene(visibility, consent)
    user = world.users[audience] or AnonymousUser()
    expected = reader_sees(audience, visibility, consent)
    post = Post.objects.get(pk=world.post.pk)
    assert Post.objects.visible_to(user).filter(pk=post.pk).exists() == expected
    if can_read_course(audience, visibility):  # the callers of these checked the course first
        assert post.readable_by(user) == expected
        assert Post.objects.visible_in(world.course, user).filter(pk=post.pk).exists() == expected
        assert Post.objects.listed_in(world.course, user).filter(pk=post.pk).exists() == expected
        page = engine.search(world.course, user, "thaw")
        assert bool(page.count) == expected
    assert Post.objects.public().filter(pk=post.pk).exists() == world_sees(visibility, consent)


def test_instructors_posts_need_no_consent(db, client):
    from tests.factories import CourseFactory, InstructorFactory, PostFactory

    course = CourseFactory()
    teacher = InstructorFactory(course=course, display_name="A. Nelson")
    post = PostFactory(course=course, author=teacher.user, title="Welcome to the course")
    assert client.get(post.get_absolute_url()).status_code == 200
    assert "Welcome to the course" in client.get(reverse("posts:front", args=[course.slug])).content.decode()
    assert client.get(teacher.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("consent", CONSENTS)
def test_a_post_only_members_may_read_is_kept_from_search_engines(scene, consent):
    world = scene("public", consent)
    page = world.client_for("member").get(world.post.get_absolute_url()).content.decode()
    if world_sees("public", consent):
        assert 'property="og:title" content="The Thaw in Print"' in page
        assert "noindex" not in page
    else:
        assert 'name="robots" content="noindex"' in page
        assert "og:title" not in page
