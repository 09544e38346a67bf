"""Public pages never show a student's username: display names only, author pages at a per-membership slug."""

import pytest
from django.urls import reverse

from courses.models import Membership
from tests.factories import (
    AwardFactory,
    CommentFactory,
    CourseFactory,
    InstructorFactory,
    MembershipFactory,
    PostFactory,
    UserFactory,
)

from .conftest import give


@pytest.fixture
def course(db):
    return CourseFactory(title="Soviet History", slug="soviet-history")


@pytest.fixture
def writer(course):
    return MembershipFactory(course=course, display_name="K. Peters", user__username="kpeters42")


def test_author_pages_are_at_the_author_slug(client, course, writer):
    PostFactory(course=course, author=writer.user, title="The Thaw in Print")
    url = writer.get_absolute_url()
    assert url == f"/c/{course.slug}/author/{writer.author_slug}/"
    assert "kpeters42" not in url
    page = client.get(url).content.decode()
    assert "Posts by K. Peters" in page and "The Thaw in Print" in page


@pytest.mark.parametrize(
    ("reader", "expected"),
    [("anonymous", 404), ("outsider", 404), ("other_instructor", 404), ("member", 302), ("author", 302)],
)
def test_the_old_username_address_redirects_members_only(client, course, writer, reader, expected):
    users = {
        "anonymous": None,
        "outsider": UserFactory(),
        "other_instructor": InstructorFactory(course=CourseFactory()).user,
        "member": MembershipFactory(course=course).user,
        "author": writer.user,
    }
    if users[reader] is not None:
        client.force_login(users[reader])
    response = client.get(f"/c/{course.slug}/author/kpeters42/")
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"] == writer.get_absolute_url()


def test_a_made_up_author_is_a_404_for_members_too(client, course, writer):
    client.force_login(writer.user)
    assert client.get(f"/c/{course.slug}/author/no-such-person/").status_code == 404


def _public_pages(course, post, writer):
    date = post.date_for_url
    return [
        reverse("posts:front", args=[course.slug]),
        post.get_absolute_url(),
        writer.get_absolute_url(),
        post.category.get_absolute_url(),
        reverse("posts:archive-month", args=[course.slug, date.year, date.month]),
        reverse("awards:hall-of-fame", args=[course.slug]),
        reverse("feeds:posts", kwargs={"course_slug": course.slug, "format": "atom"}),
        reverse("feeds:posts", kwargs={"course_slug": course.slug, "format": "rss"}),
        reverse("feeds:comments", kwargs={"course_slug": course.slug, "format": "atom"}),
        reverse(
            "feeds:author",
            kwargs={"course_slug": course.slug, "author_slug": writer.author_slug, "format": "atom"},
        ),
        reverse("feeds:hall-of-fame", kwargs={"course_slug": course.slug, "format": "atom"}),
        reverse("search:results", args=[course.slug]) + "?q=thaw",
        reverse("sitemap-section", kwargs={"section": "posts"}),
    ]


@pytest.mark.parametrize("cache", [False, True], ids=["cache-off", "cache-on"])
def test_no_public_page_carries_a_username(client, settings, course, writer, cache):
    settings.ANONYMOUS_PAGE_CACHE = cache
    commenter = MembershipFactory(course=course, display_name="Dima M.", user__username="dmoroz77")
    post = PostFactory(
        course=course, author=writer.user, title="The Thaw in Print", body="The thaw, *in print*."
    )
    CommentFactory(post=post, author=commenter.user, body="A reply on the thaw.")
    AwardFactory(post=post)
    # A member who gave no name at all, and one who left the course.
    nameless = Membership.objects.create(
        course=course, user=UserFactory(username="nonamexx9"), display_name=""
    )
    PostFactory(course=course, author=nameless.user, title="Nameless thaw")
    give(nameless)
    for url in _public_pages(course, post, writer):
        for _ in range(2):  # the second read comes from the cache when it is on
            response = client.get(url)
            assert response.status_code == 200, url
            text = response.content.decode()
            for username in ("kpeters42", "dmoroz77", "nonamexx9"):
                assert username not in text, (url, username)
    front = client.get(reverse("posts:front", args=[course.slug])).content.decode()
    assert "K. Peters" in front and nameless.display_name in front
    assert "Dima M." in client.get(post.get_absolute_url()).content.decode()


def test_links_to_author_pages_use_the_slug(client, course, writer):
    post = PostFactory(course=course, author=writer.user)
    for url in (reverse("posts:front", args=[course.slug]), post.get_absolute_url()):
        assert f'href="{writer.get_absolute_url()}"' in client.get(url).content.decode()


def test_a_former_members_post_names_no_one(client, course, writer):
    post = PostFactory(course=course, author=writer.user, title="Left behind")
    writer.delete()
    # Without a membership there is no consent: the post is for members only, signed "A former member".
    assert client.get(post.get_absolute_url()).status_code == 404
    member = MembershipFactory(course=course)
    client.force_login(member.user)
    page = client.get(post.get_absolute_url()).content.decode()
    assert "A former member" in page and "kpeters42" not in page
