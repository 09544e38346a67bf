"""Every email the site sends goes out as a background task, retried until it is delivered.

`send(subject=..., body=..., to=[...])` enqueues the `deliver` task through
Django's tasks API (the django-tasks backport). In production the task backend
is the database (django-tasks-db) and a worker (`manage.py db_worker`) sends:
the request that triggered an email returns without waiting for the SMTP
server. A send that fails (the server refuses, hangs past EMAIL_TIMEOUT or is
down) is enqueued again with a growing delay, RETRY_DELAYS; after the last
attempt the task fails, and the admin's list of task results shows it, with
the error, under "Failed". Under `make run` and in tests the backend runs each
task at once, in the request (settings.TASKS).

Callers enqueue after their transaction commits (transaction.on_commit), so a
rolled-back change sends nothing.

Callers render each email's subject and body inside `in_language_of(recipient)`:
an email is written in the language its recipient chose (core/language.py), not
in the language of whoever's request happened to trigger it, nor in the
worker's (which has no request, so English).
"""

import datetime
import logging
import smtplib

from django.core.mail import EmailMessage
from django.utils import timezone, translation
from django_tasks import task

from core.language import language_of

logger = logging.getLogger("coursesite.mail")

# Seconds to wait before each retry: about an hour and a half of outage in all.
RETRY_DELAYS = (30, 60, 120, 300, 600, 1200, 2400)


def in_language_of(user):
    """Render an email to `user` inside this: its words in the language the user chose."""
    return translation.override(language_of(user))


def send(*, subject: str, body: str, to: list[str], headers: dict | None = None) -> None:
    """Enqueue one email (from DEFAULT_FROM_EMAIL). Subjects are folded onto one line."""
    message = {"subject": " ".join(subject.split()), "body": body, "to": list(to), "headers": headers or {}}
    deliver.enqueue(message)


@task()
def deliver(message: dict, attempt: int = 1) -> str:
    email = EmailMessage(
        subject=message["subject"], body=message["body"], to=message["to"], headers=message["headers"]
    )
    try:
        email.send()
    except (smtplib.SMTPException, OSError) as error:  # refused, timed out, unreachable
        if attempt > len(RETRY_DELAYS) or not deliver.get_backend().supports_defer:
            # For good (or a backend that runs tasks at once, in the request, and cannot wait).
            logger.error("Email to %s failed after %s attempt(s): %s", message["to"], attempt, error)
            raise
        delay = RETRY_DELAYS[attempt - 1]
        deliver.using(run_after=timezone.now() + datetime.timedelta(seconds=delay)).enqueue(
            message, attempt + 1
        )
        logger.warning(
            "Email to %s not sent (%s); attempt %s in %s s", message["to"], error, attempt + 1, delay
        )
        return f"not sent ({error}); retried in {delay} s"
    return "sent"
