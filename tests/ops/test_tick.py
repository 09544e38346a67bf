import datetime

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from core import mail

pytestmark = pytest.mark.django_db


def test_tick_clears_expired_sessions_and_old_task_results_but_keeps_recent_failures(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    expired, live = SessionStore(), SessionStore()
    expired.set_expiry(-60)
    expired.create()
    live.create()
    old_sent = mail.deliver.enqueue({"subject": "a", "body": "b", "to": ["x@example.edu"], "headers": {}})
    recent_failure = mail.deliver.enqueue(
        {"subject": "c", "body": "d", "to": ["y@example.edu"], "headers": {}}
    )
    long_ago = timezone.now() - datetime.timedelta(days=30)
    DBTaskResult.objects.filter(pk=old_sent.id).update(
        status=TaskResultStatus.SUCCESSFUL, finished_at=long_ago
    )
    DBTaskResult.objects.filter(pk=recent_failure.id).update(
        status=TaskResultStatus.FAILED, finished_at=long_ago
    )
    call_command("tick")
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]
    assert [str(pk) for pk in DBTaskResult.objects.values_list("pk", flat=True)] == [str(recent_failure.id)]
