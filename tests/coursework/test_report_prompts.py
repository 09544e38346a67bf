"""The participation report's per-prompt columns, comment requirements and readings, in the course's zone."""

import datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.text import slugify

from comments.models import Comment
from courses.models import Membership
from courses.services import instructor_grant
from coursework.models import Accommodation, Prompt, PromptResponse, ReaderAssignment
from posts.models import Post
from tests.coursework.test_reports import csv_table, html_table, report_url
from tests.factories import (
    CategoryFactory,
    CommentFactory,
    CourseFactory,
    InstructorFactory,
    MembershipFactory,
    PostFactory,
    UserFactory,
)

User = get_user_model()
NEW_YORK = datetime.timezone(datetime.timedelta(hours=-5))  # New York in November (EST), for writing times
NOW = datetime.datetime(2026, 11, 25, 17, 0, tzinfo=datetime.UTC)  # Wednesday 25 Nov: both prompts are past
RANGE = {"start": "2026-11-09", "end": "2026-11-22", "by": "week"}
BASE_COLUMNS = 9  # the report's own columns, before the course's


def ny(day, hour, minute=0):
    """A moment written as New York's wall clock in November 2026."""
    return datetime.datetime(2026, 11, day, hour, minute, tzinfo=NEW_YORK)


def make_prompt(course, title, opens_at, due_at, **kwargs):
    return Prompt.objects.create(
        course=course,
        title=title,
        slug=slugify(title),
        body="Write on the sources.",
        opens_at=opens_at,
        due_at=due_at,
        **kwargs,
    )


def respond(prompt, member, at, **kwargs):
    post = PostFactory(course=prompt.course, author=member.user, published_at=at, **kwargs)
    PromptResponse.objects.create(post=post, prompt=prompt)
    return post


def comment(post, member, at, status="approved"):
    made = CommentFactory(post=post, author=member.user, status=status)
    Comment.objects.filter(pk=made.pk).update(created_at=at)
    return made


@pytest.fixture
def frozen(db):
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def term(frozen):
    """A course in New York on a site in UTC, with two prompts due at 23:59 local."""
    course = CourseFactory(title="Soviet History", slug="soviet", time_zone="America/New_York")
    teacher = InstructorFactory(course=course, user=UserFactory(username="teacher")).user
    instructor_grant(user=teacher)
    ann = MembershipFactory(course=course, user=UserFactory(username="ann"), display_name="Ann Archer")
    ben = MembershipFactory(course=course, user=UserFactory(username="ben"), display_name="Ben Brook")
    cy = MembershipFactory(course=course, user=UserFactory(username="cy"), display_name="Cy Cole")

    thaw = make_prompt(
        course,
        "The Thaw",
        opens_at=ny(9, 9),
        due_at=ny(13, 23, 59),  # Friday 23:59 local: Saturday 04:59 UTC
        comments_required=2,
        comments_due_at=ny(15, 23, 59),
    )
    # Sunday 22 Nov, 23:59 local is Monday 23 Nov 04:59 UTC: the course's week of 16 Nov, not the site's next.
    stagnation = make_prompt(course, "Stagnation", opens_at=ny(16, 9), due_at=ny(22, 23, 59))
    make_prompt(course, "Perestroika", opens_at=ny(23, 9), due_at=ny(27, 23, 59))  # due after the range

    respond(thaw, ann, ny(13, 23, 58))  # on time by a minute
    bens = respond(thaw, ben, ny(14, 0, 1))  # late by two minutes
    cys = PostFactory(course=course, author=cy.user, published_at=ny(10, 12), title="Cy's notes")  # no answer
    bens_other = PostFactory(course=course, author=ben.user, published_at=ny(11, 12))
    anns_first = respond(stagnation, ann, ny(23, 0, 1))  # a minute after the due time: late
    Accommodation.objects.create(prompt=stagnation, member=ben, excused=True)
    Accommodation.objects.create(prompt=stagnation, member=cy, due_at=ny(24, 23, 59))
    respond(stagnation, cy, ny(23, 12))  # late but for the extension

    comment(bens, ann, ny(14, 9))
    comment(cys, ann, ny(14, 10))
    comment(bens_other, ann, ny(15, 23, 0))  # Ann: three classmates' posts in the window
    comment(cys, ben, ny(12, 9))  # Ben: one classmate's post...
    comment(cys, ben, ny(12, 10))  # ... twice is still one post
    comment(bens, ben, ny(14, 9))  # his own post does not count
    comment(bens_other, cy, ny(16, 0, 30))  # Cy: after the comments' due time (Sunday 23:59 local)
    comment(anns_first, cy, ny(14, 11), status="pending")  # not approved
    return course, teacher, {"thaw": thaw, "stagnation": stagnation}


