"""Scheduled publishing: "Publish at" a later time in the course's zone; a draft to all but its author and
instructors until then, in every list, feed, count and search; live at its time with no one acting; the
tick does its going-live work once; cached pages never hide it late."""

import datetime
import io

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coursework import reports
from posts import services, tick
from posts.models import Post, Tag
from tests.factories import (
    AwardFactory,
    CategoryFactory,
    CommentFactory,
    CourseFactory,
    InstructorFactory,
    MembershipFactory,
    PostFactory,
)

UTC = datetime.UTC
NOW = datetime.datetime(2026, 12, 1, 15, 0, tzinfo=UTC)  # Tuesday, 10:00 in New York
AT = NOW + datetime.timedelta(hours=2)  # 12:00 in New York
TITLE = "Letters From the Virgin Lands Qz9"
WORD = "zqvirginlands"

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def scene(clock, settings):
    """A public New York course: a post scheduled for 12:00 there, with a tag, a comment and an award."""
    settings.TIME_ZONE = "UTC"
    course = CourseFactory(time_zone="America/New_York")
    author = MembershipFactory(course=course, display_name="The Author")
    people = {
        "author": author.user,
        "student": MembershipFactory(course=course).user,
        "instructor": InstructorFactory(course=course).user,
        "other_instructor": InstructorFactory(course=CourseFactory()).user,
    }
    category = CategoryFactory(course=course, name="Essays", slug="essays")
    tag = Tag.objects.create(course=course, name="Thaw", slug="thaw")
    post = services.post_save(
        course=course,
        author=author.user,
        title=TITLE,
        body=f"The letters of {WORD} settlers. [Up](#comments)",
        category=category,
        tags_text="Thaw",
        publish_at=AT,
    )
    CommentFactory(post=post, body="A comment on the scheduled post, Wq3.")
    AwardFactory(post=post, given_by=people["instructor"])
    return course, people, post, category, tag, author


def as_client(people, actor):
    client = Client()
    if actor != "anonymous":
        client.force_login(people[actor])
    return client


def pages_listing_posts(course, post, category, tag, author):
    """Every page and feed that lists a course's posts, by name, with what shows the post there."""
    slug = course.slug
    local = AT.astimezone(datetime.UTC)
    return {
        "front": (reverse("posts:front", kwargs={"course_slug": slug}), TITLE),
        "category": (category.get_absolute_url(), TITLE),
        "tag": (tag.get_absolute_url(), TITLE),
        "author": (author.get_absolute_url(), TITLE),
        "month": (
            reverse(
                "posts:archive-month", kwargs={"course_slug": slug, "year": local.year, "month": local.month}
            ),
            TITLE,
        ),
        "hall of fame": (reverse("awards:hall-of-fame", kwargs={"course_slug": slug}), TITLE),
        "course feed": (reverse("feeds:posts", kwargs={"course_slug": slug, "format": "atom"}), TITLE),
        "category feed": (
            reverse("feeds:category", kwargs={"course_slug": slug, "slug": "essays", "format": "rss"}),
            TITLE,
        ),
        "tag feed": (
            reverse("feeds:tag", kwargs={"course_slug": slug, "slug": "thaw", "format": "atom"}),
            TITLE,
        ),
        "award feed": (reverse("feeds:hall-of-fame", kwargs={"course_slug": slug, "format": "atom"}), TITLE),
        "comments feed": (reverse("feeds:comments", kwargs={"course_slug": slug, "format": "atom"}), "Wq3"),
        "search": (reverse("search:results", kwargs={"course_slug": slug}) + f"?q={WORD}", TITLE),
        "sitemap": (reverse("sitemap-section", kwargs={"section": "posts"}), post.get_absolute_url()),
    }


def shown(client, url, needle) -> bool:
    response = client.get(url)
    assert response.status_code == 200, url
    return needle in response.content.decode()


@pytest.mark.parametrize("actor", ["anonymous", "student", "author", "instructor", "other_instructor"])
def test_before_its_time_the_post_is_in_no_list_feed_or_search_and_after_it_is_in_all(scene, clock, actor):
    course, people, post, category, tag, author = scene
    client = as_client(people, actor)
    pages = pages_listing_posts(course, post, category, tag, author)
    before = {name for name, (url, needle) in pages.items() if shown(client, url, needle)}
    assert before == set(), f"listed before its time on: {sorted(before)}"
    clock.move_to(AT + datetime.timedelta(minutes=1))
    after = {name for name, (url, needle) in pages.items() if shown(client, url, needle)}
    assert after == set(pages), f"missing after its time on: {sorted(set(pages) - after)}"


POST_PAGE = {"anonymous": 404, "student": 404, "author": 200, "instructor": 200, "other_instructor": 404}


