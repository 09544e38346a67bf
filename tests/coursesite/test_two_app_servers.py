"""Two app servers side by side, as the README deploys them: one database, one Redis, no state of their own.

Two gunicorn instances are started with the production settings on 127.0.0.1
(their own database: a SQLite file, or a database of its own on the PostgreSQL
server the suite runs on), and a real Redis. A comment posted through one is on
the other's next page, for an anonymous reader (whole pages from the cache)
and for a member (pieces from the cache); a change made on one is seen by the
other's cache at once. Stopped by their pids.
"""

import http.cookiejar
import os
import re
import secrets
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings

from tests.servers import free_port, start_redis, stop

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = str(Path(sys.executable).parent / "gunicorn")

SETUP = """
from django.contrib.auth import get_user_model
from courses import consent
from courses.models import Course, Membership
from posts import services
user = get_user_model().objects.create_user("writer", "writer@example.edu", "a long enough passphrase")
course = Course.objects.create(slug="history", title="History", moderate_first_comment=False)
membership = Membership.objects.create(course=course, user=user, display_name="Writer")
# The writer consents to publishing: anonymous readers see the post (courses/consent.py).
seen = consent.text_digest(course.consent_text)
consent.consent_give(membership=membership, by=user, text_digest_seen=seen)
post = services.post_save(
    post=None, course=course, author=user, title="Two servers", body="Text.", category=None, tags_text="",
    publish=True,
)
print(post.get_absolute_url())
"""


def _database_url(tmp_path) -> str:
    base = os.environ.get("DATABASE_URL", "")
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        return f"sqlite:///{tmp_path / 'two-servers.sqlite3'}"
    import psycopg

    parts = urlsplit(base)
    name = f"{parts.path.lstrip('/')}_two_servers"
    with psycopg.connect(base.replace("pgsql://", "postgresql://", 1), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def _production_env(database_url: str, cache_url: str, static_root) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="coursesite.settings",
        DJANGO_DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        SECURE_HSTS_SECONDS="0",
        DATABASE_URL=database_url,
        CACHE_URL=cache_url,
        EMAIL_URL="consolemail://",
        GUNICORN_WORKERS="1",
        # Its own static folder: the suite's other tests serve the shared one while this runs.
        STATIC_ROOT=str(static_root),
        PYTHONUNBUFFERED="1",
    )
    return env


def _manage(env, *args, stdin=None) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, input=stdin, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _serve(env, port, log_path):
    log = open(log_path, "w")  # noqa: SIM115  -- closed with the server
    server = subprocess.Popen(
        [GUNICORN, "-c", "coursesite/gunicorn.py", "--bind", f"127.0.0.1:{port}", "coursesite.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
            return server, log
        except OSError:
            time.sleep(0.2)
    server.kill()
    pytest.fail(f"gunicorn did not answer on port {port}: {log_path.read_text()[-2000:]}")


def _stop(server, log):
    server.terminate()
    server.wait(timeout=20)
    log.close()


def _browser():
    jar = http.cookiejar.CookieJar()
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar)), jar


def _page(opener, url) -> str:
    with opener.open(url, timeout=10) as response:
        return response.read().decode()


def _csrf(jar) -> str:
    return next(cookie.value for cookie in jar if cookie.name == "csrftoken")


def _log_in(opener, jar, base):
    _page(opener, f"{base}/accounts/login/")
    data = {"username": "writer", "password": "a long enough passphrase", "csrfmiddlewaretoken": _csrf(jar)}
    opener.open(urllib.request.Request(f"{base}/accounts/login/", urllib.parse.urlencode(data).encode()))


@pytest.mark.django_db
def test_a_comment_posted_through_one_server_is_on_the_others_next_page(tmp_path):
    redis_port = free_port()
    redis = start_redis(redis_port, "--save", "")
    env = _production_env(_database_url(tmp_path), f"redis://127.0.0.1:{redis_port}/1", tmp_path / "static")
    servers = []
    try:
        _manage(env, "migrate", "--noinput", "-v", "0")
        _manage(env, "collectstatic", "--noinput", "-v", "0")
        post_path = _manage(env, "shell", stdin=SETUP).strip().splitlines()[-1]
        ports = [free_port(), free_port()]
        servers = [_serve(env, port, tmp_path / f"gunicorn-{port}.log") for port in ports]
        first, second = (f"http://127.0.0.1:{port}" for port in ports)

        anonymous, _ = _browser()
        member, jar = _browser()
        _log_in(member, jar, second)
        for _ in range(2):  # warm both servers' caches with the page as it is
            for base in (first, second):
                assert "Comment from the first server" not in _page(anonymous, base + post_path)
                assert "Comment from the first server" not in _page(member, base + post_path)

        poster, poster_jar = _browser()
        _log_in(poster, poster_jar, first)
        page = _page(poster, first + post_path)
        action = re.search(r'<form method="post" action="([^"]+)" class="comment-form"', page).group(1)
        form = {"body": "Comment from the first server.", "parent": "", "website": ""}
        form["csrfmiddlewaretoken"] = _csrf(poster_jar)
        poster.open(urllib.request.Request(first + action, urllib.parse.urlencode(form).encode()))

        assert "Comment from the first server." in _page(anonymous, second + post_path)
        assert "Comment from the first server." in _page(member, second + post_path)
        assert "1 Response to Two servers" in _page(anonymous, second + post_path)
    finally:
        for server, log in servers:
            _stop(server, log)
        stop(redis)