HEADER_EXTRA = ["The Thaw", "The Thaw: comments", "Stagnation"]
PER_WEEK = [
    # student, week, the three prompt columns
    ["Ann Archer", "2026-11-09", "on time", "met (3/2)", ""],
    ["Ann Archer", "2026-11-16", "", "", "late"],
    ["Ben Brook", "2026-11-09", "late", "not met (1/2)", ""],
    ["Ben Brook", "2026-11-16", "", "", "excused"],
    ["Cy Cole", "2026-11-09", "missing", "not met (0/2)", ""],
    ["Cy Cole", "2026-11-16", "", "", "on time (extended)"],
]


def prompt_cells(rows, with_week=True):
    return [[r[0], r[2], *r[BASE_COLUMNS:]] if with_week else [r[0], *r[BASE_COLUMNS - 1 :]] for r in rows]


def test_per_prompt_columns_in_the_week_each_prompt_was_due(term, client):
    course, teacher, _ = term
    client.force_login(teacher)
    header, rows = html_table(client.get(report_url(course), RANGE))
    assert header[BASE_COLUMNS:] == HEADER_EXTRA  # Perestroika is due after the range: no column
    assert prompt_cells(rows) == PER_WEEK


def test_per_student_totals_show_every_prompt(term, client):
    course, teacher, _ = term
    client.force_login(teacher)
    header, rows = html_table(client.get(report_url(course), {**RANGE, "by": "student"}))
    assert header[BASE_COLUMNS - 1 :] == HEADER_EXTRA
    assert prompt_cells(rows, with_week=False) == [
        ["Ann Archer", "on time", "met (3/2)", "late"],
        ["Ben Brook", "late", "not met (1/2)", "excused"],
        ["Cy Cole", "missing", "not met (0/2)", "on time (extended)"],
    ]


def test_the_csv_shows_the_same_per_prompt_values_as_the_table(term, client):
    course, teacher, prompts = term
    client.force_login(teacher)
    by_prompt = f"prompt-{prompts['thaw'].pk}"
    for params in (RANGE, {**RANGE, "by": "student"}, {**RANGE, "sort": f"-{by_prompt}"}):
        table = html_table(client.get(report_url(course), params))
        assert csv_table(client.get(report_url(course), {**params, "format": "csv"})) == table
    assert table[0][BASE_COLUMNS:] == HEADER_EXTRA


def test_sorting_by_a_prompt_column(term, client):
    course, teacher, prompts = term
    client.force_login(teacher)
    params = {**RANGE, "by": "student", "sort": f"prompt-{prompts['thaw'].pk}"}
    _, rows = html_table(client.get(report_url(course), params))
    assert [(r[0], r[BASE_COLUMNS - 1]) for r in rows] == [
        ("Ben Brook", "late"),
        ("Cy Cole", "missing"),
        ("Ann Archer", "on time"),
    ]


def test_the_site_zone_would_have_missed_the_sunday_night_prompt(term, client):
    """The range ends on Sunday 22 Nov in New York: 04:59 UTC on Monday is still inside it."""
    course, teacher, _ = term
    client.force_login(teacher)
    header, rows = html_table(client.get(report_url(course), {**RANGE, "start": "2026-11-16"}))
    assert header[BASE_COLUMNS:] == ["Stagnation"]
    assert [r[BASE_COLUMNS] for r in rows] == ["late", "excused", "on time (extended)"]


def test_weeks_are_the_course_weeks(term, client):
    course, teacher, _ = term
    client.force_login(teacher)
    header, before = html_table(client.get(report_url(course), RANGE))
    posts = header.index("Posts published")
    ann = Membership.objects.get(course=course, user__username="ann")
    PostFactory(course=course, author=ann.user, published_at=ny(15, 23, 30))  # Sunday night: Monday in UTC
    _, after = html_table(client.get(report_url(course), RANGE))
    assert int(after[0][posts]) == int(before[0][posts]) + 1  # Ann's week of 9 Nov
    assert after[1][posts] == before[1][posts]


def test_before_the_due_times_a_student_is_not_yet_missing(term, client):
    course, teacher, _ = term
    client.force_login(teacher)
    with time_machine.travel(ny(13, 20), tick=False):  # Friday evening, before the Thaw is due
        _, rows = html_table(client.get(report_url(course), {**RANGE, "end": "2026-11-13"}))
    cy = [r for r in rows if r[0] == "Cy Cole"][0]
    assert cy[BASE_COLUMNS:] == ["not yet", "not yet (0/2)"]


