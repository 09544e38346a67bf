"""Concurrent writers against the real server: nothing acknowledged is ever lost.

These tests start gunicorn (several worker processes, production-style) on a
database of their own: a SQLite file, or a fresh PostgreSQL database beside
the test database when DATABASE_URL points at PostgreSQL.
"""

import http.cookiejar
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = 20
COMMENTS_EACH = 25
PASSWORD = "concurrency-pass-1"

SETUP_SCRIPT = f"""
from django.contrib.auth import get_user_model
from courses.models import Course, Membership
from posts import services
User = get_user_model()
course = Course.objects.create(slug="load", title="Load", moderate_first_comment=False)
teacher = User.objects.create_user("teacher", "t@example.edu", "{PASSWORD}")
Membership.objects.create(course=course, user=teacher, role="instructor", display_name="Teacher")
for n in range({CLIENTS}):
    user = User.objects.create_user(f"writer{{n}}", f"w{{n}}@example.edu", "{PASSWORD}")
    Membership.objects.create(course=course, user=user, display_name=f"Writer {{n}}")
post = services.post_save(course=course, author=teacher, title="Busy night", body="Discuss.",
                          category=None, publish=True)
print(post.get_absolute_url())
"""

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="gunicorn runs on POSIX only")


@pytest.fixture(scope="module")
def collected_static(tmp_path_factory):
    """Production mode serves hashed static files: collect them once for the module."""
    static_root = tmp_path_factory.mktemp("static")
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL")}
    env.update(DJANGO_DEBUG="false", SECRET_KEY="static-" + "k" * 50, ALLOWED_HOSTS="127.0.0.1")
    env["STATIC_ROOT"] = str(static_root)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=300,
    )
    return static_root


