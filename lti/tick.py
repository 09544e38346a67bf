"""The LMS link's time-based steps, run by `manage.py tick`: scores of closed prompts, old launch data."""

import datetime

from django.db.models import Q

from core import tick_steps
from coursework.models import Prompt

from . import services
from .models import CourseLink, LineItem
from .tool import launch_states_prune


def grades_due(now: datetime.datetime) -> list[str]:
    """Send the participation scores of prompts that closed (and whose comments are due) since last sent.

    A prompt's scores go once its due time and its comments' due time have passed; a
    prompt sent before that (by an instructor, on demand) is sent again after it.
    """
    lines = []
    links = CourseLink.objects.exclude(lineitems_url="").select_related("platform", "course")
    for link in links:
        closed = Prompt.objects.filter(course=link.course, closed_at__isnull=False).filter(
            Q(comments_due_at__isnull=True) | Q(comments_due_at__lte=now)
        )
        sent = dict(LineItem.objects.filter(course_link=link).values_list("prompt_id", "sent_at"))
        for prompt in closed.select_related("course"):
            final = max(prompt.due_at, prompt.comments_due_at or prompt.due_at)
            if sent.get(prompt.pk) is not None and sent[prompt.pk] >= final:
                continue
            try:
                result = services.grades_send(link=link, prompt=prompt, now=now)
            except services.SyncFailed as error:
                lines.append(f"LMS scores of “{prompt}” for {link}: {error}")
                continue
            lines.append(f"LMS scores of “{prompt}” for {link}: {result}")
    return lines


def launch_data_pruned(now: datetime.datetime) -> list[str]:
    deleted = launch_states_prune(now)
    return [f"expired LTI launch data removed: {deleted}"] if deleted else []


tick_steps.register(grades_due)
tick_steps.register(launch_data_pruned)