def test_readings_answered_per_week_and_in_total(term, client):
    course, teacher, _ = term
    course.assign_readers = True
    course.save()
    ann = Membership.objects.get(course=course, user__username="ann")
    ben_posts = list(Post.objects.filter(course=course, author__username="ben").order_by("published_at"))
    cys = Post.objects.get(course=course, title="Cy's notes")
    week1, week2 = datetime.date(2026, 11, 9), datetime.date(2026, 11, 16)
    ReaderAssignment.objects.create(course=course, week=week1, reader=ann, post=cys)  # she commented: done
    ReaderAssignment.objects.create(course=course, week=week2, reader=ann, post=ben_posts[0])  # done
    ReaderAssignment.objects.create(course=course, week=week2, reader=ann, post=ben_posts[1])  # done
    other = PostFactory(course=course, author=Membership.objects.get(user__username="cy").user)
    ReaderAssignment.objects.create(course=course, week=week2, reader=ann, post=other)  # not answered
    client.force_login(teacher)

    header, rows = html_table(client.get(report_url(course), RANGE))
    assert header[-1] == "Readings answered"
    assert [(r[0], r[2], r[-1]) for r in rows] == [
        ("Ann Archer", "2026-11-09", "1/1"),
        ("Ann Archer", "2026-11-16", "2/3"),
        ("Ben Brook", "2026-11-09", ""),
        ("Ben Brook", "2026-11-16", ""),
        ("Cy Cole", "2026-11-09", ""),
        ("Cy Cole", "2026-11-16", ""),
    ]
    _, totals = html_table(client.get(report_url(course), {**RANGE, "by": "student"}))
    assert [(r[0], r[-1]) for r in totals] == [("Ann Archer", "3/4"), ("Ben Brook", ""), ("Cy Cole", "")]
    assert csv_table(client.get(report_url(course), {**RANGE, "format": "csv"})) == (header, rows)


def test_no_readings_column_where_the_course_gives_none(term, client):
    course, teacher, _ = term
    client.force_login(teacher)
    header, _ = html_table(client.get(report_url(course), RANGE))
    assert "Readings answered" not in header


def _fill(course, students, prompts):
    """`students` students who each answer and comment on `prompts` prompts, and are given readings."""
    category = CategoryFactory(course=course)
    users = User.objects.bulk_create(
        [User(username=f"fill{course.pk}-{n}", email=f"f{n}@example.edu") for n in range(students)]
    )
    users = list(User.objects.filter(username__startswith=f"fill{course.pk}-"))
    members = Membership.objects.bulk_create(
        [Membership(course=course, user=u, display_name=u.username, role="student") for u in users]
    )
    members = list(Membership.objects.filter(course=course, role="student"))
    posts = Post.objects.bulk_create(
        [
            Post(
                course=course,
                author=u,
                title=f"t{u.pk}-{n}",
                slug=f"t{u.pk}-{n}",
                body="x",
                status="published",
                published_at=ny(10 + n % 5, 12),
                category=category,
            )
            for u in users
            for n in range(prompts)
        ]
    )
    for n in range(prompts):
        prompt = make_prompt(
            course,
            f"Prompt {n}",
            opens_at=ny(9, 0),
            due_at=ny(13, 23, 59) + datetime.timedelta(days=7 * (n % 2)),
            comments_required=1,
            comments_due_at=ny(20, 23, 59),
        )
        mine = [p for p in posts if p.title.endswith(f"-{n}")]
        PromptResponse.objects.bulk_create([PromptResponse(post=p, prompt=prompt) for p in mine])
        Accommodation.objects.create(prompt=prompt, member=members[0], excused=True)
    Comment.objects.bulk_create(
        [
            Comment(post=posts[(i + 1) % len(posts)], author=u, body="a reply", status="approved")
            for i, u in enumerate(users)
        ]
    )
    ReaderAssignment.objects.bulk_create(
        [
            ReaderAssignment(course=course, week=datetime.date(2026, 11, 16), reader=m, post=posts[-1])
            for m in members
        ]
    )


def test_query_count_does_not_grow_with_students_and_prompts(frozen, client):
    def count_queries(students, prompts, by):
        course = CourseFactory(time_zone="America/New_York", assign_readers=True)
        teacher = InstructorFactory(course=course).user
        instructor_grant(user=teacher)
        _fill(course, students, prompts)
        client.force_login(teacher)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(report_url(course), {**RANGE, "by": by})
        header, rows = html_table(response)
        assert len(header) == BASE_COLUMNS - (by == "student") + 2 * prompts + 1
        assert len(rows) == students * (2 if by == "week" else 1)
        return len(queries)

    for by in ("week", "student"):
        assert count_queries(1, 1, by) == count_queries(40, 8, by)


def test_a_prompt_title_cannot_run_as_a_spreadsheet_formula(term, client):
    course, teacher, prompts = term
    Prompt.objects.filter(pk=prompts["stagnation"].pk).update(title='=HYPERLINK("http://x.example")')
    client.force_login(teacher)
    header, _ = csv_table(client.get(report_url(course), {**RANGE, "format": "csv"}))
    assert header[-1] == '\'=HYPERLINK("http://x.example")'