@pytest.mark.parametrize(("actor", "expected"), POST_PAGE.items())
def test_only_its_author_and_instructors_read_it_early_and_they_see_when_it_appears(
    scene, clock, actor, expected
):
    course, people, post, *_ = scene
    client = as_client(people, actor)
    response = client.get(post.get_absolute_url())
    assert response.status_code == expected
    if expected == 200:
        badge = BeautifulSoup(response.content, "html.parser").find(class_="badge-scheduled")
        assert "Scheduled for 1 December 2026, 12:00 (America/New_York)" in badge.get_text()
    clock.move_to(AT)
    response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    assert b"badge-scheduled" not in response.content  # live: as any other post


def test_the_drafts_page_says_when_it_is_scheduled_for(scene):
    course, people, post, *_ = scene
    for actor in ("author", "instructor"):
        response = as_client(people, actor).get(reverse("posts:drafts", kwargs={"course_slug": course.slug}))
        entry = BeautifulSoup(response.content, "html.parser").find("article", class_="post-summary")
        assert TITLE in entry.get_text()
        assert "Scheduled for 1 December 2026, 12:00 (America/New_York)" in entry.get_text(" ", strip=True)
    response = as_client(people, "student").get(reverse("posts:drafts", kwargs={"course_slug": course.slug}))
    assert TITLE not in response.content.decode()


def test_counts_leave_it_out_until_its_time(scene, clock):
    course, people, post, *_ = scene

    def counts():
        summary = reports.moderation_summary(user=people["instructor"])[0]
        report = reports.participation_report(
            course=course, start=NOW.date(), end=NOW.date() + datetime.timedelta(days=6), per_week=False
        )
        mine = next(row for row in report.rows if row.username == people["author"].username)
        readable = Post.objects.visible_to(AnonymousUser()).filter(course=course).count()
        return summary.posts_this_week, mine.posts, readable

    assert counts() == (0, 0, 0)
    clock.move_to(AT)
    assert counts() == (1, 1, 1)


# --- Writing it: the editor's "Publish at" and "Schedule" ---------------------------------------------


def write(client, course, **data):
    fields = {"title": "A post for later", "body": "Its text, kept.", "tags_text": "", **data}
    return client.post(reverse("posts:write", kwargs={"course_slug": course.slug}), fields)


def test_schedule_reads_the_time_in_the_courses_zone_and_says_it_back(scene):
    course, people, *_ = scene
    client = as_client(people, "student")
    response = write(client, course, action="schedule", publish_at="2026-12-03T18:30")
    post = Post.objects.get(title="A post for later")
    assert post.status == Post.Status.PUBLISHED and post.is_scheduled
    assert post.published_at == datetime.datetime(2026, 12, 3, 23, 30, tzinfo=UTC)  # 18:30 EST
    assert post.went_live_at is None
    assert response.status_code == 302 and response["Location"] == post.get_absolute_url()
    page = client.get(response["Location"])
    assert "Scheduled for 3 December 2026, 18:30 (America/New_York)" in page.content.decode()


def test_the_editor_names_the_zone_and_shows_the_scheduled_time_in_it(scene):
    course, people, post, *_ = scene
    page = BeautifulSoup(as_client(people, "author").get(post.get_edit_url()).content, "html.parser")
    box = page.find("input", attrs={"name": "publish_at"})
    assert box["type"] == "datetime-local" and box["value"] == "2026-12-01T12:00"
    label = page.find("label", attrs={"for": box["id"]})
    assert label.get_text(strip=True).startswith("Publish at")
    assert "America/New_York" in page.find(id=f"{box['id']}_helptext").get_text()
    buttons = {b["value"]: b.get_text(strip=True) for b in page.find_all("button", attrs={"name": "action"})}
    assert buttons == {
        "schedule": "Update schedule",
        "publish": "Publish now",
        "draft": "Save as draft (not scheduled)",
    }


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (
            "2026-12-01T09:59",
            "Choose a time in the future: it is 1 December 2026, 10:00 (America/New_York) now.",
        ),
        ("", "Choose the date and time the post should appear at."),
        ("next tuesday", "Enter a date and time, for example 2026-11-12 18:00."),
        ("9999-12-31T23:59", "Choose a date between 2000 and 2199."),
    ],
)
def test_a_refused_schedule_says_why_and_keeps_what_was_typed(scene, typed, message):
    course, people, *_ = scene
    client = as_client(people, "student")
    response = write(client, course, action="schedule", publish_at=typed, body="Every word kept, Rt5.")
    assert response.status_code == 400
    page = BeautifulSoup(response.content, "html.parser")
    box = page.find("input", attrs={"name": "publish_at"})
    assert message in page.find(id=f"{box['id']}_error").get_text()
    assert box.get("value", "") == typed
    assert page.find("textarea", attrs={"name": "body"}).get_text().strip() == "Every word kept, Rt5."
    assert page.find("input", attrs={"name": "title"})["value"] == "A post for later"
    assert not Post.objects.filter(title="A post for later").exists()