@pytest.fixture
def server_env(tmp_path, collected_static):
    """Environment for a production-mode server on a database of its own."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE", "DATABASE_URL")
    }
    env.update(
        DJANGO_DEBUG="false",
        SECRET_KEY="concurrency-test-" + "k" * 40,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        SECURE_HSTS_SECONDS="0",
        EMAIL_URL="dummymail://",
        MEDIA_ROOT=str(tmp_path / "media"),
        STATIC_ROOT=str(collected_static),
        # The test is about concurrency, not abuse limits: every writer may write freely.
        RATE_LIMITS_OFF="true",
    )
    base_url = os.environ.get("DATABASE_URL", "")
    dropper = None
    if base_url.startswith("postgres"):
        import psycopg

        name = f"concurrency_{uuid.uuid4().hex[:8]}"
        parts = urllib.parse.urlsplit(base_url)
        admin_dsn = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))

        def dropper():
            with psycopg.connect(admin_dsn, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'concurrency.sqlite3'}"
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True, timeout=300)
    result = subprocess.run(
        [*manage, "shell", "-c", SETUP_SCRIPT],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
        capture_output=True,
    )
    env["_POST_PATH"] = result.stdout.decode().strip().splitlines()[-1]
    yield env
    if dropper:
        dropper()


class Server:
    def __init__(self, env):
        self.env = env
        self.port = free_port()
        self.process = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        env = {**self.env, "GUNICORN_BIND": f"127.0.0.1:{self.port}", "GUNICORN_WORKERS": "4"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "coursesite/gunicorn.py", "coursesite.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,  # its own process group, so we stop exactly what we started
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/", timeout=2)
                return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not start: " + self.process.stderr.read().decode()[-2000:])

    def kill(self):
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


class Writer:
    """One student's browser: logs in, then posts comments and remembers which were acknowledged."""

    def __init__(self, server, post_path, username):
        self.server = server
        self.post_path = post_path
        self.username = username
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())
        self.acknowledged = []
        self.server_errors = []

    def _csrf_from(self, html):
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)

    def _get(self, path):
        return self.opener.open(self.server.url + path, timeout=30).read().decode()

    def _post(self, path, data, referer):
        request = urllib.request.Request(
            self.server.url + path,
            data=urllib.parse.urlencode(data).encode(),
            headers={"Referer": self.server.url + referer},
        )
        try:
            response = self.opener.open(request, timeout=30)
            return response.status, response.headers.get("Location", "")
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location", "")

    def log_in(self):
        html = self._get("/accounts/login/")
        status, _ = self._post(
            "/accounts/login/",
            {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": self._csrf_from(html)},
            "/accounts/login/",
        )
        assert status == 302, f"{self.username} could not log in ({status})"

    def write(self, count, stop_on_error=False):
        try:
            html = self._get(self.post_path)
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            if stop_on_error:
                return
            raise
        token = self._csrf_from(html)
        action = re.search(r'<form[^>]+action="([^"]*comments/on/[^"]*)"', html).group(1)
        for n in range(count):
            text = f"{self.username} comment {n} {uuid.uuid4().hex}"
            try:
                status, location = self._post(
                    action, {"body": text, "csrfmiddlewaretoken": token, "website": ""}, self.post_path
                )
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                if stop_on_error:
                    return  # the server went away mid-burst: this one was never acknowledged
                raise
            if status >= 500:
                self.server_errors.append(status)
            elif status == 302 and "#comment-" in location:
                self.acknowledged.append(text)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _stored_bodies(env):
    script = (
        "import json; from comments.models import Comment; "
        "print(json.dumps(list(Comment.objects.values_list('body', flat=True))))"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
        capture_output=True,
    )
    import json

    return json.loads(result.stdout.decode().strip().splitlines()[-1])


def _logged_in_writers(server, env):
    writers = [Writer(server, env["_POST_PATH"], f"writer{n}") for n in range(CLIENTS)]
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        list(pool.map(lambda w: w.log_in(), writers))
    return writers


def _counts(env):
    """The post's stored "N Responses" and the real number of approved comments."""
    script = (
        "from posts.models import Post; from comments.models import Comment; "
        "post = Post.objects.get(slug='busy-night'); "
        "print(post.comment_count, Comment.objects.filter(post=post, status='approved').count())"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
        capture_output=True,
    )
    stored, real = result.stdout.decode().split()[-2:]
    return int(stored), int(real)


def _run_writers(writers, count, stop_on_error=False):
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        list(pool.map(lambda w: w.write(count, stop_on_error), writers))
    return writers


def test_twenty_writers_lose_nothing_and_see_no_server_error(server_env):
    server = Server(server_env)
    server.start()
    try:
        writers = _run_writers(_logged_in_writers(server, server_env), COMMENTS_EACH)
    finally:
        server.stop()
    assert [w.server_errors for w in writers if w.server_errors] == []
    acknowledged = [text for w in writers for text in w.acknowledged]
    assert len(acknowledged) == CLIENTS * COMMENTS_EACH
    stored = _stored_bodies(server_env)
    for text in acknowledged:
        assert stored.count(text) == 1, text
    # Writers racing on one post never make its "N Responses" drift.
    assert _counts(server_env) == (CLIENTS * COMMENTS_EACH, CLIENTS * COMMENTS_EACH)


def test_killing_the_server_mid_burst_loses_no_acknowledged_comment(server_env):
    server = Server(server_env)
    server.start()
    writers = _logged_in_writers(server, server_env)

    def kill_mid_burst():
        # Kill every server process (no clean shutdown) once writes are flowing.
        deadline = time.monotonic() + 120
        while sum(len(w.acknowledged) for w in writers) < 100 and time.monotonic() < deadline:
            time.sleep(0.05)
        server.kill()

    with ThreadPoolExecutor(max_workers=1) as killer:
        killer.submit(kill_mid_burst)
        _run_writers(writers, 200, stop_on_error=True)
    acknowledged = [text for w in writers for text in w.acknowledged]
    assert acknowledged, "the burst never started before the kill"
    assert len(acknowledged) < CLIENTS * 200, "the kill came after the burst had finished"

    restarted = Server(server_env)
    restarted.start()
    restarted.stop()
    if server_env["DATABASE_URL"].startswith("sqlite"):
        path = server_env["DATABASE_URL"].removeprefix("sqlite:///")
        with sqlite3.connect(path) as db:
            # The schema's check constraints use REGEXP, which Django registers on its connections.
            db.create_function("REGEXP", 2, lambda pattern, value: bool(re.search(pattern, value or "")))
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    stored = _stored_bodies(server_env)
    for text in acknowledged:
        assert stored.count(text) == 1, text
