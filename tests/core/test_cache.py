"""The course cache's version: one read per request, never shared between requests; local copies bounded."""

import contextvars

from django.core.cache import cache

import core.cache
from core.cache import _LocalCopies, _remember_versions, course_version


def test_each_process_keeps_its_copies_within_a_memory_bound():
    copies = _LocalCopies(max_bytes=10)
    copies.put("a", ("v1", b"123456", {}))
    copies.put("b", ("v1", b"abcdef", {}))  # over the bound: the least recently used goes
    assert copies.get("a", "v1") is None
    assert copies.get("b", "v1") == ("v1", b"abcdef", {})
    assert copies.get("b", "v2") is None  # a copy from another version is never served
    assert copies.size == 6


def test_a_process_copy_is_used_for_a_bounded_time_even_if_no_change_bumps_it(monkeypatch):
    """A post scheduled for later appears without any bump: copies must not outlive their time."""
    now = [1000.0]
    monkeypatch.setattr(core.cache.time, "monotonic", lambda: now[0])
    copies = _LocalCopies(max_bytes=1000, seconds=60)
    copies.put("front", ("v1", b"without the scheduled post", {}))
    now[0] += 59
    assert copies.get("front", "v1") is not None
    now[0] += 2
    assert copies.get("front", "v1") is None
    assert copies.size == 0


def test_each_request_remembers_its_own_versions_even_in_one_thread(settings):
    """Under ASGI one thread serves many requests at once: a version one read must not reach another."""
    settings.ANONYMOUS_PAGE_CACHE = True
    first, second = contextvars.Context(), contextvars.Context()
    first.run(_remember_versions)
    second.run(_remember_versions)
    key = "pagecache:version:history"
    cache.set(key, "before")
    seen_first = first.run(course_version, "history")
    cache.set(key, "after")  # a change lands while the first request is still rendering
    assert second.run(course_version, "history") != seen_first  # a request that starts now sees it
    assert first.run(course_version, "history") == seen_first  # one request reads the cache once
