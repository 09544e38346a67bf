"""Students' Choice: each week the class votes for one post of the week, and the close awards the winner.

A student member may vote for one live post published in the week (in the
course's zone) by someone else, and change or withdraw the vote until the week
closes. Nobody sees a count before the close, instructors included: the week
page is the same whatever the votes, but for the voter's own mark. The week
closes at its end (`manage.py tick`, run_due) or early, by an instructor; the
close is one ChoiceClose row, and the post(s) with most votes receive the
course's "Students' Choice" award through awards.services, whose banner then
shows on the post.

Votes and the close both lock the course's row first, so a vote landing while
the week closes is either counted or refused, never lost from the tally.
"""

import datetime
import logging
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from awards.models import Award, AwardType, Symbol
from awards.permissions import AwardRefused
from awards.services import award_grant_by_vote
from courses.models import Course, Membership
from posts.models import Post

from . import weeks
from .models import ChoiceClose, Vote

logger = logging.getLogger(__name__)

STUDENTS_CHOICE_SLUG = "students-choice"
STUDENTS_CHOICE_NAME = "Students' Choice"
STUDENTS_CHOICE_BANNER = "The class voted this post its Students' Choice for the week."
LOOKBACK_WEEKS = 8  # run_due closes ended weeks at most this far back


class VoteRefused(PermissionDenied):
    """A vote or a close the rules forbid. Views answer 403 with this message."""


def _published_in(course, week: datetime.date):
    start, end = weeks.bounds(course, week)
    return Post.objects.published().filter(course=course, published_at__gte=start, published_at__lt=end)


def week_posts(course, week: datetime.date):
    """The week's live posts, oldest first, with what a list shows (no tags)."""
    return (
        _published_in(course, week)
        .for_listing()
        .prefetch_related(None)  # the choice page and the digest show no tags
        .order_by("published_at", "pk")
    )


def close_of(course, week: datetime.date) -> ChoiceClose | None:
    return ChoiceClose.objects.filter(course=course, week=week).first()


def is_future(course, week: datetime.date, now: datetime.datetime | None = None) -> bool:
    return week > weeks.week_of(course, now)


@dataclass
class TallyRow:
    post: Post
    votes: int
    winner: bool = False


def tally(course, week: datetime.date, posts: list[Post] | None = None) -> list[TallyRow]:
    """The posts that received votes, most first (then oldest): one query, two without `posts`.

    `posts` are the week's posts when the caller has loaded them already. Only
    votes for posts still live and of the week count: a post unpublished since
    is not a candidate any more.
    """
    counts = dict(
        Vote.objects.filter(course=course, week=week, post__in=_published_in(course, week).values("pk"))
        .order_by()
        .values_list("post")
        .annotate(n=Count("pk"))
    )
    if not counts:
        return []
    if posts is None:
        posts = week_posts(course, week).filter(pk__in=counts)
    rows = sorted(
        (TallyRow(post=p, votes=counts[p.pk]) for p in posts if p.pk in counts),
        key=lambda row: (-row.votes, row.post.published_at, row.post.pk),
    )
    top = rows[0].votes if rows else 0
    for row in rows:
        row.winner = row.votes == top
    return rows


def _lock_course(course) -> None:
    """Serialise votes and the close of one course (SQLite's immediate transactions do it already)."""
    list(Course.objects.select_for_update().filter(pk=course.pk).values_list("pk", flat=True))


def _check_voting_open(course, week: datetime.date, now: datetime.datetime) -> None:
    if is_future(course, week, now):
        raise VoteRefused(_("This week has not started yet."))
    if weeks.has_ended(course, week, now):
        raise VoteRefused(_("This week has ended: its vote is closed."))
    if ChoiceClose.objects.filter(course=course, week=week).exists():
        raise VoteRefused(_("An instructor has closed this week's vote."))


def check_voter(voter_membership: Membership) -> None:
    if voter_membership.is_instructor:
        raise VoteRefused(_("Only the course's students vote for the Students' Choice; instructors do not."))


def cast_vote(
    *, voter_membership: Membership, post: Post, week: datetime.date, now: datetime.datetime | None = None
) -> Vote:
    """The student's vote for `post` in the week: a new one, or their earlier one changed to it."""
    now = now or timezone.now()
    course = voter_membership.course
    check_voter(voter_membership)
    if post.course_id != course.pk:
        raise VoteRefused(_("That post belongs to another course."))
    if not post.is_live:
        raise VoteRefused(_("Only published posts can be voted for."))
    start, end = weeks.bounds(course, week)
    if not start <= post.published_at < end:
        raise VoteRefused(_("You can vote only for a post published in the week you are voting on."))
    if post.author_id == voter_membership.user_id:
        raise VoteRefused(_("You cannot vote for your own post."))
    with transaction.atomic():
        _lock_course(course)
        _check_voting_open(course, week, now)
        vote, _created = Vote.objects.update_or_create(
            course=course, week=week, voter=voter_membership, defaults={"post": post}
        )
    return vote