def test_publish_and_save_draft_ignore_what_the_time_box_holds(scene):
    course, people, *_ = scene
    client = as_client(people, "student")
    assert (
        write(client, course, action="draft", publish_at="half typed", title="Kept as a draft").status_code
        == 302
    )
    assert Post.objects.get(title="Kept as a draft").status == Post.Status.DRAFT
    assert (
        write(client, course, action="publish", publish_at="2030-01-01T10:00", title="Out now").status_code
        == 302
    )
    assert Post.objects.get(title="Out now").is_live


def test_publish_now_and_back_to_draft_from_a_scheduled_post(scene, clock):
    course, people, post, *_ = scene
    client = as_client(people, "author")
    edit = post.get_edit_url()
    client.post(edit, {"title": TITLE, "body": post.body, "tags_text": "", "action": "draft"})
    post.refresh_from_db()
    assert post.status == Post.Status.DRAFT  # not scheduled any more
    assert (
        client.get(reverse("posts:front", kwargs={"course_slug": course.slug})).content.count(TITLE.encode())
        == 0
    )
    client.post(
        edit,
        {
            "title": TITLE,
            "body": post.body,
            "tags_text": "",
            "action": "schedule",
            "publish_at": "2026-12-02T08:00",
        },
    )
    post.refresh_from_db()
    assert post.published_at == datetime.datetime(2026, 12, 2, 13, 0, tzinfo=UTC)
    client.post(edit, {"title": TITLE, "body": post.body, "tags_text": "", "action": "publish"})
    post.refresh_from_db()
    assert post.is_live and post.published_at == NOW and post.went_live_at == NOW


def test_an_image_without_alt_text_cannot_be_scheduled_either(scene):
    course, people, *_ = scene
    response = write(
        as_client(people, "student"),
        course,
        action="schedule",
        publish_at="2026-12-03T09:00",
        body="![](/media/x.png)",
    )
    assert response.status_code == 400
    assert "Add alt text to every image" in response.content.decode()


# --- Going live: the tick --------------------------------------------------------------------------


def test_the_tick_does_the_going_live_work_once_at_its_time(scene, clock, django_capture_on_commit_callbacks):
    course, people, post, *_ = scene
    sent = []

    def receiver(sender, post, **kwargs):
        sent.append(post.pk)

    services.post_went_live.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            assert tick.run_due(NOW) == []  # not yet
        clock.move_to(AT)
        with django_capture_on_commit_callbacks(execute=True):
            assert tick.run_due(AT) == [f"Post “{TITLE}” ({course.slug}) went live, as scheduled."]
        with django_capture_on_commit_callbacks(execute=True):
            assert tick.run_due(AT + datetime.timedelta(minutes=1)) == []  # done once
    finally:
        services.post_went_live.disconnect(receiver)
    assert sent == [post.pk]
    post.refresh_from_db()
    assert post.went_live_at == AT


def test_publishing_now_does_its_going_live_work_at_once_and_the_tick_leaves_it(
    scene, django_capture_on_commit_callbacks
):
    course, people, *_ = scene
    sent = []

    def receiver(sender, post, **kwargs):
        sent.append(post.pk)

    services.post_went_live.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            post = services.post_save(
                course=course,
                author=people["student"],
                title="Now",
                body="Text.",
                category=None,
                publish=True,
            )
        assert tick.run_due(NOW) == []
    finally:
        services.post_went_live.disconnect(receiver)
    assert sent == [post.pk]


def test_manage_py_tick_runs_the_posts_step(scene, clock):
    clock.move_to(AT)
    out = io.StringIO()
    call_command("tick", stdout=out)
    assert f"Post “{TITLE}” ({scene[0].slug}) went live, as scheduled." in out.getvalue()


def test_posts_found_long_after_their_time_are_marked_without_being_announced(
    clock, django_capture_on_commit_callbacks
):
    """An import, or a tick down for days: their news would come late, and in bulk."""
    old = [PostFactory(published_at=NOW - datetime.timedelta(days=3)) for _ in range(3)]
    sent = []

    def receiver(sender, post, **kwargs):
        sent.append(post.pk)

    services.post_went_live.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            assert tick.run_due(NOW) == ["3 posts live for more than two days marked, not announced."]
            assert tick.run_due(NOW) == []
    finally:
        services.post_went_live.disconnect(receiver)
    assert sent == []
    assert all(Post.objects.get(pk=post.pk).went_live_at == NOW for post in old)


