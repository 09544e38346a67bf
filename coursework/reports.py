"""What instructors read in the admin: the moderation summary and the participation report.

Both are aggregate queries, a fixed number whatever the size of the class, over
the posts, comments and awards apps (coursework sits above all three).

A week starts on Monday at midnight in the site's time zone (TIME_ZONE).
"""

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, Length, Replace, Trim, TruncWeek
from django.db.models.lookups import Exact
from django.urls import reverse
from django.utils import timezone

from awards.models import Award
from comments.models import Comment
from courses.models import Course, Membership
from posts.models import Post


def week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _count(queryset, group_by: str):
    """A correlated COUNT(*) of `queryset` rows for the outer row, 0 when none."""
    counted = queryset.order_by().values(group_by).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def word_count(field_name: str):
    """Words in a text column, counted by the database: whitespace-separated runs.

    Newlines and tabs become spaces, runs of up to 32 spaces collapse to one,
    then words = spaces + 1. Markdown punctuation standing alone ("-", ">")
    counts as a word; Post.word_count (counted on the rendered text) does not.
    """
    text = F(field_name)
    for whitespace in ("\r", "\n", "\t"):
        text = Replace(text, Value(whitespace), Value(" "))
    for _ in range(5):
        text = Replace(text, Value("  "), Value(" "))
    text = Trim(text)
    return Case(
        When(Exact(Length(text), 0), then=Value(0)),
        default=Length(text) - Length(Replace(text, Value(" "), Value(""))) + 1,
        output_field=IntegerField(),
    )


# --- The admin index's moderation summary ------------------------------------


@dataclass
class CourseSummary:
    course: Course
    comments_waiting: int
    posts_this_week: int
    awards_this_week: int
    quiet_students: list[str] = field(default_factory=list)

    @property
    def comments_waiting_url(self) -> str:
        url = reverse("admin:comments_comment_changelist")
        return f"{url}?status__exact=pending&course={self.course.pk}"


def moderation_summary(*, user, now: datetime.datetime | None = None) -> list[CourseSummary]:
    """One row per course the user teaches. Two queries, however many courses and students."""
    now = now or timezone.now()
    since = _midnight(week_start(timezone.localdate(now)))
    published_this_week = Post.objects.published().filter(published_at__gte=since, published_at__lte=now)
    courses = list(
        Course.objects.taught_by(user)
        .annotate(
            comments_waiting=_count(
                Comment.objects.pending().filter(post__course=OuterRef("pk")),
                "post__course",
            ),
            posts_this_week=_count(published_this_week.filter(course=OuterRef("pk")), "course"),
            awards_this_week=_count(
                Award.objects.active().filter(post__course=OuterRef("pk"), given_at__gte=since),
                "post__course",
            ),
        )
        .order_by("title")
    )
    quiet = (
        Membership.objects.students()
        .filter(course__in=[c.pk for c in courses])
        .annotate(
            posted=Exists(
                published_this_week.filter(course=OuterRef("course"), author=OuterRef("user")).order_by()
            )
        )
        .filter(posted=False)
        .order_by("display_name")
        .values_list("course_id", "display_name")
    )
    names = {}
    for course_id, display_name in quiet if courses else []:
        names.setdefault(course_id, []).append(display_name)
    return [
        CourseSummary(
            course=c,
            comments_waiting=c.comments_waiting,
            posts_this_week=c.posts_this_week,
            awards_this_week=c.awards_this_week,
            quiet_students=names.get(c.pk, []),
        )
        for c in courses
    ]


# --- The participation report --------------------------------------------------

COLUMNS = [
    ("student", "Student"),
    ("username", "Username"),
    ("week", "Week of"),
    ("posts", "Posts published"),
    ("post_words", "Words in posts"),
    ("comments", "Comments (approved)"),
    ("comment_words", "Words in comments"),
    ("awards", "Awards received"),
    ("commented_posts", "Own posts commented on by others"),
]
NUMBERS = ["posts", "post_words", "comments", "comment_words", "awards", "commented_posts"]
SORTABLE = {key for key, _ in COLUMNS}
MAX_WEEKS = 26


