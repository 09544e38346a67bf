"""The participation report and the admin index's moderation summary."""

import csv
import datetime
import io

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from courses.models import Membership
from courses.services import instructor_grant
from coursework import reports
from posts.models import Post
from tests.admin.conftest import soup
from tests.factories import (
    AwardFactory,
    AwardTypeFactory,
    CategoryFactory,
    CommentFactory,
    CourseFactory,
    DraftFactory,
    InstructorFactory,
    MembershipFactory,
    PostFactory,
    UserFactory,
)

User = get_user_model()
NOW = datetime.datetime(2026, 11, 20, 12, 0, tzinfo=datetime.UTC)  # a Friday; weeks of Nov 9 and Nov 16


def at(day, hour=10):
    return datetime.datetime(2026, 11, day, hour, 0, tzinfo=datetime.UTC)


def comment(post, author, body, day, status="approved"):
    made = CommentFactory(post=post, author=author, body=body, status=status)
    Comment.objects.filter(pk=made.pk).update(created_at=at(day))
    return made


@pytest.fixture
def frozen(db):
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def term(frozen):
    """A course over two weeks: Ann writes and is awarded, Ben mostly comments, Cy does nothing."""
    course = CourseFactory(title="Soviet History", slug="soviet")
    teacher = InstructorFactory(course=course, user=UserFactory(username="teacher")).user
    instructor_grant(user=teacher)
    ann = MembershipFactory(course=course, user=UserFactory(username="ann"), display_name="Ann Archer").user
    ben = MembershipFactory(course=course, user=UserFactory(username="ben"), display_name="Ben Brook").user
    cy = MembershipFactory(course=course, user=UserFactory(username="cy"), display_name="Cy Cole").user
    category = CategoryFactory(course=course)

    def post(author, body, day, **kwargs):
        return PostFactory(
            course=course, author=author, body=body, published_at=at(day), category=category, **kwargs
        )

    p1 = post(ann, "one two three four five", 10)  # week 1, 5 words
    p2 = post(ann, "one two three four five six seven", 17)  # week 2, 7 words
    p3 = post(ben, "one two three", 18)  # week 2, 3 words
    post(ann, "too early to count", 2)  # before the range
    DraftFactory(course=course, author=cy, category=category, body="a draft is not published")

    comment(p1, ben, "nice work here", 11)  # Ben week 1: 3 words; Ann's post commented by another
    comment(p1, ben, "second  thought\nhere ok", 12)  # 4 words, odd spacing; same post again
    comment(p1, ann, "thanks", 12)  # Ann week 1: 1 word; her own post: not "by others"
    comment(p3, ann, "good point", 19)  # Ann week 2: 2 words; Ben's post commented by another
    comment(p2, teacher, "Read Freeze chapter twelve", 17)  # the instructor comments on Ann's week-2 post
    comment(p3, cy, "still waiting for approval", 19, status="pending")  # not counted
    comment(p2, ben, "buy cheap watches", 18, status="spam")  # not counted

    star = AwardTypeFactory(course=course, name="Red star", slug="red-star")
    flame = AwardTypeFactory(course=course, name="Flame", slug="flame")
    AwardFactory(post=p1, award_type=star, given_by=teacher, given_at=at(13))
    AwardFactory(post=p3, award_type=star, given_by=teacher, given_at=at(19))
    AwardFactory(
        post=p2,
        award_type=flame,
        given_by=teacher,
        given_at=at(19),
        revoked_at=at(19, 11),
        revoked_by=teacher,
    )
    return course, teacher


HEADER = [
    "Student",
    "Username",
    "Week of",
    "Posts published",
    "Words in posts",
    "Comments (approved)",
    "Words in comments",
    "Awards received",
    "Own posts commented on by others",
]
EXPECTED = [
    ["Ann Archer", "ann", "2026-11-09", "1", "5", "1", "1", "1", "1"],
    ["Ann Archer", "ann", "2026-11-16", "1", "7", "1", "2", "0", "1"],
    ["Ben Brook", "ben", "2026-11-09", "0", "0", "2", "7", "0", "0"],
    ["Ben Brook", "ben", "2026-11-16", "1", "3", "0", "0", "1", "1"],
    ["Cy Cole", "cy", "2026-11-09", "0", "0", "0", "0", "0", "0"],
    ["Cy Cole", "cy", "2026-11-16", "0", "0", "0", "0", "0", "0"],
]
RANGE = {"start": "2026-11-09", "end": "2026-11-20", "by": "week"}