def test_a_scheduled_post_unscheduled_before_its_time_never_goes_live(scene, clock):
    course, people, post, *_ = scene
    services.post_unpublish(post=post)
    clock.move_to(AT)
    assert tick.run_due(AT) == []
    assert not Post.objects.published().filter(pk=post.pk).exists()


# --- The cache: never shown late -------------------------------------------------------------------


@pytest.fixture
def caching(settings):
    settings.ANONYMOUS_PAGE_CACHE = True


def test_a_warm_cached_page_does_not_outlive_the_courses_next_scheduled_time(scene, clock, caching):
    """No tick runs here: the page's own lifetime ends at the post's time."""
    course, *_ = scene
    front = reverse("posts:front", kwargs={"course_slug": course.slug})
    feed = reverse("feeds:posts", kwargs={"course_slug": course.slug, "format": "atom"})
    reader = Client()
    clock.move_to(AT - datetime.timedelta(seconds=60))
    for url in (front, feed):
        assert TITLE not in reader.get(url).content.decode()
        reader.get(url)  # the course's first page made its cache version: this one is stored
        warm = reader.get(url)
        assert warm["X-Page-Cache"] == "hit" and TITLE not in warm.content.decode()
    clock.move_to(AT - datetime.timedelta(seconds=2))
    assert reader.get(front)["X-Page-Cache"] == "hit"  # still before its time: the copy is good
    clock.move_to(AT)
    for url in (front, feed):
        response = reader.get(url)
        assert response.get("X-Page-Cache") != "hit"
        assert TITLE in response.content.decode(), url


def test_the_cached_post_page_fragments_follow_the_time_too(scene, clock, caching):
    course, people, post, *_ = scene
    student = as_client(people, "student")
    author_url = scene[5].get_absolute_url()
    assert TITLE not in student.get(author_url).content.decode()
    assert student.get(post.get_absolute_url()).status_code == 404
    clock.move_to(AT)
    assert TITLE in student.get(author_url).content.decode()
    assert student.get(post.get_absolute_url()).status_code == 200


def test_a_page_rendered_a_moment_before_the_time_is_not_stored(scene, clock, caching):
    course, *_ = scene
    front = reverse("posts:front", kwargs={"course_slug": course.slug})
    clock.move_to(AT - datetime.timedelta(milliseconds=500))
    reader = Client()
    reader.get(front)
    assert reader.get(front).get("X-Page-Cache") != "hit"  # it would have lived past 12:00


def test_the_tick_makes_the_courses_pages_stale_when_the_post_goes_live(scene, clock, caching):
    """The second net: a page stored under the course's version before is not served after the tick."""
    course, *_ = scene
    front = reverse("posts:front", kwargs={"course_slug": course.slug})
    reader = Client()
    reader.get(front)
    clock.move_to(AT)
    from core.cache import course_version

    before = course_version(course.slug)
    tick.run_due(AT)
    assert course_version(course.slug) != before


def test_the_pages_of_a_course_with_nothing_scheduled_keep_their_full_lifetime(clock, caching):
    post = PostFactory()
    front = reverse("posts:front", kwargs={"course_slug": post.course.slug})
    reader = Client()
    reader.get(front)
    clock.shift(datetime.timedelta(seconds=290))
    assert reader.get(front)["X-Page-Cache"] == "hit"


def test_one_query_finds_the_next_time_however_many_posts_are_scheduled(
    clock, caching, django_assert_num_queries
):
    from core.cache import expires_at

    course = CourseFactory()
    author = MembershipFactory(course=course).user
    for hours in range(1, 21):
        PostFactory(course=course, author=author, published_at=NOW + datetime.timedelta(hours=hours))
    with django_assert_num_queries(1):
        expiry = expires_at(course.slug, 300, rendered_from=NOW.timestamp())
    assert expiry == (NOW + datetime.timedelta(seconds=300)).timestamp()
    PostFactory(course=course, author=author, published_at=NOW + datetime.timedelta(seconds=30))
    assert expires_at(course.slug, 300, rendered_from=NOW.timestamp()) == NOW.timestamp() + 30


# --- Query counts of the drafts page ------------------------------------------------------------------


def test_the_drafts_page_runs_the_same_queries_for_1_and_many_scheduled_posts(clock):
    def queries_with(rows):
        course = CourseFactory()
        author = MembershipFactory(course=course)
        for n in range(rows):
            PostFactory(course=course, author=author.user, published_at=NOW + datetime.timedelta(hours=n + 1))
        client = Client()
        client.force_login(author.user)
        url = reverse("posts:drafts", kwargs={"course_slug": course.slug})
        client.get(url)  # the session's first request writes it
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.content.decode().count("Scheduled for") == rows
        return len(queries)

    assert queries_with(1) == queries_with(20)
