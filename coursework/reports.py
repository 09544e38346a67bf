"""What instructors read in the admin: the moderation summary and the participation report.

Both are aggregate queries, a fixed number whatever the size of the class, over
the posts, comments and awards apps (coursework sits above all three).

The participation report's weeks are the course's (coursework.weeks: Monday at
midnight in Course.time_zone), so a post at 23:30 on Sunday in the course's zone
counts in the week it was written. The admin index's summary spans courses and
keeps the site's zone (TIME_ZONE).
"""

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Length, Replace, Trim, TruncWeek
from django.db.models.lookups import Exact
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from awards.models import Award
from comments.models import Comment
from courses.models import Course, Membership
from posts.models import Post

from . import prompts as prompt_rules
from . import weeks as course_weeks
from .models import Accommodation, ReaderAssignment


def week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def _midnight(day: datetime.date, tz=None) -> datetime.datetime:
    """Midnight starting `day` in `tz` (the site's zone by default)."""
    if tz is None:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=tz)


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
    for _round in range(5):
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
        .filter(archived_at__isnull=True)  # an archived course's term is over: nothing to moderate
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
    ("student", gettext_lazy("Student")),
    ("username", gettext_lazy("Username")),
    ("week", gettext_lazy("Week of")),
    ("posts", gettext_lazy("Posts published")),
    ("post_words", gettext_lazy("Words in posts")),
    ("comments", gettext_lazy("Comments (approved)")),
    ("comment_words", gettext_lazy("Words in comments")),
    ("awards", gettext_lazy("Awards received")),
    ("commented_posts", gettext_lazy("Own posts commented on by others")),
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
    # The course's own columns (per prompt, readings), by column key; "" where a cell is blank.
    extra: dict = field(default_factory=dict)

    def value(self, key: str):
        return getattr(self, key) if key in SORTABLE else self.extra.get(key, "")

    def values(self, columns=COLUMNS) -> list:
        return [self.value(key) for key, _ in columns]


@dataclass
class ParticipationReport:
    course: Course
    start: datetime.date
    end: datetime.date
    weeks: list[datetime.date]
    rows: list[ParticipationRow]
    sort: str
    per_week: bool = True
    extra_columns: list[tuple[str, str]] = field(default_factory=list)

    @property
    def columns(self):
        """What the table and the CSV both show: no week column in the per-student totals."""
        base = [(key, str(label)) for key, label in COLUMNS if self.per_week or key != "week"]
        return base + self.extra_columns

    def table(self) -> list[list]:
        """The cells of the HTML table and of the CSV, the same values for both."""
        return [
            [v.isoformat() if isinstance(v, datetime.date) else v for v in row.values(self.columns)]
            for row in self.rows
        ]

    def to_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([_csv_safe(label) for _, label in self.columns])  # a prompt's title is a label
        for values in self.table():
            writer.writerow([_csv_safe(value) for value in values])
        return out.getvalue()


def _csv_safe(value):
    # A display name is written by a student: never let a spreadsheet run it as a formula.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def default_range(
    today: datetime.date | None = None, course: Course | None = None
) -> tuple[datetime.date, datetime.date]:
    """The last four weeks: this week and the three before it (today in the course's zone)."""
    if today is None:
        today = timezone.localdate(timezone=course.tz if course is not None else None)
    return week_start(today) - datetime.timedelta(weeks=3), today


def _week_of(value, tz) -> datetime.date:
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(tz)
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
    """Per student (and per week), in a fixed number of queries whatever the class size.

    Five aggregates, then for the prompts due in the range three more (their
    responses, accommodations, and the comments toward their requirements) and
    one for the readings of a course that assigns them.
    """
    tz = course.tz
    since, until = _midnight(start, tz), _midnight(end + datetime.timedelta(days=1), tz)
    weeks = []
    week = week_start(start)
    while week <= end:
        weeks.append(week)
        week += datetime.timedelta(weeks=1)

    students = list(
        Membership.objects.students()
        .filter(course=course)
        .order_by("display_name")
        .values_list("pk", "user_id", "display_name", "user__username")
    )
    cells = {}  # (user_id, week) -> {column: number}

    def add(queryset, user_key, week_field, **numbers):
        grouped = (
            queryset.order_by()
            .annotate(week=TruncWeek(week_field, tzinfo=tz))
            .values(user_key, "week")
            .annotate(**numbers)
            .values_list(user_key, "week", *numbers)
        )
        for user_id, week_value, *values in grouped:
            cell = cells.setdefault((user_id, _week_of(week_value, tz)), {})
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

    course_cells = _course_cells(course, since, until, students, weeks)

    rows = []
    for member_id, user_id, display_name, username in students:
        if per_week:
            for week in weeks:
                numbers = cells.get((user_id, week), {})
                extra = course_cells.for_week(member_id, week)
                rows.append(ParticipationRow(display_name, username, week, **numbers, extra=extra))
        else:
            total = ParticipationRow(display_name, username, None, extra=course_cells.totals(member_id))
            for week in weeks:
                for name, value in cells.get((user_id, week), {}).items():
                    setattr(total, name, getattr(total, name) + value)
            rows.append(total)

    key = sort.lstrip("-")
    keys = SORTABLE | {k for k, _ in course_cells.columns}
    if key not in keys or (key == "week" and not per_week):
        sort, key = "student", "student"

    def sort_value(row):
        value = row.value(key)
        return value.lower() if isinstance(value, str) else value

    rows.sort(key=lambda r: (r.student.lower(), r.username, r.week or start))  # ties stay in this order
    rows.sort(key=sort_value, reverse=sort.startswith("-"))
    return ParticipationReport(
        course=course,
        start=start,
        end=end,
        weeks=weeks,
        rows=rows,
        sort=sort,
        per_week=per_week,
        extra_columns=course_cells.columns,
    )


