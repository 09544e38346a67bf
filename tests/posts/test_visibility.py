"""Who sees which post where: the visibility matrix, page by page.

Actors: anonymous, outsider (logged in, member of nothing here), the post's author,
another student of the course, the course's instructor, and the instructor of another
course. Each table row is (course visibility, post status) -> one answer per actor.
"""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from courses.permissions import can_read
from posts.models import Post, Tag
from tests.factories import DraftFactory, PostFactory, UserFactory

ACTORS = ("anonymous", "outsider", "author", "student", "instructor", "other_instructor")
LOGIN = "login"  # a redirect to the login page
TITLE = "Letters From the Virgin Lands Zq7"


def _rows(table):
    """Flatten {(visibility, status): answers-per-actor} into parametrize rows."""
    return [
        pytest.param(visibility, status, actor, answer, id=f"{visibility}-{status}-{actor}")
        for (visibility, status), answers in table.items()
        for actor, answer in zip(ACTORS, answers, strict=True)
    ]


@pytest.fixture
def scene(world):
    """Build one course and one post, then log the client in as the actor."""

    def build(client, visibility, status, actor):
        course, people, category = world(visibility)
        factory = PostFactory if status == "published" else DraftFactory
        post = factory(course=course, author=people["author"], category=category, title=TITLE)
        post.tags.add(Tag.objects.create(course=course, name="Gulag", slug="gulag"))
        if actor != "anonymous":
            client.force_login(people[actor])
        return post

    return build


def _answer(response):
    if response.status_code == 302 and response["Location"].startswith(reverse("login")):
        return LOGIN
    return response.status_code


# --- The post page -----------------------------------------------------------------

DETAIL = {
    #                      anon outsider author student instr other_instr
    ("public", "published"): (200, 200, 200, 200, 200, 200),
    ("public", "draft"): (404, 404, 200, 404, 200, 404),
    ("members", "published"): (404, 404, 200, 200, 200, 404),
    ("members", "draft"): (404, 404, 200, 404, 200, 404),
}


@pytest.fixture(params=["caching off", "caching on"])
def caching(request, settings):
    """Run a test both ways: with caching on, the post page reads its post from the course's cache."""
    settings.ANONYMOUS_PAGE_CACHE = request.param == "caching on"


@pytest.mark.parametrize(("visibility", "status", "actor", "expected"), _rows(DETAIL))
def test_post_page(client, scene, caching, visibility, status, actor, expected):
    post = scene(client, visibility, status, actor)
    response = client.get(post.get_absolute_url())
    assert _answer(response) == expected
    body = response.content.decode()
    if expected == 200:
        assert TITLE in body
        assert ("Draft: only its author and the course’s instructors can see this." in body) == (
            status == "draft"
        )
    else:
        assert TITLE not in body


# --- Every list of posts -------------------------------------------------------------

LISTS = {
    #                      anon outsider author student instr other_instr
    ("public", "published"): (200, 200, 200, 200, 200, 200),
    ("public", "draft"): (200, 200, 200, 200, 200, 200),
    ("members", "published"): (404, 404, 200, 200, 200, 404),
    ("members", "draft"): (404, 404, 200, 200, 200, 404),
}

LIST_PAGES = {
    "front": lambda post: reverse("posts:front", kwargs={"course_slug": post.course.slug}),
    "category": lambda post: post.category.get_absolute_url(),
    "tag": lambda post: post.tags.get().get_absolute_url(),
    "author": lambda post: post.author.memberships.get(course=post.course).get_absolute_url(),
    "month": lambda post: reverse(
        "posts:archive-month",
        kwargs={
            "course_slug": post.course.slug,
            "year": post.date_for_url.year,
            "month": post.date_for_url.month,
        },
    ),
}


@pytest.mark.parametrize(("visibility", "status", "actor", "expected"), _rows(LISTS))
def test_lists_show_published_posts_only(client, scene, visibility, status, actor, expected):
    """Front page and every archive: a draft is absent, even for its author and the instructor."""
    post = scene(client, visibility, status, actor)
    seen = {}
    for name, url in LIST_PAGES.items():
        response = client.get(url(post))
        seen[name] = (_answer(response), TITLE in response.content.decode())
    listed = expected == 200 and status == "published"
    assert seen == dict.fromkeys(LIST_PAGES, (expected, listed))


# --- The edit page ---------------------------------------------------------------------

EDIT = {
    #                      anon outsider author student instr other_instr
    ("public", "published"): (LOGIN, 403, 200, 403, 403, 403),
    ("public", "draft"): (LOGIN, 403, 200, 404, 403, 403),
    ("members", "published"): (LOGIN, 404, 200, 403, 403, 404),
    ("members", "draft"): (LOGIN, 404, 200, 404, 403, 404),
}