def withdraw_vote(
    *, voter_membership: Membership, week: datetime.date, now: datetime.datetime | None = None
) -> bool:
    """Take back the student's vote of the week; False if there was none."""
    now = now or timezone.now()
    course = voter_membership.course
    check_voter(voter_membership)
    with transaction.atomic():
        _lock_course(course)
        _check_voting_open(course, week, now)
        deleted, _ = Vote.objects.filter(course=course, week=week, voter=voter_membership).delete()
    return bool(deleted)


def students_choice_type(course) -> AwardType:
    """The course's Students' Choice award type, made the first time a week closes with a winner."""
    award_type, _ = AwardType.objects.get_or_create(
        course=course,
        slug=STUDENTS_CHOICE_SLUG,
        defaults={
            "name": STUDENTS_CHOICE_NAME,
            "symbol": Symbol.LAUREL,
            "colour": "#2e6b30",
            "banner_wording": STUDENTS_CHOICE_BANNER,
            "given_by": AwardType.GivenBy.VOTE,
            "description": "Voted by the class: the post of the week its students liked best.",
        },
    )
    return award_type


def first_instructor(course):
    """Who records an award when the week ended by itself: the instructor who joined first."""
    membership = (
        Membership.objects.instructors()
        .filter(course=course)
        .select_related("user")
        .order_by("joined_at", "pk")
        .first()
    )
    return membership.user if membership else None


@dataclass
class CloseResult:
    close: ChoiceClose | None
    created: bool  # False: the week was closed already, nothing was done
    winners: list[Post] = field(default_factory=list)
    awards: list[Award] = field(default_factory=list)
    problem: str = ""  # why a winner got no award, for the log and the instructor

    def describe(self, course, week: datetime.date) -> str:
        where = f"Students' Choice of {course.slug}, week of {week.isoformat()}"
        if not self.created:
            return f"{where}: closed already"
        if not self.winners:
            return f"{where}: closed with no votes, no winner"
        titles = ", ".join(f"“{post.title}”" for post in self.winners)
        votes = self.close.votes_cast
        line = f"{where}: closed ({votes} vote{'' if votes == 1 else 's'}); most votes: {titles}"
        return f"{line}; {self.problem}" if self.problem else line


def close_week(
    *,
    course,
    week: datetime.date,
    closed_by=None,
    now: datetime.datetime | None = None,
    notify: bool = True,
) -> CloseResult:
    """Close the week's vote: record the close, and give the most-voted post(s) the Students' Choice.

    Closing a closed week does nothing (also when two closes race: the second
    one's row is refused by the unique constraint). Ties: each tied post is
    awarded; no votes: no winner. The winners' authors are emailed by the
    awards app, unless `notify=False` (recorded history: the demo).
    """
    now = now or timezone.now()
    with transaction.atomic():
        _lock_course(course)
        if ChoiceClose.objects.filter(course=course, week=week).exists():
            return CloseResult(close=None, created=False)
        rows = tally(course, week)
        try:
            with transaction.atomic():
                close = ChoiceClose.objects.create(
                    course=course,
                    week=week,
                    closed_at=now,
                    closed_by=closed_by,
                    votes_cast=sum(row.votes for row in rows),
                )
        except IntegrityError:
            return CloseResult(close=None, created=False)  # another close won the race
        result = CloseResult(close=close, created=True, winners=[row.post for row in rows if row.winner])
        if not result.winners:
            return result
        recorder = closed_by or first_instructor(course)
        if recorder is None:
            result.problem = _("the course has no instructor to record the award, so none was given")
            logger.warning("Students' Choice of %s, week of %s: %s", course.slug, week, result.problem)
            return result
        award_type = students_choice_type(course)
        try:
            for post in result.winners:
                award = award_grant_by_vote(
                    post=post, award_type=award_type, recorded_by=recorder, notify=notify
                )
                if award is not None:
                    result.awards.append(award)
        except AwardRefused as refusal:
            # e.g. an instructor made a "students-choice" type by hand that the team gives
            result.problem = _("no award was given: %(reason)s") % {"reason": refusal}
            logger.warning("Students' Choice of %s, week of %s: %s", course.slug, week, result.problem)
    return result


def run_due(now: datetime.datetime) -> list[str]:
    """Close every course's ended weeks that had votes and are not closed yet (for `manage.py tick`)."""
    earliest = weeks.monday_of(now.date()) - LOOKBACK_WEEKS * weeks.ONE_WEEK
    voted = set(Vote.objects.filter(week__gte=earliest).order_by().values_list("course", "week").distinct())
    closed = set(ChoiceClose.objects.filter(week__gte=earliest).values_list("course", "week"))
    due = sorted(voted - closed, key=lambda pair: (pair[1], pair[0]))
    courses = Course.objects.in_bulk({course_id for course_id, _ in due})
    lines = []
    for course_id, week in due:
        course = courses[course_id]
        # An archived course is read only: its open vote stays as it was left.
        if weeks.has_ended(course, week, now) and course.archived_at is None:
            result = close_week(course=course, week=week, now=now)
            if result.created:
                lines.append(result.describe(course, week))
    return lines
