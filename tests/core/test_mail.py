"""Every email is a background task, sent by the worker to a real SMTP server on 127.0.0.1 (aiosmtpd).

The request that triggers an email only enqueues it (the database task
backend, as in production); `manage.py db_worker --batch` then sends. A mail
server that refuses or stalls costs the request nothing, and the email is
retried until the server is back; after the last attempt the task is recorded
as failed, where the admin lists it.
"""

import contextlib
import datetime
import socket
import threading
import time

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from core import mail
from tests.factories import MembershipFactory, UserFactory
from tests.servers import free_port

pytestmark = pytest.mark.django_db(transaction=True)  # the worker commits, and emails wait for commits


class Inbox:
    """aiosmtpd's handler: keeps every message it is given."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_port():
    return free_port()


@pytest.fixture
def smtp_server(smtp_port):
    """A real SMTP server on 127.0.0.1; `.start()` and `.stop()` it to take it down and back."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.inbox = inbox
    yield controller
    with contextlib.suppress(AssertionError):  # never started by the test
        controller.stop()


@pytest.fixture
def production_mail(settings, smtp_port):
    """Email through SMTP on that port, tasks in the database and run by the worker."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp_port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 1
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def comment_on(post, *, author_client):
    url = reverse("comments:create", kwargs={"course_slug": post.course.slug, "post_slug": post.slug})
    return author_client.post(url, {"body": "A reply worth an email.", "parent": "", "website": ""})


@pytest.fixture
def classmate(post):
    post.course.moderate_first_comment = False
    post.course.save()
    client = Client()
    client.force_login(MembershipFactory(course=post.course).user)
    return client


def test_a_comment_is_answered_without_waiting_for_smtp_and_the_worker_delivers(
    production_mail, smtp_server, post, classmate
):
    smtp_server.start()
    assert comment_on(post, author_client=classmate).status_code == 302
    assert smtp_server.inbox.messages == []  # the request only enqueued it
    run_worker()
    assert [m.rcpt_tos for m in smtp_server.inbox.messages] == [[post.author.email]]
    assert "A reply worth an email." in smtp_server.inbox.messages[0].content.decode()


def test_a_stalled_mail_server_never_holds_a_request(production_mail, smtp_port, post, classmate):
    """A server that accepts the connection and then says nothing (the outside review's case)."""
    listener = socket.create_server(("127.0.0.1", smtp_port))
    accepted = []
    threading.Thread(target=lambda: accepted.append(listener.accept()), daemon=True).start()
    try:
        started = time.monotonic()
        assert comment_on(post, author_client=classmate).status_code == 302
        assert time.monotonic() - started < 1  # EMAIL_TIMEOUT is 1 s here; the request never met it
        assert accepted == []  # the request did not even connect
        run_worker()  # the worker waits for the timeout, then schedules a retry
        assert accepted  # it did try
        waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY, run_after__gt=timezone.now())
        assert waiting.count() == 1
    finally:
        listener.close()


def test_mail_refused_while_the_server_is_down_is_delivered_when_it_is_back(
    production_mail, smtp_server, post, classmate
):
    assert comment_on(post, author_client=classmate).status_code == 302
    run_worker()  # nothing listens: refused, retried in 30 s
    assert smtp_server.inbox.messages == []
    smtp_server.start()
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=31)):
        run_worker()
    assert [m.rcpt_tos for m in smtp_server.inbox.messages] == [[post.author.email]]


def test_an_email_that_never_goes_out_is_recorded_as_failed_for_the_admin(production_mail, client):
    mail.send(subject="Never delivered", body="The server is down for good.", to=["someone@example.edu"])
    now = timezone.now()
    for delay in (0, *mail.RETRY_DELAYS):
        now += datetime.timedelta(seconds=delay + 1)
        with time_machine.travel(now):
            run_worker()
    failed = DBTaskResult.objects.get(status=TaskResultStatus.FAILED)
    assert failed.args_kwargs["args"][1] == len(mail.RETRY_DELAYS) + 1  # the last attempt
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 0  # nothing dropped silently
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    listing = client.get(reverse("admin:django_tasks_database_dbtaskresult_changelist"), {"status": "FAILED"})
    assert listing.status_code == 200
    assert "deliver" in listing.content.decode()