@pytest.mark.parametrize(("visibility", "status", "actor", "expected"), _rows(EDIT))
def test_edit_page(client, scene, visibility, status, actor, expected):
    post = scene(client, visibility, status, actor)
    response = client.get(post.get_edit_url())
    assert _answer(response) == expected
    body = response.content.decode()
    if expected == 200:
        assert "Edit your post" in body
        assert TITLE in body
    elif expected == 403:
        # A refusal says why.
        assert "You can edit only your own posts." in body or "Only members of this course" in body
    elif expected == 404:
        assert TITLE not in body


@pytest.mark.parametrize(("visibility", "status", "actor", "expected"), _rows(EDIT))
def test_editing_by_post(client, scene, visibility, status, actor, expected):
    """Whoever may not open the edit page may not change the post by posting to it either."""
    post = scene(client, visibility, status, actor)
    response = client.post(
        post.get_edit_url(), {"title": "Taken over", "body": "Rewritten.", "action": "publish"}
    )
    post.refresh_from_db()
    if expected == 200:
        assert response.status_code == 302
        assert post.title == "Taken over"
    else:
        assert _answer(response) == expected
        assert post.title == TITLE
        assert post.status == status


# --- Unpublishing ------------------------------------------------------------------

UNPUBLISH = {
    #                      anon outsider author student instr other_instr
    ("public", "published"): (LOGIN, 403, 302, 403, 302, 403),
    ("public", "draft"): (LOGIN, 404, 302, 404, 302, 404),
    ("members", "published"): (LOGIN, 404, 302, 403, 302, 404),
    ("members", "draft"): (LOGIN, 404, 302, 404, 302, 404),
}


@pytest.mark.parametrize(("visibility", "status", "actor", "expected"), _rows(UNPUBLISH))
def test_unpublish(client, scene, visibility, status, actor, expected):
    post = scene(client, visibility, status, actor)
    url = reverse("posts:unpublish", kwargs={"course_slug": post.course.slug, "slug": post.slug})
    response = client.post(url)
    assert _answer(response) == expected
    post.refresh_from_db()
    if expected == 302:
        assert post.status == Post.Status.DRAFT
        # Where the redirect lands is a page this person may see, with the post on it.
        landing = client.get(response["Location"])
        assert landing.status_code == 200
        assert TITLE in landing.content.decode()
    else:
        assert post.status == status
    if expected == 403:
        assert "You can unpublish only your own posts." in response.content.decode()


@pytest.mark.parametrize("actor", ["author", "instructor"])
def test_unpublish_needs_post(client, scene, actor):
    post = scene(client, "public", "published", actor)
    url = reverse("posts:unpublish", kwargs={"course_slug": post.course.slug, "slug": post.slug})
    assert client.get(url).status_code == 405
    post.refresh_from_db()
    assert post.is_published


def test_unpublished_post_leaves_the_front_page(client, scene):
    post = scene(client, "public", "published", "author")
    front = reverse("posts:front", kwargs={"course_slug": post.course.slug})
    assert TITLE in client.get(front).content.decode()
    client.post(reverse("posts:unpublish", kwargs={"course_slug": post.course.slug, "slug": post.slug}))
    client.logout()
    assert TITLE not in client.get(front).content.decode()
    assert client.get(post.get_absolute_url()).status_code == 404


def test_pages_a_visitor_already_saw_drop_an_unpublished_post(client, scene):
    """Whatever a page cache keeps, a post its author unpublished is gone for the next visitor."""
    post = scene(client, "public", "published", "anonymous")
    urls = [url(post) for url in LIST_PAGES.values()]
    for url in [*urls, post.get_absolute_url()]:
        assert TITLE in client.get(url).content.decode(), url
    author = Client()
    author.force_login(post.author)
    author.post(reverse("posts:unpublish", kwargs={"course_slug": post.course.slug, "slug": post.slug}))
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200
        assert TITLE not in response.content.decode(), url
    assert client.get(post.get_absolute_url()).status_code == 404


def test_pages_a_visitor_already_saw_show_an_edited_title(client, scene):
    post = scene(client, "public", "published", "anonymous")
    urls = [url(post) for url in LIST_PAGES.values()] + [post.get_absolute_url()]
    for url in urls:
        assert TITLE in client.get(url).content.decode(), url
    author = Client()
    author.force_login(post.author)
    response = author.post(
        post.get_edit_url(),
        {"title": "A corrected title", "body": post.body, "tags_text": "Gulag", "category": post.category.pk},
    )
    assert response.status_code == 302
    for url in urls:
        body = client.get(url).content.decode()
        assert "A corrected title" in body, url
        assert TITLE not in body, url


