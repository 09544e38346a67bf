"""Prompts: which are open, who answered, and whether an answer was on time.

A response is on time when its post went live at or before the student's due
time: the prompt's, or the later one an instructor granted that student
(Accommodation). An excused student is never late nor missing. Lateness is
shown to the author and the course's instructors only.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext, ngettext, npgettext, pgettext, pgettext_lazy

from comments.models import Comment
from courses.permissions import is_instructor
from posts.models import Post, live

from . import weeks
from .models import Accommodation, Prompt, PromptResponse


class Standing:
    """The values are keys (the LTI grades read them); label() gives the words people read."""

    ON_TIME = "on time"
    LATE = "late"
    MISSING = "missing"  # due time passed with no response
    EXCUSED = "excused"
    NOT_YET = "not yet"  # not answered, and still before the due time

    LABELS = {
        ON_TIME: pgettext_lazy("standing on a prompt", "on time"),
        LATE: pgettext_lazy("standing on a prompt", "late"),
        MISSING: pgettext_lazy("standing on a prompt", "missing"),
        EXCUSED: pgettext_lazy("standing on a prompt", "excused"),
        NOT_YET: pgettext_lazy("standing on a prompt", "not yet"),
    }

    @classmethod
    def label(cls, standing: str) -> str:
        return str(cls.LABELS.get(standing, standing))


def opened(course, now: datetime.datetime | None = None):
    """The course's prompts students may see: those whose opening time has come."""
    return Prompt.objects.filter(course=course, opens_at__lte=now or timezone.now())


def open_now(course, now: datetime.datetime | None = None):
    """Prompts open for answers right now (opened, due time not passed), soonest due first."""
    now = now or timezone.now()
    return opened(course, now).filter(due_at__gt=now).order_by("due_at", "pk")


def visible_prompts(course, user, now: datetime.datetime | None = None):
    """What the prompt list shows this reader: opened prompts, and coming ones to instructors."""
    if is_instructor(user, course):
        return Prompt.objects.filter(course=course)
    return opened(course, now)


def live_responses(prompt_ids):
    """Responses whose post is live, to the given prompts."""
    return PromptResponse.objects.filter(live("post__"), prompt__in=prompt_ids)


def answered_counts(prompts) -> dict[int, int]:
    """Prompt id -> how many live responses it has, in one query for all the prompts."""
    ids = [p.pk for p in prompts]
    if not ids:
        return {}
    rows = live_responses(ids).order_by().values("prompt").annotate(n=Count("post__author", distinct=True))
    return {row["prompt"]: row["n"] for row in rows}


def answered_by(prompts, user) -> set[int]:
    """Ids of the prompts `user` has answered with a live post: one query."""
    ids = [p.pk for p in prompts]
    if not ids or not user.is_authenticated:
        return set()
    return set(live_responses(ids).filter(post__author=user).values_list("prompt", flat=True))


def due_for(prompt: Prompt, accommodation: Accommodation | None) -> datetime.datetime:
    """The student's due time: their own when an instructor extended it, the prompt's otherwise."""
    if accommodation is not None and accommodation.due_at is not None:
        return accommodation.due_at
    return prompt.due_at


def standing(
    prompt: Prompt,
    published_at: datetime.datetime | None,
    accommodation: Accommodation | None = None,
    now: datetime.datetime | None = None,
) -> str:
    """One student's standing on one prompt, from their response's publication time (None: none)."""
    if accommodation is not None and accommodation.excused:
        return Standing.EXCUSED
    due = due_for(prompt, accommodation)
    if published_at is None:
        return Standing.MISSING if (now or timezone.now()) > due else Standing.NOT_YET
    return Standing.ON_TIME if published_at <= due else Standing.LATE


@dataclass
class StudentStanding:
    """A row of the instructors' table on the prompt page, and a cell of the report."""

    member_id: int
    user_id: int
    display_name: str
    standing: str
    post: Post | None
    accommodation: Accommodation | None

    @property
    def standing_label(self) -> str:
        return Standing.label(self.standing)


def standings(prompt: Prompt, students, now: datetime.datetime | None = None) -> list[StudentStanding]:
    """Every student's standing on the prompt, in two queries whatever the class size.

    `students` are the course's student memberships (a list, loaded by the caller).
    """
    responses = {
        r.post.author_id: r.post
        # Newest first, so the earliest response is the one kept: a late second post
        # does not undo an on-time first one (the report counts the same way).
        for r in live_responses([prompt.pk]).select_related("post__course").order_by("-post__published_at")
    }
    accommodations = {a.member_id: a for a in Accommodation.objects.filter(prompt=prompt)}
    rows = []
    for member in students:
        post = responses.get(member.user_id)
        accommodation = accommodations.get(member.pk)
        rows.append(
            StudentStanding(
                member_id=member.pk,
                user_id=member.user_id,
                display_name=member.display_name,
                standing=standing(prompt, post.published_at if post else None, accommodation, now),
                post=post,
                accommodation=accommodation,
            )
        )
    return rows


