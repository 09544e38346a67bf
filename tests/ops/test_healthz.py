"""/healthz: each part checked for real, 200 only when all answer, 503 naming the one that did not."""

import logging
import time

import pytest
from django.core.cache import caches
from django.urls import reverse

from core import redis_cache
from tests.factories import CourseFactory
from tests.servers import free_port

HEALTHZ = "/healthz"
ALL_OK = {"database": "ok", "cache": "ok", "storage": "ok"}


def test_the_url_is_healthz():
    assert reverse("ops:healthz") == HEALTHZ


@pytest.mark.django_db
def test_all_ok_is_200_in_one_query(client, django_assert_num_queries):
    with django_assert_num_queries(1):  # SELECT 1; no session, no user
        response = client.get(HEALTHZ)
    assert response.status_code == 200
    assert response.json() == ALL_OK
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response
    assert "X-Page-Cache" not in response


@pytest.mark.django_db
def test_it_is_never_stored_by_the_anonymous_page_cache(settings, client):
    settings.ANONYMOUS_PAGE_CACHE = True  # caching on, as with a shared cache in production
    front = reverse("posts:front", kwargs={"course_slug": CourseFactory().slug})
    assert [client.get(front)["X-Page-Cache"] for _ in range(2)] == ["miss", "hit"]  # it is on
    for _ in range(3):
        response = client.get(HEALTHZ)
        assert response.status_code == 200
        assert "X-Page-Cache" not in response


@pytest.mark.django_db
def test_head_is_answered_and_post_is_not(client):
    assert client.head(HEALTHZ).status_code == 200
    assert client.post(HEALTHZ).status_code == 405


@pytest.fixture
def redis_down(settings):
    """The production cache backend pointed at a port where nothing listens."""
    settings.CACHES = {
        "default": {
            "BACKEND": "core.redis_cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/1",
        }
    }
    redis_cache._left_alone_until[0] = redis_cache._last_logged[0] = 0.0
    yield caches["default"]
    # This process would leave Redis alone for 5 s: the next tests start with it trusted again.
    redis_cache._left_alone_until[0] = redis_cache._last_logged[0] = 0.0


@pytest.mark.django_db
def test_with_redis_down_it_is_503_naming_the_cache(redis_down, client, django_assert_num_queries, caplog):
    started = time.monotonic()
    with django_assert_num_queries(1):
        response = client.get(HEALTHZ)
    assert time.monotonic() - started < 2  # refused at once; the backend's timeout is 0.5 s
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "cache": "error", "storage": "ok"}
    assert redis_cache.outage()  # the backend saw it as an outage, as every other caller would
    assert "Health check: cache failed" in caplog.text
    # During the outage each probe still says so, without waiting on Redis again.
    assert client.get(HEALTHZ).json()["cache"] == "error"


def test_without_the_database_it_is_503_naming_the_database(client):
    """No `db` fixture: pytest-django refuses every query, as a database that is down would."""
    response = client.get(HEALTHZ)
    assert response.status_code == 503
    assert response.json() == {"database": "error", "cache": "ok", "storage": "ok"}


@pytest.mark.django_db
def test_on_s3_the_bucket_is_asked(media_on_s3, client):
    media_on_s3()
    response = client.get(HEALTHZ)
    assert response.status_code == 200
    assert response.json() == ALL_OK


@pytest.mark.django_db
def test_with_the_bucket_unreachable_it_is_503_naming_the_storage(media_on_s3, client, monkeypatch, caplog):
    media_on_s3(AWS_S3_ENDPOINT_URL=f"http://127.0.0.1:{free_port()}")  # nothing listens there
    caplog.set_level(logging.WARNING, logger="coursesite.health")
    started = time.monotonic()
    response = client.get(HEALTHZ)
    assert time.monotonic() - started < 5  # two quick attempts, not botocore's default minutes
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "cache": "ok", "storage": "error"}
    assert "Health check: storage failed" in caplog.text
    assert "127.0.0.1" not in response.content.decode()  # the reason is logged, never answered


@pytest.mark.django_db
def test_on_s3_a_bucket_that_does_not_exist_is_503_naming_the_storage(media_on_s3, client):
    media_on_s3(AWS_STORAGE_BUCKET_NAME="no-such-bucket-here")
    response = client.get(HEALTHZ)
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "cache": "ok", "storage": "error"}
