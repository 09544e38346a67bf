"""My courses on the course list, what is new since the last visit, and where logging in lands."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from account.models import CourseVisit
from comments import services as comment_services
from comments.models import Comment
from courses.models import Course
from tests.factories import (
    CommentFactory,
    CourseFactory,
    DraftFactory,
    InstructorFactory,
    MembershipFactory,
    PostFactory,
    UserFactory,
)

from .conftest import COURSES, PASSWORD, soup

pytestmark = pytest.mark.django_db

JOINED = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)
LATER = JOINED + datetime.timedelta(days=3)


def my_courses(response):
    """Each line of My courses as read: course, role and what is new."""
    section = soup(response).find("section", class_="my-courses")
    if section is None:
        return None
    return [" ".join(li.get_text().split()) for li in section.find_all("li")]


def test_anonymous_readers_see_no_my_courses(client, course):
    assert my_courses(client.get(COURSES)) is None


def test_my_courses_lists_the_readers_courses_with_their_role_first(client):
    reader = UserFactory()
    MembershipFactory(user=reader, course=CourseFactory(title="Soviet History"))
    InstructorFactory(
        user=reader, course=CourseFactory(title="Archives", visibility=Course.Visibility.MEMBERS)
    )
    CourseFactory(title="Someone else's course")
    client.force_login(reader)
    page = client.get(COURSES)
    assert my_courses(page) == [
        "Archives Instructor Nothing new since your last visit.",
        "Soviet History Student Nothing new since your last visit.",
    ]
    headings = [h.get_text() for h in soup(page).find_all("h2")]
    assert headings.index("My courses") < headings.index("Someone else's course")
    links = [a["href"] for a in soup(page).find("section", class_="my-courses").find_all("a")]
    assert links == [c.get_absolute_url() for c in Course.objects.exclude(title__startswith="Someone")]


def test_what_is_new_counts_others_posts_and_approved_comments_since_the_last_visit(client, course):
    with time_machine.travel(JOINED, tick=False):
        reader = MembershipFactory(course=course).user
        old = PostFactory(course=course)
    with time_machine.travel(LATER, tick=False):
        first, second = PostFactory(course=course), PostFactory(course=course)
        PostFactory(course=course, author=reader)  # one's own is not news
        DraftFactory(course=course)  # nor what readers cannot see
        PostFactory(course=course, published_at=LATER + datetime.timedelta(days=5))  # scheduled for later
        CommentFactory(post=first)
        CommentFactory(post=old)
        CommentFactory(post=second, author=reader)
        CommentFactory(post=second, status=Comment.Status.PENDING)
        CommentFactory(post=second, status=Comment.Status.SPAM)
    with time_machine.travel(LATER + datetime.timedelta(hours=1), tick=False):
        client.force_login(reader)
        assert my_courses(client.get(COURSES)) == [
            f"{course.title} Student Since your last visit: 2 new posts, 2 new comments."
        ]
        client.get(course.get_absolute_url())  # the visit
        assert my_courses(client.get(COURSES)) == [
            f"{course.title} Student Nothing new since your last visit."
        ]
    with time_machine.travel(LATER + datetime.timedelta(hours=2), tick=False):
        CommentFactory(post=first)
        assert my_courses(client.get(COURSES)) == [
            f"{course.title} Student Since your last visit: 0 new posts, 1 new comment."
        ]


def test_a_held_comment_approved_after_the_visit_is_new(client, course, instructor):
    with time_machine.travel(JOINED, tick=False):
        reader = MembershipFactory(course=course).user
        held = CommentFactory(post=PostFactory(course=course), status=Comment.Status.PENDING)
    with time_machine.travel(LATER, tick=False):
        client.force_login(reader)
        client.get(course.get_absolute_url())
    with time_machine.travel(LATER + datetime.timedelta(hours=1), tick=False):
        comment_services.comment_approve(comment=held, by=instructor)
        assert my_courses(client.get(COURSES)) == [
            f"{course.title} Student Since your last visit: 0 new posts, 1 new comment."
        ]


def _front_page_writes(client, course):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(course.get_absolute_url()).status_code == 200
    return [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))
    ]


def test_the_front_page_notes_a_visit_at_most_every_few_minutes(client, course):
    with time_machine.travel(JOINED, tick=False):
        membership = MembershipFactory(course=course)
    client.force_login(membership.user)
    with time_machine.travel(LATER, tick=False):
        assert len(_front_page_writes(client, course)) == 1
        assert CourseVisit.objects.get(membership=membership).last_seen == LATER
    with time_machine.travel(LATER + datetime.timedelta(minutes=4), tick=False):
        assert _front_page_writes(client, course) == []
    with time_machine.travel(LATER + datetime.timedelta(minutes=6), tick=False):
        assert len(_front_page_writes(client, course)) == 1
        assert CourseVisit.objects.get(membership=membership).last_seen == LATER + datetime.timedelta(
            minutes=6
        )


def test_other_pages_and_non_members_note_no_visit(client, course, post):
    with time_machine.travel(JOINED, tick=False):
        member = MembershipFactory(course=course).user  # long ago: a visit now would be noted
    client.force_login(member)
    assert client.get(post.get_absolute_url()).status_code == 200
    assert client.get(COURSES).status_code == 200
    assert not CourseVisit.objects.exists()
    client.force_login(UserFactory())
    assert _front_page_writes(client, course) == []  # a public course, read by an outsider
    assert not CourseVisit.objects.exists()
    client.force_login(member)
    assert len(_front_page_writes(client, course)) == 1


def _list_queries(client):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(COURSES).status_code == 200
    return [q["sql"] for q in captured.captured_queries]


def test_my_courses_runs_the_same_queries_for_1_and_50_courses(client):
    reader = UserFactory()
    client.force_login(reader)

    def add(n):
        for _ in range(n):
            course = CourseFactory()
            MembershipFactory(course=course, user=reader)
            post = PostFactory(course=course)
            CommentFactory(post=post)

    add(1)
    few = _list_queries(client)
    add(49)
    many = _list_queries(client)
    assert len(few) == len(many), "\n\n".join(["1:", *few, "50:", *many])
    assert len(my_courses(client.get(COURSES))) == 50


# --- Where logging in lands ----------------------------------------------------------------


def log_in(client, user, **extra):
    return client.post(reverse("login"), {"username": user.username, "password": PASSWORD, **extra})


def test_logging_in_with_one_course_lands_on_it(client, members_only_course):
    member = MembershipFactory(course=members_only_course).user
    response = log_in(client, member)
    assert response.status_code == 302
    assert response["Location"] == members_only_course.get_absolute_url()
    assert client.get(response["Location"]).status_code == 200


def test_logging_in_with_several_courses_or_none_lands_on_my_courses(client):
    reader = UserFactory()
    assert log_in(client, reader)["Location"] == COURSES
    client.logout()
    MembershipFactory(user=reader)
    MembershipFactory(user=reader)
    response = log_in(client, reader)
    assert response["Location"] == COURSES
    assert len(my_courses(client.get(COURSES))) == 2


def test_logging_in_follows_next_and_never_leaves_the_site(client, course, student):
    write = reverse("posts:write", kwargs={"course_slug": course.slug})
    assert log_in(client, student, next=write)["Location"] == write
    client.logout()
    assert log_in(client, student, next="https://evil.example/")["Location"] == course.get_absolute_url()
