"""One log line per request (logger "coursesite.requests"): method, path, status, milliseconds."""

import json
import logging
import os
import subprocess
import sys

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from ops.logs import JSONFormatter
from tests.factories import UserFactory

from .conftest import ROOT, settings_from_env

LOGGER = "coursesite.requests"


@pytest.fixture
def request_lines(caplog):
    caplog.set_level(logging.INFO, logger=LOGGER)

    def lines():
        return [record for record in caplog.records if record.name == LOGGER]

    return lines


@pytest.mark.django_db
def test_a_request_logs_one_line_with_method_path_status_and_time(client, request_lines):
    client.get("/healthz")
    (line,) = request_lines()
    assert line.levelno == logging.INFO
    assert (line.method, line.path, line.status) == ("GET", "/healthz", 200)
    assert isinstance(line.duration_ms, float) and line.duration_ms >= 0
    assert line.getMessage() == f"GET /healthz 200 {line.duration_ms}ms"


@pytest.mark.django_db
def test_the_status_is_the_one_sent(client, request_lines):
    client.get("/no/such/page/")
    client.post("/healthz")
    assert [(line.method, line.status) for line in request_lines()] == [("GET", 404), ("POST", 405)]


@pytest.mark.django_db
def test_query_strings_and_tokens_in_paths_are_never_logged(client, request_lines):
    client.get("/healthz?token=not-for-the-log&email=kim@example.edu")
    user = UserFactory()
    token = default_token_generator.make_token(user)
    reset = reverse(
        "password_reset_confirm",
        kwargs={"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": token},
    )
    client.get(reset)
    first, second = request_lines()
    assert first.path == "/healthz" and "not-for-the-log" not in first.getMessage()
    assert second.path == reset.replace(token, "<token>")
    assert token not in second.getMessage()
    assert second.status == 302  # Django moves the token into the session at once


@pytest.mark.django_db
def test_a_newline_in_the_path_cannot_forge_a_line(client, request_lines):
    client.get("/c/x%0A2026-12-01 INFO coursesite.requests: GET /admin/ 200/")
    (line,) = request_lines()
    assert "\n" not in line.getMessage()
    assert "%0A" in line.path


@pytest.mark.django_db
def test_nothing_is_measured_or_logged_when_the_logger_is_off(client, caplog, request_lines):
    caplog.set_level(logging.WARNING, logger=LOGGER)  # as with LOG_REQUESTS=false
    client.get("/healthz")
    assert request_lines() == []


@pytest.mark.django_db
def test_the_json_format_is_one_object_a_line(client, request_lines):
    client.get("/healthz")
    (line,) = request_lines()
    entry = json.loads(JSONFormatter().format(line))
    assert entry["logger"] == LOGGER and entry["level"] == "INFO"
    assert (entry["method"], entry["path"], entry["status"]) == ("GET", "/healthz", 200)
    assert entry["duration_ms"] == line.duration_ms
    assert entry["message"].startswith("GET /healthz 200 ")
    assert entry["time"].endswith("+00:00")


def test_the_json_format_keeps_a_traceback_on_its_line():
    try:
        raise ValueError("boom\nsecond line")
    except ValueError:
        record = logging.LogRecord(
            "coursesite.x", logging.ERROR, __file__, 1, "failed: %s", ("it",), sys.exc_info()
        )
    text = JSONFormatter().format(record)
    assert "\n" not in text
    entry = json.loads(text)
    assert entry["message"] == "failed: it"
    assert "ValueError: boom" in entry["exception"]


def test_the_settings_choose_the_format_and_the_request_lines(monkeypatch):
    text = settings_from_env(monkeypatch)["LOGGING"]
    assert text["handlers"]["console"]["formatter"] == "text"
    assert text["loggers"][LOGGER]["level"] == "INFO"
    as_json = settings_from_env(monkeypatch, LOG_FORMAT="json", LOG_REQUESTS="false")["LOGGING"]
    assert as_json["handlers"]["console"]["formatter"] == "json"
    assert as_json["formatters"]["json"]["()"] == "ops.logs.JSONFormatter"
    assert as_json["loggers"][LOGGER]["level"] == "WARNING"
    with pytest.raises(ImproperlyConfigured, match="LOG_FORMAT is text or json"):
        settings_from_env(monkeypatch, LOG_FORMAT="xml")


def test_with_log_format_json_the_process_writes_json_lines(tmp_path):
    """The whole path: settings, LOGGING, the middleware and the formatter, in a process of its own."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "CACHE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(
        LOG_FORMAT="json",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        MEDIA_ROOT=str(tmp_path / "media"),
        DJANGO_SETTINGS_MODULE="coursesite.settings",
    )
    code = (
        "from django.test import Client; print(Client().get('/healthz', HTTP_HOST='localhost').status_code)"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "200"
    entries = [json.loads(line) for line in result.stderr.splitlines()]  # every line parses
    requests = [entry for entry in entries if entry["logger"] == LOGGER]
    assert [(e["method"], e["path"], e["status"]) for e in requests] == [("GET", "/healthz", 200)]
