"""The digest pages: the archive, a week's digest or its preview, the editors' form; who sees what."""

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coursework import choice
from coursework.models import Digest, DigestFeature
from tests.factories import (
    AwardFactory,
    AwardTypeFactory,
    CommentFactory,
    CourseFactory,
    DigestFactory,
    EditorialTermFactory,
    InstructorFactory,
    MembershipFactory,
    PostFactory,
    PromptFactory,
    PromptResponseFactory,
    UserFactory,
    VoteFactory,
)

UTC = datetime.UTC
MONDAY = datetime.date(2026, 11, 2)
NEXT_WEDNESDAY = datetime.datetime(2026, 11, 11, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _the_wednesday_after():
    with time_machine.travel(NEXT_WEDNESDAY, tick=False):
        yield


@pytest.fixture
def course(db):
    return CourseFactory(time_zone="Europe/Moscow")


@pytest.fixture
def instructor(course):
    return InstructorFactory(course=course).user


@pytest.fixture
def editor(course):
    return EditorialTermFactory(member=MembershipFactory(course=course)).member.user


@pytest.fixture
def student(course):
    return MembershipFactory(course=course).user


def on(day, hour=12):
    return datetime.datetime(2026, 11, day, hour, 0, tzinfo=UTC)


def digest_url(course, week=MONDAY):
    text = week if isinstance(week, str) else week.isoformat()
    return reverse("coursework:digest", kwargs={"course_slug": course.slug, "week": text})


def edit_url(course, week=MONDAY):
    return reverse("coursework:digest-edit", kwargs={"course_slug": course.slug, "week": week.isoformat()})


def list_url(course):
    return reverse("coursework:digests", kwargs={"course_slug": course.slug})


def published(course, week=MONDAY, **kwargs):
    return DigestFactory(course=course, week=week, status="published", published_at=NEXT_WEDNESDAY, **kwargs)


def login(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)


# --- The archive ----------------------------------------------------------------


def test_the_archive_lists_published_digests_and_drafts_only_for_the_team(client, course, editor, student):
    published(course)
    DigestFactory(course=course, week=MONDAY - datetime.timedelta(weeks=1))  # a draft
    for user in (None, student):
        login(client, user)
        html = client.get(list_url(course)).content.decode()
        assert "The week of Monday 2 November 2026" in html
        assert "26 October" not in html and ">Draft</span>" not in html and "Compile" not in html
    login(client, editor)
    html = client.get(list_url(course)).content.decode()
    assert "The week of Monday 26 October 2026" in html and ">Draft</span>" in html
    assert edit_url(course) in html  # "Compile the digest of last week"


def test_the_archive_of_a_members_only_course_is_a_404_to_outsiders(client, db):
    course = CourseFactory(visibility="members")
    published(course)
    for user in (None, UserFactory(), InstructorFactory(course=CourseFactory()).user):
        login(client, user)
        assert client.get(list_url(course)).status_code == 404


def test_the_archive_runs_the_same_queries_for_1_and_50_digests(client, course, editor):
    other = CourseFactory()
    EditorialTermFactory(member=MembershipFactory(course=other, user=editor))
    published(course)
    for k in range(50):
        published(other, week=MONDAY - datetime.timedelta(weeks=k))
    for user in (None, editor):
        login(client, user)
        counts = [_queries(client, list_url(c)) for c in (course, other)]
        assert len(counts[0]) == len(counts[1]), "\n\n".join(["1:", *counts[0], "50:", *counts[1]])


# --- A week's digest ------------------------------------------------------------


def test_a_published_digest_shows_the_week_to_every_reader(client, course, instructor):
    post = PostFactory(course=course, published_at=on(3), title="Pasternak and the prize")
    red_star = AwardTypeFactory(course=course, name="Red star")
    AwardFactory(post=post, award_type=red_star, given_by=instructor, note="Bold sources", note_public=True)
    other = PostFactory(course=course, published_at=on(4), title="A quiet post")
    AwardFactory(post=other, award_type=AwardTypeFactory(course=course, name="Feather"), note="Between us")
    CommentFactory(post=post)
    digest = published(course, introduction="A week of **letters**.")
    DigestFeature.objects.create(digest=digest, post=other, position=0)
    response = client.get(digest_url(course))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>letters</strong>" in html
    assert "Pasternak and the prize" in html and "Bold sources" in html
    assert "Between us" not in html  # a private note stays private
    assert "1 comment from 1 classmate" in html
    assert "Nobody voted this week." in html  # the week is over and nobody voted
    # Dates in the course's zone, with its name.
    assert (
        "Mon 2 Nov, 00:00 (Europe/Moscow)" in html and "Published Wed 11 Nov, 15:00 (Europe/Moscow)" in html
    )
    assert "Edit" not in html and "csrfmiddlewaretoken" not in html


def test_an_unpublished_digest_is_a_preview_for_the_team_and_a_404_for_others(
    client, course, editor, instructor, student
):
    PostFactory(course=course, published_at=on(3), title="Waiting post")
    DigestFactory(course=course, week=MONDAY)
    for user in (None, student):
        login(client, user)
        assert client.get(digest_url(course)).status_code == 404
    for user in (editor, instructor):
        login(client, user)
        response = client.get(digest_url(course))
        html = response.content.decode()
        assert response.status_code == 200
        assert "A draft" in html and "Waiting post" in html
        assert f'href="{edit_url(course)}"' in html


def test_a_week_with_no_digest_yet_is_a_preview_for_the_team(client, course, editor, student):
    login(client, student)
    assert client.get(digest_url(course)).status_code == 404
    login(client, editor)
    html = client.get(digest_url(course)).content.decode()
    assert "Not written yet" in html and not Digest.objects.exists()


@pytest.mark.parametrize("week", ["2026-11-03", "soon", "2026-02-30", "2026-11-16", "1999-12-27"])
def test_a_bad_or_future_week_is_a_404(client, course, editor, week):
    login(client, editor)
    assert client.get(digest_url(course, week)).status_code == 404
    assert client.get(digest_url(course, week) + "edit/").status_code == 404


def test_anonymous_readers_get_the_cached_page_and_see_an_edit_at_once(client, course, instructor, settings):
    settings.ANONYMOUS_PAGE_CACHE = True
    digest = published(course, introduction="First words.")
    assert "First words." in client.get(digest_url(course)).content.decode()
    assert client.get(digest_url(course))["X-Page-Cache"] == "hit"
    client.force_login(instructor)
    client.post(edit_url(course), {"introduction": "Second words.", "action": "save"})
    client.logout()
    html = client.get(digest_url(course)).content.decode()
    assert "Second words." in html and "First words." not in html
    digest.refresh_from_db()
    assert digest.is_published


def _fill_week(course, monday, n, instructor):
    start = datetime.datetime.combine(monday, datetime.time(9), tzinfo=UTC)
    red_star = AwardTypeFactory(course=course)
    prompt = PromptFactory(course=course, opens_at=start, due_at=start + datetime.timedelta(days=3))
    digest = published(course, week=monday, introduction="Words.")
    posts = []
    for i in range(n):
        post = PostFactory(course=course, published_at=start + datetime.timedelta(minutes=i + 1))
        posts.append(post)
        CommentFactory(post=post)
        AwardFactory(post=post, award_type=red_star, given_by=instructor, note="Why", note_public=True)
        PromptResponseFactory(post=post, prompt=prompt)
        DigestFeature.objects.create(digest=digest, post=post, position=i)
        PostFactory(course=course, published_at=start + datetime.timedelta(minutes=i + 1, seconds=30))
    VoteFactory(post=posts[0], week=monday)
    choice.close_week(course=course, week=monday, closed_by=instructor)


def _queries(client, url):
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return [q["sql"] for q in captured.captured_queries]


def test_the_digest_page_runs_the_same_queries_for_1_and_50_posts(
    client, course, instructor, editor, student
):
    small, big = MONDAY - datetime.timedelta(weeks=1), MONDAY
    _fill_week(course, small, 1, instructor)
    _fill_week(course, big, 50, instructor)
    for user in (None, student, editor):
        login(client, user)
        few, many = _queries(client, digest_url(course, small)), _queries(client, digest_url(course, big))
        assert len(few) == len(many), "\n\n".join(["1:", *few, "50:", *many])


# --- The editors' form ------------------------------------------------------------


@pytest.mark.parametrize("who", ["editor", "instructor"])
def test_the_team_opens_the_form(client, course, editor, instructor, who):
    PostFactory(course=course, published_at=on(3), title="Post of the week")
    login(client, editor if who == "editor" else instructor)
    response = client.get(edit_url(course))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Post of the week" in html and "Save draft" in html and "Publish" in html


def test_who_may_not_edit(client, course, student):
    ended_term = EditorialTermFactory(
        member=MembershipFactory(course=course),
        starts=datetime.date(2026, 10, 1),
        ends=datetime.date(2026, 11, 10),
    ).member.user
    for user in (student, ended_term, UserFactory(), InstructorFactory(course=CourseFactory()).user):
        login(client, user)
        assert client.get(edit_url(course)).status_code == 403  # a public course: they read it, may not edit
        response = client.post(edit_url(course), {"introduction": "Mine now", "action": "publish"})
        assert response.status_code == 403
        assert "editorial team" in response.content.decode()
    assert not Digest.objects.exists()
    client.logout()
    assert client.get(edit_url(course))["Location"].startswith(reverse("login"))


def test_an_instructor_of_another_course_gets_a_404_on_a_members_only_course(client, db):
    course = CourseFactory(visibility="members")
    client.force_login(InstructorFactory(course=CourseFactory()).user)
    assert client.get(edit_url(course)).status_code == 404
    assert client.post(edit_url(course), {"action": "publish"}).status_code == 404


def test_the_editor_orders_featured_posts_and_publishes(
    client, course, editor, mailoutbox, django_capture_on_commit_callbacks
):
    a = PostFactory(course=course, published_at=on(3), title="Alpha")
    b = PostFactory(course=course, published_at=on(4), title="Beta")
    c = PostFactory(course=course, published_at=on(5), title="Gamma")
    last_week = PostFactory(course=course, published_at=datetime.datetime(2026, 10, 29, tzinfo=UTC))
    client.force_login(editor)
    data = {
        "introduction": "The editors' *pick*.",
        f"position_{a.pk}": "2",
        f"position_{c.pk}": "1",
        f"position_{b.pk}": "",
        f"position_{last_week.pk}": "3",  # not offered: ignored
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(edit_url(course), {**data, "action": "save"}, follow=True)
    assert "The draft is saved" in response.content.decode()
    assert mailoutbox == []
    digest = Digest.objects.get()
    assert [f.post for f in digest.features.all()] == [c, a]
    assert not digest.is_published
    # The form shows the order back.
    html = client.get(edit_url(course)).content.decode()
    assert f'name="position_{c.pk}" value="1"' in html and f'name="position_{a.pk}" value="2"' in html

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(edit_url(course), {**data, "action": "publish"}, follow=True)
    assert response.redirect_chain[-1][0] == digest_url(course)
    html = response.content.decode()
    assert "The digest is published" in html
    assert html.index("Gamma") < html.index("Alpha")
    digest.refresh_from_db()
    assert digest.is_published and digest.published_by == editor
    sent = len(mailoutbox)
    assert sent == course.memberships.count()

    # Once published the form offers "Save changes" only, and saving emails nobody again.
    assert "Publish" not in client.get(edit_url(course)).content.decode().split("<form")[-1]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(edit_url(course), {**data, "introduction": "Fixed a typo.", "action": "publish"})
    assert len(mailoutbox) == sent
    digest.refresh_from_db()
    assert digest.introduction == "Fixed a typo."


def test_a_refused_form_keeps_what_the_editor_typed(client, course, editor):
    post = PostFactory(course=course, published_at=on(3))
    client.force_login(editor)
    response = client.post(
        edit_url(course), {"introduction": "Half a thought about the Thaw", f"position_{post.pk}": "first"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Half a thought about the Thaw" in html
    assert 'value="first"' in html and "Enter a whole number." in html
    assert not Digest.objects.exists()


def test_a_position_out_of_range_is_a_form_error(client, course, editor):
    post = PostFactory(course=course, published_at=on(3))
    client.force_login(editor)
    response = client.post(edit_url(course), {f"position_{post.pk}": "0", "action": "publish"})
    assert response.status_code == 400
    assert not Digest.objects.exists()


def test_the_edit_form_takes_the_same_queries_for_1_and_50_posts(client, course, editor):
    small, big = MONDAY - datetime.timedelta(weeks=1), MONDAY
    _fill_week(course, small, 1, InstructorFactory(course=course).user)
    _fill_week(course, big, 50, InstructorFactory(course=course).user)
    client.force_login(editor)
    few, many = _queries(client, edit_url(course, small)), _queries(client, edit_url(course, big))
    assert len(few) == len(many), "\n\n".join(["1:", *few, "50:", *many])
