"""The production cache, on a real Redis: our backend keeps one client, and caching stays correct on it.

Each test run starts a throwaway redis-server on 127.0.0.1 (stopped by its pid).
Without redis-server the tests are skipped with the install command; under
CI=true a missing Redis is an error, so CI can never go green without them.
"""

import os
import shutil
import socket
import subprocess
import time

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from comments import services as comment_services
from core import redis_cache
from tests.factories import CommentFactory

INSTALL_HINT = "apt-get install -y redis-server"


@pytest.fixture(scope="module")
def redis_url():
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("CI", "").strip().lower() == "true":
            pytest.fail(f"redis-server not found and CI=true: {INSTALL_HINT}", pytrace=False)
        pytest.skip(f"redis-server not found: {INSTALL_HINT}")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/1"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def on_redis(settings, redis_url):
    backend = "core.redis_cache.RedisCache"
    settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": redis_url}}
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    settings.ANONYMOUS_PAGE_CACHE = None  # decided by the backend: a shared one turns caching on
    caches["default"].clear()
    yield caches["default"]
    caches["default"].clear()


def test_the_backend_keeps_one_client_and_does_what_django_cache_does(on_redis):
    cache = on_redis
    cache.set("greeting", {"text": "Привет"}, timeout=30)
    assert cache.get("greeting") == {"text": "Привет"}
    assert cache.add("greeting", "other") is False
    assert cache.add("counter", 1) is True
    assert cache.incr("counter") == 2
    found = cache.get_many(["greeting", "counter", "missing"])
    assert found == {"greeting": {"text": "Привет"}, "counter": 2}
    cache.delete_many(["greeting", "counter"])
    assert cache.get("greeting") is None
    client = cache._cache.get_client(write=True)
    assert cache._cache.get_client(write=True) is client  # made once, not once per operation


def test_pages_and_logged_in_pieces_stay_fresh_on_redis(on_redis, post, student, instructor):
    from core.cache import is_enabled

    assert is_enabled()
    CommentFactory(post=post, body="The first answer.")
    anonymous, member = Client(), Client()
    member.force_login(student)
    url = post.get_absolute_url()
    assert anonymous.get(url)["X-Page-Cache"] == "miss"
    assert anonymous.get(url)["X-Page-Cache"] == "hit"
    assert "The first answer." in member.get(url).content.decode()
    comment_services.comment_create(post=post, author=instructor, body="A second answer, posted now.")
    for reader in (anonymous, member):
        assert "A second answer, posted now." in reader.get(url).content.decode()


def test_sessions_live_in_redis_and_log_in_works(on_redis, student):
    client = Client()
    student.set_password("a long enough passphrase")
    student.save()
    assert client.login(username=student.username, password="a long enough passphrase")
    session_key = client.cookies["sessionid"].value
    assert on_redis.get(f"django.contrib.sessions.cached_db{session_key}") is not None


@pytest.fixture
def redis_down(settings):
    """The production settings pointed at a Redis that refuses connections (nothing listens there)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again when the block ends: connections are refused
    backend = "core.redis_cache.RedisCache"
    settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": f"redis://127.0.0.1:{port}/1"}}
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    settings.ANONYMOUS_PAGE_CACHE = None


def test_with_redis_down_pages_render_and_writes_succeed(redis_down, post, student, instructor, caplog):
    redis_cache._last_logged[0] = 0.0  # the outage is logged at most every 10 s: let this test see it
    CommentFactory(post=post, body="Written before the outage.")
    url = post.get_absolute_url()
    for _ in range(2):
        assert "Written before the outage." in Client().get(url).content.decode()
    member = Client()
    member.force_login(student)
    assert "Written before the outage." in member.get(url).content.decode()
    # A save bumps the course's version in the cache: that must not fail the save.
    comment_services.comment_create(post=post, author=instructor, body="Written during the outage.")
    assert "Written during the outage." in member.get(url).content.decode()
    form = {"body": "Sent through the form during the outage.", "parent": "", "website": ""}
    response = member.post(_create_url(post), form)
    assert response.status_code == 302
    assert "Sent through the form during the outage." in member.get(url).content.decode()
    student.set_password("a long enough passphrase")
    student.save()
    visitor = Client()
    credentials = {"username": student.username, "password": "a long enough passphrase"}
    answer = visitor.post(reverse("login"), credentials)
    assert answer.status_code == 302  # log-in limits and the session live in Redis: both fall back
    assert "Written during the outage." in visitor.get(url).content.decode()
    assert "Redis cannot be reached" in caplog.text


def _create_url(post):
    return reverse("comments:create", kwargs={"course_slug": post.course.slug, "post_slug": post.slug})