def report_url(course):
    return reverse("admin:courses_course_participation", args=[course.pk])


def html_table(response):
    table = soup(response).select_one("table#participation")
    header = [th.get_text(strip=True) for th in table.select("thead th")]
    rows = [[cell.get_text(strip=True) for cell in tr.select("th, td")] for tr in table.select("tbody tr")]
    return header, rows


def csv_table(response):
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    return rows[0], rows[1:]


def test_numbers_per_student_per_week(term, client):
    course, teacher = term
    client.force_login(teacher)
    response = client.get(report_url(course), RANGE)
    assert response.status_code == 200
    assert html_table(response) == (HEADER, EXPECTED)


def test_csv_equals_the_table(term, client):
    course, teacher = term
    client.force_login(teacher)
    for params in (RANGE, {**RANGE, "sort": "-comment_words"}, {**RANGE, "by": "student"}):
        table = html_table(client.get(report_url(course), params))
        assert csv_table(client.get(report_url(course), {**params, "format": "csv"})) == table


def test_totals_per_student(term, client):
    course, teacher = term
    client.force_login(teacher)
    header, rows = html_table(client.get(report_url(course), {**RANGE, "by": "student"}))
    assert "Week of" not in header
    assert rows == [
        ["Ann Archer", "ann", "2", "12", "2", "3", "1", "2"],
        ["Ben Brook", "ben", "1", "3", "2", "7", "1", "1"],
        ["Cy Cole", "cy", "0", "0", "0", "0", "0", "0"],
    ]


def test_sort_by_a_column_and_reverse(term, client):
    course, teacher = term
    client.force_login(teacher)
    _, rows = html_table(client.get(report_url(course), {**RANGE, "sort": "-post_words"}))
    assert [(r[1], r[4]) for r in rows[:3]] == [("ann", "7"), ("ann", "5"), ("ben", "3")]
    _, rows = html_table(client.get(report_url(course), {**RANGE, "sort": "comments"}))
    assert [r[5] for r in rows] == ["0", "0", "0", "1", "1", "2"]
    # The heading of the sorted column links to the reverse order.
    page = soup(client.get(report_url(course), {**RANGE, "sort": "comments"}))
    link = page.find("a", string="Comments (approved)")
    assert "sort=-comments" in link["href"]


def test_unknown_sort_falls_back_to_students(term, client):
    course, teacher = term
    client.force_login(teacher)
    _, rows = html_table(client.get(report_url(course), {**RANGE, "sort": "password"}))
    assert rows == EXPECTED


def test_default_range_is_the_last_four_weeks(term, client):
    course, teacher = term
    client.force_login(teacher)
    _, rows = html_table(client.get(report_url(course)))
    assert sorted({r[2] for r in rows}) == ["2026-10-26", "2026-11-02", "2026-11-09", "2026-11-16"]
    assert len(rows) == 4 * 3
    assert ["Ann Archer", "ann", "2026-11-02", "1", "4", "0", "0", "0", "0"] in rows  # the early post


def test_bad_range_is_explained_and_the_default_shown(term, client):
    course, teacher = term
    client.force_login(teacher)
    response = client.get(report_url(course), {"start": "2026-11-20", "end": "2026-11-01", "by": "week"})
    assert response.status_code == 200
    assert "The end date is before the start date." in response.content.decode()
    assert len(html_table(response)[1]) == 4 * 3


def test_other_instructor_gets_404(term, client, other_instructor):
    course, _ = term
    instructor_grant(user=other_instructor)
    client.force_login(other_instructor)
    assert client.get(report_url(course), RANGE).status_code == 404
    assert client.get(report_url(course), {**RANGE, "format": "csv"}).status_code == 404


def test_csv_neutralises_spreadsheet_formulas(term, client):
    course, teacher = term
    Membership.objects.filter(user__username="cy").update(display_name='=HYPERLINK("http://x.example")')
    client.force_login(teacher)
    _, rows = csv_table(client.get(report_url(course), {**RANGE, "format": "csv"}))
    assert rows[0][0] == '\'=HYPERLINK("http://x.example")'


