"""Readers: every student is given two classmates' posts of the week before to answer."""

import datetime
import math
from collections import Counter

import pytest
import time_machine

from coursework import readers
from coursework.models import ReaderAssignment
from tests.factories import (
    CommentFactory,
    CourseFactory,
    DraftFactory,
    InstructorFactory,
    MembershipFactory,
    PostFactory,
)

NEW_YORK = "America/New_York"
NOW = datetime.datetime(2026, 11, 18, 17, 0, tzinfo=datetime.UTC)  # Wed 18 Nov, noon in New York
WEEK = datetime.date(2026, 11, 16)  # this week; its readings come from the week of 9 Nov
LAST_WEEK_NOON = datetime.datetime(2026, 11, 11, 17, 0, tzinfo=datetime.UTC)


@pytest.fixture
def frozen(db):
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def course(frozen):
    return CourseFactory(time_zone=NEW_YORK, assign_readers=True)


def students(course, n):
    return [MembershipFactory(course=course) for _ in range(n)]


def write(course, member, when=LAST_WEEK_NOON, **kwargs):
    return PostFactory(course=course, author=member.user, published_at=when, **kwargs)


def given(course, week=WEEK):
    return list(ReaderAssignment.objects.filter(course=course, week=week).select_related("reader", "post"))


@pytest.mark.parametrize("n", [3, 4, 5, 8, 13])
def test_each_student_gets_two_classmates_posts_and_every_post_a_reader(course, n):
    members = students(course, n)
    posts = [write(course, m) for m in members]

    assert readers.assign_readers(course=course, week=WEEK) == 2 * n
    rows = given(course)
    per_reader = Counter(row.reader_id for row in rows)
    assert per_reader == {m.pk: 2 for m in members}
    assert all(row.post.author_id != row.reader.user_id for row in rows), "nobody reads their own post"
    per_post = Counter(row.post_id for row in rows)
    assert set(per_post) == {p.pk for p in posts}, "every post has a reader"
    assert max(per_post.values()) <= math.ceil(2 * n / len(posts)) + 1


def test_uneven_writing_still_spreads_the_readers(course):
    """Some students wrote three posts, some none: every post still gets a reader, none too many."""
    members = students(course, 6)
    posts = [write(course, m) for m in members[:2] for _ in range(3)] + [write(course, members[2])]

    readers.assign_readers(course=course, week=WEEK)
    rows = given(course)
    assert Counter(row.reader_id for row in rows) == {m.pk: 2 for m in members}
    assert all(row.post.author_id != row.reader.user_id for row in rows)
    per_post = Counter(row.post_id for row in rows)
    assert set(per_post) == {p.pk for p in posts}
    assert max(per_post.values()) <= math.ceil(2 * len(members) / len(posts)) + 1


def test_posts_with_fewest_responses_are_favoured(course):
    writer, first, second = students(course, 3)
    quiet = [write(course, writer) for _ in range(3)]
    discussed = [write(course, writer) for _ in range(3)]
    teacher = InstructorFactory(course=course).user  # comments from others, who are not readers
    for n, post in enumerate(discussed, start=1):  # 1, 2 and 3 comments from others
        for _ in range(n):
            CommentFactory(post=post, author=teacher)
    CommentFactory(post=quiet[0], author=writer.user)  # the author's own reply is not a response

    readers.assign_readers(course=course, week=WEEK)
    # Four readings for six posts: the three quiet posts, then the least discussed one.
    assert {row.post_id for row in given(course)} == {p.pk for p in quiet} | {discussed[0].pk}
    assert Counter(row.reader_id for row in given(course)) == {first.pk: 2, second.pk: 2}


def test_fewer_than_two_when_there_are_not_enough_classmates_posts(course):
    alone, other, silent = students(course, 3)
    post = write(course, alone)

    readers.assign_readers(course=course, week=WEEK)
    rows = given(course)
    assert {(row.reader_id, row.post_id) for row in rows} == {(other.pk, post.pk), (silent.pk, post.pk)}


