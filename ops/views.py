"""The health check a load balancer or uptime monitor polls.

Each part is really exercised (a query, a cache round trip, a storage look-up),
so a 200 means the site can serve pages and images now. The answer names only
which part failed: the reason goes to the log, never to whoever is polling.
It is a plain view, so the anonymous page cache never stores it.
"""

import logging
import secrets

from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.http import require_safe

logger = logging.getLogger("coursesite.health")

# A key that no upload can have (uploads are stored under posts/<year>/<month>/).
STORAGE_PROBE = "healthz-probe"


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise RuntimeError("SELECT 1 answered something else")


def _cache() -> None:
    # A fresh key and value each time: a cache that drops writes (core.redis_cache in an
    # outage answers every read with "not found") cannot pass by returning an old value.
    key, value = f"healthz:{secrets.token_hex(8)}", secrets.token_hex(8)
    cache.set(key, value, timeout=10)
    if cache.get(key) != value:
        raise RuntimeError("a value just set could not be read back")
    cache.delete(key)


def _storage() -> None:
    bucket = getattr(default_storage, "bucket", None)
    if bucket is not None:
        # S3: a missing key reads as "not there" even when the bucket itself is gone; ask for it.
        bucket.meta.client.head_bucket(Bucket=bucket.name)
        return
    default_storage.exists(STORAGE_PROBE)  # a missing key is fine; an error is not


CHECKS = {"database": _database, "cache": _cache, "storage": _storage}


@require_safe
def healthz(request):
    """{"database": "ok", "cache": "ok", "storage": "ok"}: 200 if all are ok, else 503."""
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as error:  # any failure is the answer, whatever its kind
            logger.warning("Health check: %s failed (%s: %s)", name, type(error).__name__, error)
            results[name] = "error"
        else:
            results[name] = "ok"
    healthy = all(result == "ok" for result in results.values())
    response = JsonResponse(results, status=200 if healthy else 503)
    response["Cache-Control"] = "no-store"  # no proxy or browser answers a probe from its copy
    return response
