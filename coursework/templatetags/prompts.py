"""Prompts in templates: dates in the course's zone, and "In response to" on the post page.

The post page is cached for anonymous readers and pinned in queries, so the
prompt a post answers is read once per course version (core.cache): the
response, the prompt and its author's accommodation are all bumped by
coursework/signals.py. Whether the response was late is worked out from those
per request, and drawn only for its author and the course's instructors.
"""

from django import template
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.html import format_html
from django.utils.translation import gettext, pgettext

from core.cache import cached_fragment
from courses.permissions import is_instructor

from .. import prompts as prompt_rules
from .. import weeks
from ..models import Accommodation, PromptResponse
from ..prompts import lateness
from ..weeks import local

register = template.Library()


@register.filter
def course_time(moment, course):
    """`{{ prompt.due_at|course_time:course }}`: a <time> in the course's zone, with the zone's name.

    Django's own |date would show the site's zone; this shows what the instructor meant.
    """
    if not moment:
        return ""
    return format_html('<time datetime="{}">{}</time>', moment.isoformat(), weeks.label(course, moment))


@register.filter
def course_time_text(moment, course):
    """The same as plain text (for a title or a message)."""
    return weeks.label(course, moment) if moment else ""


@register.filter
def course_day(moment, course):
    """`{{ post.published_at|course_day:course }}`: the day alone ("Fri 7 Nov"), in the course's zone."""
    if not moment:
        return ""
    here = local(course, moment)
    if here.year == local(course, timezone.now()).year:
        shape = pgettext("date format: weekday, day, month", "D j M")
    else:
        shape = pgettext("date format: weekday, day, month, year", "D j M Y")
    return format_html('<time datetime="{}">{}</time>', moment.isoformat(), dateformat.format(here, shape))


@register.filter
def comment_requirement(prompt):
    """ "Comment on 2 classmates' posts by ..." or "" (the prompt's course must be loaded)."""
    return prompt_rules.comment_requirement(prompt)


def _response_facts(post):
    """What the post page needs about the prompt a post answers, as plain values (one query), or None."""
    accommodations = Accommodation.objects.filter(
        prompt=OuterRef("prompt"),
        member__course=OuterRef("post__course"),
        member__user=OuterRef("post__author"),
    ).order_by()
    response = (
        PromptResponse.objects.filter(post_id=post.pk)
        .select_related("prompt")
        .annotate(
            excused=Subquery(accommodations.values("excused")[:1]),
            own_due_at=Subquery(accommodations.values("due_at")[:1]),
        )
        .first()
    )
    if response is None:
        return None
    prompt = response.prompt
    return {
        "title": prompt.title,
        "url": reverse("coursework:prompt", kwargs={"course_slug": post.course.slug, "slug": prompt.slug}),
        "opens_at": prompt.opens_at,
        "due_at": prompt.due_at,
        "excused": bool(response.excused),
        "own_due_at": response.own_due_at,
    }


@register.inclusion_tag("coursework/includes/_in_response_to.html", takes_context=True)
def in_response_to(context, post):
    """Every reader sees "In response to <prompt>"; its author and instructors also "On time" or "Late"."""
    facts = cached_fragment(
        post.course.slug,
        f"prompt-of:{post.pk}",
        lambda: _response_facts(post),
        nbytes=lambda facts: 64 if facts is None else 512,  # kept even when None: most posts answer none
    )
    if facts is None:
        return {"facts": None}
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None:
        return {"facts": None}
    may_judge = (user.is_authenticated and post.author_id == user.pk) or is_instructor(user, post.course)
    if facts["opens_at"] > timezone.now() and not may_judge:
        return {"facts": None}  # linked before it opened (by an instructor): its page is a 404 to readers
    if not may_judge:
        return {"facts": facts}
    due = facts["own_due_at"] or facts["due_at"]
    excused = facts["excused"]
    mark = lateness(due, post.published_at, excused=excused)
    if mark is None:  # a draft: when it is due, so its author can tell
        mark = gettext("Due %(when)s") % {"when": weeks.label(post.course, due)}
    return {
        "facts": facts,
        "mark": mark,
        "late": not excused and post.published_at is not None and post.published_at > due,
        "extended_to": "" if excused or not facts["own_due_at"] else weeks.label(post.course, due),
    }