def test_only_students_live_posts_of_the_week_before_in_the_course_zone(course):
    a, b, c = students(course, 3)
    # Sunday 15 Nov, 23:30 in New York (Monday 04:30 UTC): still last week in the course's zone.
    late_sunday = write(course, a, when=datetime.datetime(2026, 11, 16, 4, 30, tzinfo=datetime.UTC))
    # Monday 9 Nov, 00:30 in New York: the first minutes of last week.
    early_monday = write(course, b, when=datetime.datetime(2026, 11, 9, 5, 30, tzinfo=datetime.UTC))
    write(course, c, when=datetime.datetime(2026, 11, 9, 4, 30, tzinfo=datetime.UTC))  # Sunday 8 Nov local
    write(course, c, when=datetime.datetime(2026, 11, 16, 5, 30, tzinfo=datetime.UTC))  # this week
    DraftFactory(course=course, author=c.user)
    teacher = InstructorFactory(course=course)
    write(course, teacher)  # an instructor's post is not a classmate's

    readers.assign_readers(course=course, week=WEEK)
    assert {row.post_id for row in given(course)} == {late_sunday.pk, early_monday.pk}


def test_running_twice_adds_nothing(course):
    members = students(course, 5)
    for m in members:
        write(course, m)
    assert readers.assign_readers(course=course, week=WEEK) == 10
    before = {(row.reader_id, row.post_id) for row in given(course)}

    assert readers.assign_readers(course=course, week=WEEK) == 0
    assert {(row.reader_id, row.post_id) for row in given(course)} == before


def test_a_student_who_joined_later_is_given_theirs_and_nobody_else_more(course):
    members = students(course, 4)
    for m in members:
        write(course, m)
    readers.assign_readers(course=course, week=WEEK)
    newcomer = MembershipFactory(course=course)

    assert readers.assign_readers(course=course, week=WEEK) == 2
    assert Counter(row.reader_id for row in given(course)) == {**{m.pk: 2 for m in members}, newcomer.pk: 2}


def test_the_draw_is_the_same_for_the_same_data(course):
    members = students(course, 7)
    for m in members:
        write(course, m)
    readers.assign_readers(course=course, week=WEEK)
    first = {(row.reader_id, row.post_id) for row in given(course)}
    ReaderAssignment.objects.all().delete()

    readers.assign_readers(course=course, week=WEEK)
    assert {(row.reader_id, row.post_id) for row in given(course)} == first


def test_tick_gives_this_weeks_readings_once_and_only_where_the_course_asks(course):
    members = students(course, 3)
    for m in members:
        write(course, m)
    other = CourseFactory(time_zone=NEW_YORK, assign_readers=False)
    for m in students(other, 3):
        write(other, m)

    lines = readers.run_due(NOW)
    assert lines == [f"readers: {course.slug}, week of 2026-11-16: 6 readings given"]
    assert len(given(course)) == 6
    assert given(other) == []

    assert readers.run_due(NOW) == []  # the week has its readings
    assert len(given(course)) == 6


def test_tick_uses_the_course_week_at_the_zone_boundary(db):
    course = CourseFactory(time_zone=NEW_YORK, assign_readers=True)
    members = students(course, 3)
    # Sunday 22 Nov, 23:00 in New York is Monday 04:00 UTC: the course's week is still that of 16 Nov.
    sunday_night = datetime.datetime(2026, 11, 23, 4, 0, tzinfo=datetime.UTC)
    for m in members:
        write(course, m, when=datetime.datetime(2026, 11, 18, 15, 0, tzinfo=datetime.UTC))
    with time_machine.travel(sunday_night, tick=False):
        readers.run_due(sunday_night)
    assert given(course, week=datetime.date(2026, 11, 23)) == []
    assert len(given(course, week=WEEK)) == 0  # that week's readings come from the week of 9 Nov: none

    monday = datetime.datetime(2026, 11, 23, 5, 1, tzinfo=datetime.UTC)  # 00:01 on Monday in New York
    with time_machine.travel(monday, tick=False):
        readers.run_due(monday)
    assert len(given(course, week=datetime.date(2026, 11, 23))) == 6


def test_readings_are_marked_done_by_an_approved_comment(course):
    reader, a, b = students(course, 3)
    write(course, a)
    write(course, b)
    readers.assign_readers(course=course, week=WEEK)
    mine = list(readers.readings(reader, WEEK))
    assert len(mine) == 2 and not any(r.done for r in mine)

    CommentFactory(post=mine[0].post, author=reader.user, status="pending")
    assert [r.done for r in readers.readings(reader, WEEK)] == [False, False]
    CommentFactory(post=mine[0].post, author=reader.user)
    assert [r.done for r in readers.readings(reader, WEEK)] == [True, False]


def test_an_archived_course_gives_no_readings(course):
    for m in students(course, 3):
        write(course, m)
    course.archived_at = NOW
    course.save()
    assert readers.run_due(NOW) == []
    assert given(course) == []