# --- The write page ----------------------------------------------------------------

WRITE = {
    #            anon outsider author student instr other_instr
    "public": (LOGIN, 403, 200, 200, 200, 403),
    "members": (LOGIN, 404, 200, 200, 200, 404),
}


@pytest.mark.parametrize(
    ("visibility", "actor", "expected"),
    [
        pytest.param(visibility, actor, answer, id=f"{visibility}-{actor}")
        for visibility, answers in WRITE.items()
        for actor, answer in zip(ACTORS, answers, strict=True)
    ],
)
def test_write_page(client, scene, visibility, actor, expected):
    post = scene(client, visibility, "published", actor)
    url = reverse("posts:write", kwargs={"course_slug": post.course.slug})
    response = client.get(url)
    assert _answer(response) == expected
    if expected == 403:
        assert "Only members of this course can write here." in response.content.decode()
    # Posting to it is refused the same way, and nothing is created.
    count = Post.objects.count()
    response = client.post(url, {"title": "Sneaky", "body": "Text", "action": "publish"})
    if expected == 200:
        assert response.status_code == 302
        assert Post.objects.count() == count + 1
    else:
        assert _answer(response) == expected
        assert Post.objects.count() == count


def test_drafts_page_lists_own_drafts_and_instructor_sees_all(client, world):
    course, people, category = world("public")
    DraftFactory(course=course, author=people["author"], category=category, title="Mine, unfinished")
    DraftFactory(course=course, author=people["student"], category=category, title="Theirs, unfinished")
    url = reverse("posts:drafts", kwargs={"course_slug": course.slug})
    assert _answer(client.get(url)) == LOGIN
    client.force_login(people["author"])
    body = client.get(url).content.decode()
    assert "Mine, unfinished" in body
    assert "Theirs, unfinished" not in body
    client.force_login(people["instructor"])
    body = client.get(url).content.decode()
    assert "Mine, unfinished" in body
    assert "Theirs, unfinished" in body


@pytest.mark.parametrize("actor", ["author", "instructor"])
def test_every_link_on_the_drafts_page_opens(client, world, actor):
    """The author's links open the editor; the instructor's open the draft (they may not edit it)."""
    course, people, category = world("public")
    DraftFactory(course=course, author=people["author"], category=category, title="Unfinished essay")
    client.force_login(people[actor])
    page = BeautifulSoup(
        client.get(reverse("posts:drafts", kwargs={"course_slug": course.slug})).content, "html.parser"
    )
    links = [h.a["href"] for h in page.find_all(class_="post-title")]
    assert len(links) == 1
    response = client.get(links[0])
    assert response.status_code == 200
    assert "Unfinished essay" in response.content.decode()


@pytest.mark.parametrize("visibility", ["public", "members"])
def test_course_pages_see_the_same_posts_as_the_site_wide_rule(world, visibility):
    """Course pages use the cheap Post.objects.visible_in; it must agree with visible_to for everyone."""
    course, people, category = world(visibility)
    other_course, other_people, other_category = world(visibility)
    for where, who, cat in ((course, people, category), (other_course, other_people, other_category)):
        PostFactory(course=where, author=who["author"], category=cat)
        DraftFactory(course=where, author=who["author"], category=cat)
        DraftFactory(course=where, author=who["student"], category=cat)
        later = PostFactory(course=where, author=who["author"], category=cat)
        Post.objects.filter(pk=later.pk).update(published_at=timezone.now() + datetime.timedelta(days=2))
    readers = [AnonymousUser(), UserFactory(is_superuser=True), *people.values()]
    # Only for readers who may read the course: the others get a 404 before any post is asked for.
    for user in filter(lambda user: can_read(user, course), readers):
        expected = set(Post.objects.visible_to(user).filter(course=course))
        assert set(Post.objects.visible_in(course, user)) == expected, user
        readable = {post for post in Post.objects.filter(course=course) if post.readable_by(user)}
        assert readable == expected, user
        assert len(expected) <= 4


def test_is_live_is_the_same_rule_as_published(course, student):
    """Post.is_live (one post, in Python) and posts.models.live() (the querysets) agree."""
    now = timezone.now()
    hour = datetime.timedelta(hours=1)
    PostFactory(course=course, author=student, title="Out an hour ago", published_at=now - hour)
    PostFactory(course=course, author=student, title="Out in an hour", published_at=now + hour)
    DraftFactory(course=course, author=student, title="Never published")
    DraftFactory(course=course, author=student, title="Unpublished", published_at=now - hour)
    live_in_python = {post.title for post in Post.objects.filter(course=course) if post.is_live}
    assert live_in_python == {post.title for post in Post.objects.published()} == {"Out an hour ago"}
