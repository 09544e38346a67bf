"""The prompts' steps of `manage.py tick`: tell students a prompt has opened; mark the ones past due.

Each prompt is claimed with a conditional UPDATE before anything is sent, so
two ticks running at once email its students once. A prompt first seen long
after it opened (written after the fact, or the tick was down for days) is
marked without emailing: news of it would come too late to help, and in bulk.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from core import mail
from core.cache import bump_course_version
from courses.models import Membership

from . import weeks
from .models import Prompt
from .prompts import comment_requirement

TOO_OLD_TO_ANNOUNCE = datetime.timedelta(days=2)


def run_due(now: datetime.datetime) -> list[str]:
    lines = []
    # An archived course's term is over: nobody is emailed of its prompts.
    unannounced = Prompt.objects.filter(
        opens_at__lte=now, opening_sent_at__isnull=True, course__archived_at__isnull=True
    )
    for prompt in unannounced.select_related("course"):
        if not claim_opening(prompt, now):
            continue  # another tick took it
        # Opening by the clock changes the course's pages (the list, "This week"), and no save says so.
        bump_course_version(prompt.course.slug)
        where = f"“{prompt.title}” ({prompt.course.slug})"
        if now - prompt.opens_at > TOO_OLD_TO_ANNOUNCE:
            lines.append(f"Prompt {where} opened more than two days ago: marked, nobody emailed.")
            continue
        if prompt.due_at <= now:
            lines.append(f"Prompt {where} is past its due time already: marked, nobody emailed.")
            continue
        sent = announce_opening(prompt)
        lines.append(f"Prompt {where} opened: emailed {sent} student{'s' if sent != 1 else ''}.")
    past_due = Prompt.objects.filter(due_at__lt=now, closed_at__isnull=True)  # at it is still on time
    courses = set(past_due.values_list("course__slug", flat=True))
    closed = past_due.update(closed_at=now)
    for slug in courses:
        bump_course_version(slug)  # "This week" drops it
    if closed:
        lines.append(f"{closed} prompt{'s' if closed != 1 else ''} past the due time marked closed.")
    return lines


def claim_opening(prompt: Prompt, now: datetime.datetime) -> bool:
    """Mark the prompt's opening as told, unless someone did already: only one tick gets True."""
    return bool(Prompt.objects.filter(pk=prompt.pk, opening_sent_at__isnull=True).update(opening_sent_at=now))


def recipients(prompt: Prompt):
    """The course's students with an address who want news of prompts (no preference row: they do)."""
    return (
        Membership.objects.students()
        .filter(course_id=prompt.course_id, user__is_active=True)
        .exclude(user__email="")
        .exclude(user__week_email_preference__on_prompt_open=False)
        .select_related("user", "user__language_preference")  # each email in its reader's language
        .order_by("pk")
    )


def announce_opening(prompt: Prompt) -> int:
    """One email to each student who wants it, after the transaction commits; how many were sent."""
    course = prompt.course
    link = settings.SITE_URL + prompt.get_absolute_url()
    settings_link = settings.SITE_URL + reverse("coursework:email-settings")
    members = list(recipients(prompt))
    words = {"course": course.title, "prompt": prompt.title}
    for member in members:
        with mail.in_language_of(member.user):
            requirement = comment_requirement(prompt)
            requirement = f"{requirement}.\n" if requirement else ""
            body = (
                _("Hello %(name)s,") % {"name": member.display_name}
                + "\n\n"
                + _("A new prompt is open in %(course)s: “%(prompt)s”.") % words
                + "\n\n"
                + _("Due: %(when)s") % {"when": weeks.label(course, prompt.due_at)}
                + "\n"
                + f"{requirement}\n"
                + _("Read it and write your response:")
                + f"\n{link}\n\n--\n"
                + _(
                    "You get this email because you are a student in %(course)s. "
                    "To stop emails when a prompt opens, change your settings:"
                )
                % words
                + f"\n{settings_link}\n"
            )
            subject = _("New prompt in %(course)s: %(prompt)s") % words
        message = {"subject": subject, "body": body, "to": [member.user.email]}
        transaction.on_commit(lambda message=message: mail.send(**message))
    return len(members)