# --- The course's own columns: prompts and readings ----------------------------

READINGS = "readings"


def _prompt_key(prompt) -> str:
    return f"prompt-{prompt.pk}"


def _comments_key(prompt) -> str:
    return f"prompt-{prompt.pk}-comments"


def _standing_cell(prompt, published_at, accommodation, now) -> str:
    standing = prompt_rules.Standing.label(prompt_rules.standing(prompt, published_at, accommodation, now))
    if accommodation is not None and not accommodation.excused and accommodation.due_at is not None:
        return _("%(standing)s (extended)") % {"standing": standing}
    return standing


def _comments_cell(prompt, count: int, accommodation, now) -> str:
    if accommodation is not None and accommodation.excused:
        return prompt_rules.Standing.label(prompt_rules.Standing.EXCUSED)
    required = prompt.comments_required
    numbers = {"count": count, "required": required}
    if count >= required:
        return _("met (%(count)s/%(required)s)") % numbers
    if now <= (prompt.comments_due_at or prompt.due_at):
        return _("not yet (%(count)s/%(required)s)") % numbers
    return _("not met (%(count)s/%(required)s)") % numbers


def _readings_cell(done: int, given: int) -> str:
    return f"{done}/{given}" if given else ""


def _comment_counts(course, prompts) -> dict[tuple[int, int], int]:
    """(prompt id, author id) -> classmates' posts commented on within the prompt's window: one query."""
    required = [p for p in prompts if p.comments_required]
    if not required:
        return {}
    students = Membership.objects.students().filter(course=course)
    counts = {
        f"p{p.pk}": Count("post", distinct=True, filter=prompt_rules.classmates_comment_filter(p))
        for p in required
    }
    grouped = (
        Comment.objects.filter(post__course=course, author__in=students.values("user"))
        .order_by()
        .values("author")
        .annotate(**counts)
    )
    return {(p.pk, row["author"]): row[f"p{p.pk}"] or 0 for row in grouped for p in required}


@dataclass
class CourseCells:
    """The course's own columns and each student's cells in them."""

    columns: list[tuple[str, str]] = field(default_factory=list)
    # member id -> {(column key, week): text}: a prompt's cells sit in the week its due time falls in.
    prompt_cells: dict = field(default_factory=dict)
    # member id -> {week: (done, given)}
    readings: dict = field(default_factory=dict)
    has_readings: bool = False

    def for_week(self, member_id, week) -> dict:
        extra = {key: text for (key, on), text in self.prompt_cells.get(member_id, {}).items() if on == week}
        if self.has_readings:
            extra[READINGS] = _readings_cell(*self.readings.get(member_id, {}).get(week, (0, 0)))
        return extra

    def totals(self, member_id) -> dict:
        extra = {key: text for (key, _), text in self.prompt_cells.get(member_id, {}).items()}
        if self.has_readings:
            weekly = self.readings.get(member_id, {}).values()
            extra[READINGS] = _readings_cell(sum(d for d, _ in weekly), sum(g for _, g in weekly))
        return extra


def _course_cells(course, since, until, students, weeks) -> CourseCells:
    """The prompts due in [since, until) and the readings: at most five queries, whatever the numbers."""
    now = timezone.now()
    result = CourseCells()
    user_of = {member_id: user_id for member_id, user_id, _, _ in students}
    prompts = list(prompt_rules.due_in(course, since, until))
    if prompts:
        ids = [p.pk for p in prompts]
        # A student's earliest live response decides: a late second post does not undo an on-time one.
        first_published = {
            (row["prompt"], row["post__author"]): row["first"]
            for row in prompt_rules.live_responses(ids)
            .order_by()
            .values("prompt", "post__author")
            .annotate(first=Min("post__published_at"))
        }
        accommodations = {
            (a.prompt_id, a.member_id): a for a in Accommodation.objects.filter(prompt__in=ids).order_by()
        }
        comment_counts = _comment_counts(course, prompts)
        for prompt in prompts:
            result.columns.append((_prompt_key(prompt), prompt.title))
            if prompt.comments_required:
                result.columns.append(
                    (_comments_key(prompt), _("%(title)s: comments") % {"title": prompt.title})
                )
            week = course_weeks.week_of(course, prompt.due_at)
            for member_id, user_id in user_of.items():
                own = result.prompt_cells.setdefault(member_id, {})
                accommodation = accommodations.get((prompt.pk, member_id))
                published_at = first_published.get((prompt.pk, user_id))
                own[(_prompt_key(prompt), week)] = _standing_cell(prompt, published_at, accommodation, now)
                if prompt.comments_required:
                    count = comment_counts.get((prompt.pk, user_id), 0)
                    own[(_comments_key(prompt), week)] = _comments_cell(prompt, count, accommodation, now)
    if course.assign_readers:
        result.has_readings = True
        result.columns.append((READINGS, _("Readings answered")))
        answered = Comment.objects.approved().filter(post=OuterRef("post"), author=OuterRef("reader__user"))
        given = (
            ReaderAssignment.objects.filter(course=course, week__in=weeks)
            .order_by()
            .annotate(done=Exists(answered.order_by()))
            .values_list("reader", "week", "done")
        )
        for member_id, week, done in given:
            own = result.readings.setdefault(member_id, {})
            was_done, was_given = own.get(week, (0, 0))
            own[week] = (was_done + int(done), was_given + 1)
    return result