def due_in(course, start: datetime.datetime, end: datetime.datetime):
    """The course's prompts due within [start, end)."""
    return Prompt.objects.filter(course=course, due_at__gte=start, due_at__lt=end).order_by("due_at", "pk")


def classmates_comment_filter(prompt: Prompt) -> Q:
    """Comments that count toward the prompt's requirement (for a Comment queryset).

    Approved, on a classmate's post (not the writer's own), written between the
    prompt's opening and its comments' due time. Group by author to count per student.
    """
    return Q(
        status=Comment.Status.APPROVED,
        post__course_id=prompt.course_id,
        created_at__gte=prompt.opens_at,
        created_at__lte=prompt.comments_due_at or prompt.due_at,
        author__isnull=False,
    ) & ~Q(post__author=F("author"))


# --- Showing dates, lateness, and the instructors' accommodations (the prompt pages and the editor) ---


def comment_requirement(prompt: Prompt) -> str:
    """ "Comment on 2 classmates' posts by Wed 12 Nov, 23:59 (America/New_York)", or "" when none is asked."""
    n = prompt.comments_required
    if not n or prompt.comments_due_at is None:
        return ""
    return ngettext(
        "Comment on %(count)s classmate's post by %(when)s",
        "Comment on %(count)s classmates' posts by %(when)s",
        n,
    ) % {"count": n, "when": weeks.label(prompt.course, prompt.comments_due_at)}


def how_long(delta: datetime.timedelta) -> str:
    """A duration as people say it: "15 minutes", "2 hours", "3 days" (rounded down)."""
    # One context for its words: in Russian they take the case of "published this long after".
    minutes = int(delta.total_seconds() // 60)
    if minutes < 1:
        return pgettext("published this long after the due time", "less than a minute")
    if minutes < 60:
        return npgettext(
            "published this long after the due time", "%(count)s minute", "%(count)s minutes", minutes
        ) % {"count": minutes}
    hours = minutes // 60
    if hours < 48:
        return npgettext(
            "published this long after the due time", "%(count)s hour", "%(count)s hours", hours
        ) % {"count": hours}
    days = hours // 24
    return npgettext("published this long after the due time", "%(count)s day", "%(count)s days", days) % {
        "count": days
    }


def lateness(
    due_at: datetime.datetime, published_at: datetime.datetime | None, *, excused: bool = False
) -> str | None:
    """What a response's author and instructors read beside it: "On time", "Late: published ...", or None."""
    if excused:
        return gettext("Excused")
    if published_at is None:
        return None  # a draft: nothing to judge yet
    if published_at <= due_at:
        return gettext("On time")
    return gettext("Late: published %(how_long)s after the due time") % {
        "how_long": how_long(published_at - due_at)
    }


class AccommodationRefused(Exception):
    """The accommodation cannot be granted as asked; the message says why."""


def accommodation_grant(
    *,
    prompt: Prompt,
    member,
    by,
    excused: bool = False,
    due_at: datetime.datetime | None = None,
    reason: str = "",
) -> Accommodation:
    """Excuse one student from the prompt, or give them a later due time; replaces any earlier one."""
    if member.course_id != prompt.course_id or member.is_instructor:
        raise AccommodationRefused(gettext("Choose a student of this prompt's course."))
    if not excused and due_at is None:
        raise AccommodationRefused(gettext("Give the student's new due time, or excuse them."))
    if not excused and due_at <= prompt.due_at:
        raise AccommodationRefused(gettext("An extension must end after the prompt's own due time."))
    accommodation, _created = Accommodation.objects.update_or_create(
        prompt=prompt,
        member=member,
        defaults={
            "excused": excused,
            "due_at": None if excused else due_at,
            "reason": reason,
            "granted_by": by,
        },
    )
    return accommodation


def accommodation_remove(*, prompt: Prompt, member) -> bool:
    """The student is back to the prompt's own due time. False if they had no accommodation."""
    removed = False
    for accommodation in Accommodation.objects.filter(prompt=prompt, member=member):
        accommodation.delete()  # one by one: each delete bumps the course's cache (signals)
        removed = True
    return removed