@dataclass
class ParticipationRow:
    student: str
    username: str
    week: datetime.date | None  # None in the per-student totals
    posts: int = 0
    post_words: int = 0
    comments: int = 0
    comment_words: int = 0
    awards: int = 0
    commented_posts: int = 0

    def values(self, columns=COLUMNS) -> list:
        return [getattr(self, key) for key, _ in columns]


@dataclass
class ParticipationReport:
    course: Course
    start: datetime.date
    end: datetime.date
    weeks: list[datetime.date]
    rows: list[ParticipationRow]
    sort: str
    per_week: bool = True

    @property
    def columns(self):
        """What the table and the CSV both show: no week column in the per-student totals."""
        return [(key, label) for key, label in COLUMNS if self.per_week or key != "week"]

    def table(self) -> list[list]:
        """The cells of the HTML table and of the CSV, the same values for both."""
        return [
            [v.isoformat() if isinstance(v, datetime.date) else v for v in row.values(self.columns)]
            for row in self.rows
        ]

    def to_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([label for _, label in self.columns])
        for values in self.table():
            writer.writerow([_csv_safe(value) for value in values])
        return out.getvalue()


def _csv_safe(value):
    # A display name is written by a student: never let a spreadsheet run it as a formula.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def default_range(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The last four weeks: this week and the three before it."""
    today = today or timezone.localdate()
    return week_start(today) - datetime.timedelta(weeks=3), today


def _week_of(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    return value


def participation_report(
    *,
    course: Course,
    start: datetime.date,
    end: datetime.date,
    sort: str = "student",
    per_week: bool = True,
) -> ParticipationReport:
    """Per student (and per week), from five aggregate queries whatever the class size."""
    since, until = _midnight(start), _midnight(end + datetime.timedelta(days=1))
    weeks = []
    week = week_start(start)
    while week <= end:
        weeks.append(week)
        week += datetime.timedelta(weeks=1)

    students = list(
        Membership.objects.students()
        .filter(course=course)
        .order_by("display_name")
        .values_list("user_id", "display_name", "user__username")
    )
    cells = {}  # (user_id, week) -> {column: number}

    def add(queryset, user_key, week_field, **numbers):
        grouped = (
            queryset.order_by()
            .annotate(week=TruncWeek(week_field))
            .values(user_key, "week")
            .annotate(**numbers)
            .values_list(user_key, "week", *numbers)
        )
        for user_id, week_value, *values in grouped:
            cell = cells.setdefault((user_id, _week_of(week_value)), {})
            for name, value in zip(numbers, values, strict=True):
                cell[name] = value or 0

    published = Post.objects.published().filter(
        course=course, published_at__gte=since, published_at__lt=until
    )
    add(published, "author", "published_at", posts=Count("pk"), post_words=Sum("word_count"))
    approved = Comment.objects.approved().filter(
        post__course=course, created_at__gte=since, created_at__lt=until
    )
    add(
        approved.filter(author__isnull=False),
        "author",
        "created_at",
        comments=Count("pk"),
        comment_words=Sum(word_count("body")),
    )
    add(
        Award.objects.active().filter(post__course=course, given_at__gte=since, given_at__lt=until),
        "post__author",
        "given_at",
        awards=Count("pk"),
    )
    add(
        approved.filter(~Q(author=F("post__author"))),
        "post__author",
        "created_at",
        commented_posts=Count("post", distinct=True),
    )

    rows = []
    for user_id, display_name, username in students:
        if per_week:
            for week in weeks:
                rows.append(ParticipationRow(display_name, username, week, **cells.get((user_id, week), {})))
        else:
            total = ParticipationRow(display_name, username, None)
            for week in weeks:
                for name, value in cells.get((user_id, week), {}).items():
                    setattr(total, name, getattr(total, name) + value)
            rows.append(total)

    key = sort.lstrip("-")
    if key not in SORTABLE or (key == "week" and not per_week):
        sort, key = "student", "student"

    def sort_value(row):
        value = getattr(row, key)
        return value.lower() if isinstance(value, str) else value

    rows.sort(key=lambda r: (r.student.lower(), r.username, r.week or start))  # ties stay in this order
    rows.sort(key=sort_value, reverse=sort.startswith("-"))
    return ParticipationReport(
        course=course, start=start, end=end, weeks=weeks, rows=rows, sort=sort, per_week=per_week
    )
