"""My data: the zip of my posts and comments, a new pseudonym, my posts out of view."""

import io
import json
import zipfile

import pytest
from django.conf import settings
from django.urls import reverse

from posts.models import Post
from tests.factories import CommentFactory, CourseFactory, MembershipFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def me(course, stored_png):
    membership = MembershipFactory(course=course, display_name="Kim Peters")
    image = stored_png()
    post = PostFactory(
        course=course,
        author=membership.user,
        slug="magnitogorsk",
        title="Magnitogorsk",
        body=f"A *steel* town.\n\n![Furnaces]({settings.MEDIA_URL}{image})",
    )
    classmate = MembershipFactory(course=course, display_name="Cal Purvis")
    CommentFactory(post=post, author=classmate.user, body="A classmate's answer.")
    CommentFactory(post=post, author=classmate.user, body="Still held.", status="pending")
    other_post = PostFactory(course=course, author=classmate.user, slug="theirs")
    CommentFactory(post=other_post, author=membership.user, body="My own comment elsewhere.")
    return {"membership": membership, "user": membership.user, "post": post, "image": image, "course": course}


def data_zip(client) -> zipfile.ZipFile:
    response = client.get(reverse("privacy:my-data-download"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "private" in response["Cache-Control"]
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_the_page_offers_the_download_and_the_choices(client, me):
    client.force_login(me["user"])
    page = client.get(reverse("privacy:my-data"))
    assert page.status_code == 200
    text = page.content.decode()
    assert reverse("privacy:my-data-download") in text
    assert reverse("privacy:pseudonym", kwargs={"course_slug": me["course"].slug}) in text
    assert "kept</strong>, signed “a former member”" in text  # the course's policy, told first


def test_the_zip_holds_my_posts_their_images_and_the_comments(client, me):
    client.force_login(me["user"])
    archive = data_zip(client)
    folder = f"posts/{me['course'].slug}/magnitogorsk"
    post = me["post"]
    assert archive.read(f"{folder}/post.md").decode() == post.body
    assert archive.read(f"{folder}/post.html").decode() == post.body_html
    assert f"images/{me['image']}" in archive.namelist()
    on_mine = json.loads(archive.read("comments_on_my_posts.json"))
    assert [c["body_markdown"] for c in on_mine] == ["A classmate's answer."]
    assert on_mine[0]["author"] == "Cal Purvis"
    own = json.loads(archive.read("my_comments.json"))
    assert [c["body_markdown"] for c in own] == ["My own comment elsewhere."]
    memberships = json.loads(archive.read("memberships.json"))
    assert memberships[0]["display_name"] == "Kim Peters"
    assert "Kim Peters" in archive.read("memberships.csv").decode()


def test_the_zip_holds_nobody_elses_posts(client, me):
    stranger = MembershipFactory(course=CourseFactory())
    PostFactory(course=stranger.course, author=stranger.user, slug="not-mine")
    client.force_login(me["user"])
    names = data_zip(client).namelist()
    assert not any("not-mine" in n or "theirs" in n for n in names)


def test_the_pages_need_a_login(client):
    for name in ("privacy:my-data", "privacy:my-data-download"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and reverse("login") in response["Location"]


def test_a_new_pseudonym_shows_everywhere_at_once(client, me, settings):
    settings.ANONYMOUS_PAGE_CACHE = True  # the pages are cached: the new name must still show at once
    post, course = me["post"], me["course"]
    # Warm the cache as an anonymous reader would.
    assert "Kim Peters" in client.get(post.get_absolute_url()).content.decode()
    assert "Kim Peters" in client.get(course.get_absolute_url()).content.decode()
    client.force_login(me["user"])
    response = client.post(reverse("privacy:pseudonym", kwargs={"course_slug": course.slug}))
    assert response.status_code == 302
    me["membership"].refresh_from_db()
    new_name = me["membership"].display_name
    assert new_name != "Kim Peters"
    client.logout()
    for url in (post.get_absolute_url(), course.get_absolute_url(), me["membership"].get_absolute_url()):
        page = client.get(url).content.decode()
        assert new_name in page, url
        assert "Kim Peters" not in page, url
    feed = client.get(reverse("feeds:posts", kwargs={"course_slug": course.slug, "format": "atom"}))
    assert feed.status_code == 200
    assert new_name in feed.content.decode() and "Kim Peters" not in feed.content.decode()


def test_a_pseudonym_is_for_ones_own_membership_only(client, me, outsider):
    client.force_login(outsider)
    response = client.post(reverse("privacy:pseudonym", kwargs={"course_slug": me["course"].slug}))
    assert response.status_code == 403
    me["membership"].refresh_from_db()
    assert me["membership"].display_name == "Kim Peters"


def test_pseudonym_and_withdraw_are_post_only(client, me):
    client.force_login(me["user"])
    for name in ("privacy:pseudonym", "privacy:withdraw"):
        assert client.get(reverse(name, kwargs={"course_slug": me["course"].slug})).status_code == 405


def test_taking_my_posts_out_of_view(client, me, settings):
    settings.ANONYMOUS_PAGE_CACHE = True
    post, course = me["post"], me["course"]
    assert client.get(post.get_absolute_url()).status_code == 200  # warm
    client.force_login(me["user"])
    client.post(reverse("privacy:withdraw", kwargs={"course_slug": course.slug}))
    post.refresh_from_db()
    assert post.status == Post.Status.DRAFT
    client.logout()
    assert client.get(post.get_absolute_url()).status_code == 404
    assert "Magnitogorsk" not in client.get(course.get_absolute_url()).content.decode()
    classmate = UserFactory()
    MembershipFactory(course=course, user=classmate)
    client.force_login(classmate)
    assert client.get(post.get_absolute_url()).status_code == 404


def test_withdrawing_works_in_an_archived_course_too(client, me):
    from privacy.services import course_archive

    course_archive(course=me["course"])
    client.force_login(me["user"])
    client.post(reverse("privacy:withdraw", kwargs={"course_slug": me["course"].slug}))
    me["post"].refresh_from_db()
    assert me["post"].status == Post.Status.DRAFT


def test_the_my_data_page_runs_a_fixed_number_of_queries(client, django_assert_num_queries):
    user = UserFactory()
    MembershipFactory(user=user)
    client.force_login(user)
    client.get(reverse("privacy:my-data"))  # session, caches

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("privacy:my-data")).status_code == 200
        return len(captured)

    one = count()
    for _ in range(5):
        membership = MembershipFactory(user=user)
        PostFactory(course=membership.course, author=user)
    assert count() == one
