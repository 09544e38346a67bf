"""The production cache, on a real Redis: our backend keeps one client, and caching stays correct on it.

Each test run starts a throwaway redis-server on 127.0.0.1 (stopped by its pid).
Without redis-server the tests are skipped with the install command; under
CI=true a missing Redis is an error, so CI can never go green without them.
"""

import os
import socket
import time

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from comments import services as comment_services
from core import redis_cache
from tests.factories import CommentFactory
from tests.servers import free_port, start_redis, stop


@pytest.fixture(scope="module")
def redis_url():
    port = free_port()
    server = start_redis(port, "--save", "")
    try:
        yield f"redis://127.0.0.1:{port}/1"
    finally:
        stop(server)


FALLBACK = {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "ratelimit_fallback"}


@pytest.fixture(autouse=True)
def _no_outage_carried_over():
    """Each test starts with Redis trusted again (a failure makes a process leave it alone for 5 s)."""
    redis_cache._left_alone_until[0] = redis_cache._last_logged[0] = 0.0
    yield
    redis_cache._left_alone_until[0] = 0.0


def production_caches(location):
    """The caches as coursesite/settings.py makes them for CACHE_URL=redis://..., with the limiter's table
    (which `migrate` makes; the test database was made under other settings)."""
    call_command("createcachetable", "ratelimit_fallback", verbosity=0)
    return {
        "default": {"BACKEND": "core.redis_cache.RedisCache", "LOCATION": location},
        "ratelimit": FALLBACK,
    }


@pytest.fixture
def on_redis(settings, redis_url, db):
    settings.CACHES = production_caches(redis_url)
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
def redis_down(settings, db):
    """The production settings pointed at a Redis that refuses connections (nothing listens there)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again when the block ends: connections are refused
    settings.CACHES = production_caches(f"redis://127.0.0.1:{port}/1")
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    settings.ANONYMOUS_PAGE_CACHE = None


def test_with_redis_down_pages_render_and_writes_succeed(redis_down, post, student, instructor, caplog):
    redis_cache._left_alone_until[0] = redis_cache._last_logged[0] = 0.0  # the fixtures met the outage first
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


def test_a_redis_restored_from_a_snapshot_never_serves_the_pages_it_held(
    settings, db, tmp_path, post, instructor
):
    """Redis comes back with its data (persistence, a failover): the old version tokens and the pages
    stored under them come back too, and must not be served."""
    port = free_port()
    server = start_redis(port, "--save", "", "--dir", str(tmp_path), "--dbfilename", "snapshot.rdb")
    settings.CACHES = production_caches(f"redis://127.0.0.1:{port}/1")
    settings.ANONYMOUS_PAGE_CACHE = None
    settings.REDIS_RETRY_SECONDS = 0  # try again on the next request, not 5 s later
    try:
        url, reader = post.get_absolute_url(), Client()
        reader.get(url)  # the course's version is made now (by the page's first piece)
        reader.get(url)  # and the page stored under it
        assert reader.get(url)["X-Page-Cache"] == "hit"
        caches["default"]._cache.get_client(write=True).save()  # the snapshot holds that page
        comment_services.comment_create(post=post, author=instructor, body="Posted after the snapshot.")
        assert "Posted after the snapshot." in reader.get(url).content.decode()
        stop(server)
        server = start_redis(port, "--save", "", "--dir", str(tmp_path), "--dbfilename", "snapshot.rdb")
        for _ in range(3):  # the first finds its connection gone; the next ones talk to the restored server
            assert "Posted after the snapshot." in reader.get(url).content.decode()
        assert reader.get(url)["X-Page-Cache"] == "hit"  # and caching works again
    finally:
        stop(server)


def test_a_hung_redis_costs_one_short_wait_not_every_request(on_redis, settings, post, redis_url):
    """SIGSTOP: the server accepts nothing and answers nothing. The site goes on from the database."""
    import signal

    settings.REDIS_TIMEOUT_SECONDS = 0.3
    caches["default"].close()  # the new timeouts apply to connections made from now on
    url, reader = post.get_absolute_url(), Client()
    reader.get(url)
    server_pid = int(on_redis._cache.get_client().info("server")["process_id"])
    os.kill(server_pid, signal.SIGSTOP)
    try:
        started = time.monotonic()
        answers = [reader.get(url).status_code for _ in range(20)]
        elapsed = time.monotonic() - started
    finally:
        os.kill(server_pid, signal.SIGCONT)
    assert answers == [200] * 20
    # redis-py's defaults waited 5 s per attempt, and retried: 20 requests took minutes.
    assert elapsed < 5, f"20 requests took {elapsed:.1f} s with Redis hung"


def test_a_full_redis_drops_writes_instead_of_failing_pages(on_redis, post, student):
    """maxmemory with noeviction: every write is refused with an out-of-memory error."""
    client = on_redis._cache.get_client(write=True)
    client.config_set("maxmemory-policy", "noeviction")
    client.config_set("maxmemory", "1")
    try:
        url = post.get_absolute_url()
        assert Client().get(url).status_code == 200
        member = Client()
        member.force_login(student)
        assert member.get(url).status_code == 200
    finally:
        client.config_set("maxmemory", "0")


def test_with_redis_down_the_log_in_lockout_and_comment_limits_still_hold(
    redis_down, settings, post, student
):
    student.set_password("a long enough passphrase")
    student.save()
    visitor = Client()
    for _ in range(7):
        visitor.post(reverse("login"), {"username": student.username, "password": "wrong"})
    answer = visitor.post(
        reverse("login"), {"username": student.username, "password": "a long enough passphrase"}
    )
    assert answer.status_code == 200
    assert "Too many failed log-ins" in answer.content.decode()

    settings.COMMENTS_RATE_LIMITS = ((60, 3),)
    post.course.moderate_first_comment = False
    post.course.save()
    member = Client()
    member.force_login(student)
    codes = [
        member.post(
            _create_url(post), {"body": f"Quick comment {n}.", "parent": "", "website": ""}
        ).status_code
        for n in range(10)
    ]
    assert codes.count(302) == 3, codes