def _add_students(course, count, category):
    users = User.objects.bulk_create(
        [User(username=f"bulk{course.pk}-{n}", email=f"b{n}@example.edu") for n in range(count)]
    )
    users = list(User.objects.filter(username__startswith=f"bulk{course.pk}-"))
    Membership.objects.bulk_create(
        [Membership(course=course, user=u, display_name=u.username, role="student") for u in users]
    )
    Post.objects.bulk_create(
        [
            Post(
                course=course,
                author=u,
                title=f"t{u.pk}",
                slug=f"t{u.pk}",
                body="x",
                word_count=1,
                status="published",
                published_at=at(17),
                category=category,
            )
            for u in users
        ]
    )


def test_query_count_does_not_grow_with_students(frozen, client):
    def count_queries(students):
        course = CourseFactory()
        teacher = InstructorFactory(course=course).user
        instructor_grant(user=teacher)
        _add_students(course, students, CategoryFactory(course=course))
        client.force_login(teacher)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(report_url(course), RANGE)
        assert len(html_table(response)[1]) == students * 2
        return len(queries)

    assert count_queries(5) == count_queries(200)


# --- The moderation summary on the admin index --------------------------------


def summary_row(response, course):
    return soup(response).select_one(f'#moderation-summary [data-course="{course.slug}"]')


def test_index_shows_the_week_of_each_taught_course(term, client):
    course, teacher = term
    client.force_login(teacher)
    row = summary_row(client.get(reverse("admin:index")), course)
    assert row.select_one(".comments-waiting").get_text(strip=True) == "1 waiting"
    # This week (from Monday Nov 16): Ann's and Ben's posts; one standing award (one was revoked).
    assert row.select_one(".posts-this-week").get_text(strip=True) == "2"
    assert row.select_one(".awards-this-week").get_text(strip=True) == "1"
    assert row.select_one(".quiet-students").get_text(strip=True) == "Cy Cole"


def test_waiting_link_lists_the_course_pending_comments(term, client, course_b):
    course, teacher = term
    client.force_login(teacher)
    link = summary_row(client.get(reverse("admin:index")), course).select_one(".comments-waiting a")["href"]
    page = client.get(link)
    assert page.status_code == 200
    text = page.content.decode()
    assert "still waiting for approval" in text
    assert "nice work here" not in text  # approved: not waiting
    assert "Pending comment in B" not in text


def test_approving_from_the_list_empties_the_summary(term, client):
    course, teacher = term
    client.force_login(teacher)
    waiting = Comment.objects.get(status="pending", post__course=course)
    client.post(
        reverse("admin:comments_comment_changelist"),
        {"action": "approve", "_selected_action": [waiting.pk], "index": "0"},
    )
    waiting.refresh_from_db()
    assert waiting.status == "approved"
    row = summary_row(client.get(reverse("admin:index")), course)
    assert row.select_one(".comments-waiting").get_text(strip=True) == "None waiting"


def test_index_shows_nothing_of_other_courses(term, client, course_b):
    course, teacher = term
    client.force_login(course_b.instructor)
    response = client.get(reverse("admin:index"))
    assert summary_row(response, course) is None
    assert summary_row(response, course_b.course) is not None
    assert "Soviet History" not in response.content.decode()


def test_summary_takes_two_queries_however_many_courses_and_students(frozen, django_assert_num_queries):
    teacher = UserFactory()
    for n, title in enumerate(["Alpha", "Beta", "Gamma"]):
        course = CourseFactory(title=title)
        InstructorFactory(course=course, user=teacher)
        for _ in range(n * 5):
            PostFactory(course=course, published_at=timezone.now())
            MembershipFactory(course=course)
    with django_assert_num_queries(2):
        summaries = reports.moderation_summary(user=teacher)
    assert [s.posts_this_week for s in summaries] == [0, 5, 10]
    assert [len(s.quiet_students) for s in summaries] == [0, 5, 10]


def test_dates_at_the_end_of_the_calendar_are_explained_not_a_server_error(term, client):
    course, teacher = term
    client.force_login(teacher)
    for query in ({"start": "9999-12-30", "end": "9999-12-31"}, {"start": "0001-01-01", "end": "0001-01-02"}):
        response = client.get(report_url(course), {**query, "by": "week"})
        assert response.status_code == 200
        assert "Choose a date between 2000 and 2199." in response.content.decode()
        assert len(html_table(response)[1]) == 4 * 3  # the default range is shown instead
