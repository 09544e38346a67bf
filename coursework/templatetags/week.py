"""The course front page's "This week": open prompts, the digest, and a student's own week.

`{% load week %}{% this_week course %}` in templates/posts/front.html.

The part every reader sees (the prompts and how many answered, the latest
digest) is kept under the course's cache version: saving a prompt, a response
or a digest bumps it (coursework/signals.py). A prompt opening or falling due
by the clock bumps nothing, so what is kept is every prompt not yet due when
it was made, with its times, and each request picks the open ones by the
clock: a prompt that opens later is already in the list, and one that falls
due only leaves it. The student's own parts (answered or not, comments toward
the requirement, posts waiting for a response, readings) are read per request
in a fixed number of queries, and never kept in what is shared.
"""

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from django import template
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from core.cache import cached_fragment
from courses import permissions
from courses.models import Membership

from .. import prompts as prompt_rules
from .. import readers, weeks
from ..coverage import waiting_for_response
from ..models import Digest, Prompt
from . import prompts as prompt_tags

register = template.Library()

WAITING_SHOWN = 5


@dataclass(frozen=True)
class WeekPrompt:
    """What "This week" shows of a prompt; attribute names as on Prompt, so prompts.py reads it too."""

    pk: int
    course_id: int
    title: str
    slug: str
    url: str
    opens_at: datetime.datetime
    due_at: datetime.datetime
    comments_required: int
    comments_due_at: datetime.datetime | None
    answered: int

    def is_open(self, now: datetime.datetime) -> bool:
        # The rule of prompts.open_now, applied to the kept list by the clock.
        return self.opens_at <= now < self.due_at


@dataclass(frozen=True)
class SharedWeek:
    prompts: tuple[WeekPrompt, ...]
    digest_url: str | None
    digest_week: datetime.date | None


def _shared_week(course) -> SharedWeek:
    """Three queries: the prompts not yet due, their counts, the latest published digest."""
    pending = list(
        Prompt.objects.filter(course=course, due_at__gt=timezone.now())
        .order_by("due_at", "pk")
        .defer("body", "body_html")
    )
    counts = prompt_rules.answered_counts(pending)
    kept = tuple(
        WeekPrompt(
            pk=p.pk,
            course_id=p.course_id,
            title=p.title,
            slug=p.slug,
            url=reverse("coursework:prompt", kwargs={"course_slug": course.slug, "slug": p.slug}),
            opens_at=p.opens_at,
            due_at=p.due_at,
            comments_required=p.comments_required,
            comments_due_at=p.comments_due_at,
            answered=counts.get(p.pk, 0),
        )
        for p in pending
    )
    digest_week = (
        Digest.objects.filter(course=course, status=Digest.Status.PUBLISHED)
        .order_by("-week")
        .values_list("week", flat=True)
        .first()
    )
    digest_url = None
    if digest_week is not None:
        digest_url = reverse(
            "coursework:digest", kwargs={"course_slug": course.slug, "week": digest_week.isoformat()}
        )
    return SharedWeek(prompts=kept, digest_url=digest_url, digest_week=digest_week)


def _comments_toward(prompts, user) -> dict[int, int]:
    """Prompt id -> how many classmates' posts `user` has commented on toward it: one query."""
    required = [p for p in prompts if p.comments_required]
    if not required:
        return {}
    counts = (
        Comment.objects.filter(author=user)
        .order_by()
        .aggregate(
            **{
                f"p{p.pk}": Count("post", distinct=True, filter=prompt_rules.classmates_comment_filter(p))
                for p in required
            }
        )
    )
    return {p.pk: counts[f"p{p.pk}"] or 0 for p in required}


@register.inclusion_tag("coursework/includes/_this_week.html", takes_context=True)
def this_week(context, course):
    request = context.get("request")
    user = getattr(request, "user", None)
    now = timezone.now()
    shared = cached_fragment(
        course.slug, "this-week", lambda: _shared_week(course), nbytes=lambda s: 512 + 512 * len(s.prompts)
    )
    open_prompts = [p for p in shared.prompts if p.is_open(now)]
    membership = permissions.membership_of(user, course) if user is not None else None
    student = membership is not None and membership.role == Membership.Role.STUDENT

    answered, commented = set(), {}
    waiting, readings, choice_url = [], [], None
    if student:
        answered = prompt_rules.answered_by(open_prompts, user)
        commented = _comments_toward(open_prompts, user)
        week = weeks.week_of(course, now)
        waiting = waiting_for_response(course, week, limit=None).exclude(author=user)
        waiting = list(waiting[:WAITING_SHOWN])
        if course.assign_readers:
            readings = list(readers.readings(membership, week))
    if membership is not None:  # students vote; instructors close the vote
        choice_url = reverse("coursework:choice", kwargs={"course_slug": course.slug})
    write_url = reverse("posts:write", kwargs={"course_slug": course.slug})
    rows = [
        {
            "prompt": p,
            "answered": p.pk in answered,
            "commented": commented.get(p.pk, 0),
            "write_url": f"{write_url}?{urlencode({'prompt': p.slug})}",
        }
        for p in open_prompts
    ]
    return {
        "show": bool(rows or shared.digest_url or student),
        "course": course,
        "rows": rows,
        "student": student,
        "digest_url": shared.digest_url,
        "digest_week": shared.digest_week,
        "choice_url": choice_url,
        "waiting": waiting,
        "readings": readings,
    }


@register.simple_tag
def course_time(course, moment):
    """A moment in the course's zone with the zone's name: the prompt pages' filter, as a tag."""
    return prompt_tags.course_time(moment, course)
