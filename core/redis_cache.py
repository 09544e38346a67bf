"""Django's Redis cache backend with two changes: one client per server, and an outage is not an error.

- Django's client builds a new redis.Redis object around its connection pool
  for every operation, which cost more than the round trip itself (a quarter of
  an anonymous page served from the cache). A redis.Redis object is safe to
  share between threads and survives gunicorn's fork (its pool reconnects in
  the child), so one per server is kept.
- When Redis cannot be reached, reads find nothing and writes are dropped,
  logged at most every 10 s per process. Pages then render from the database
  (slower, still correct), sessions fall back to the database, and limits are
  not counted: an outage must not turn every page, log-in and save into a 500.
  When Redis comes back, what a missed bump should have made stale lives at
  most the five minutes every cached piece is kept.
"""

import functools
import logging
import time

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient

logger = logging.getLogger("coursesite.cache")
_last_logged = [0.0]


def _unreachable_means(fallback):
    """Run the operation; if Redis cannot be reached, log and answer fallback(*arguments) instead."""

    def decorate(operation):
        @functools.wraps(operation)
        def tolerant(self, *args, **kwargs):
            try:
                return operation(self, *args, **kwargs)
            except (self._lib.exceptions.ConnectionError, self._lib.exceptions.TimeoutError):
                if time.monotonic() - _last_logged[0] > 10:
                    _last_logged[0] = time.monotonic()
                    logger.warning(
                        "Redis cannot be reached (%s): serving without the cache", operation.__name__
                    )
                return fallback(*args, **kwargs)

        return tolerant

    return decorate


class RedisCacheClient(DjangoRedisCacheClient):
    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client

    get = _unreachable_means(lambda key, default: default)(DjangoRedisCacheClient.get)
    add = _unreachable_means(lambda *args: False)(DjangoRedisCacheClient.add)
    set = _unreachable_means(lambda *args: None)(DjangoRedisCacheClient.set)
    touch = _unreachable_means(lambda *args: False)(DjangoRedisCacheClient.touch)
    delete = _unreachable_means(lambda *args: False)(DjangoRedisCacheClient.delete)
    get_many = _unreachable_means(lambda *args: {})(DjangoRedisCacheClient.get_many)
    has_key = _unreachable_means(lambda *args: False)(DjangoRedisCacheClient.has_key)
    # A counter that cannot count counts nothing: limits are not enforced during an outage.
    incr = _unreachable_means(lambda *args: 0)(DjangoRedisCacheClient.incr)
    set_many = _unreachable_means(lambda *args: [])(DjangoRedisCacheClient.set_many)
    delete_many = _unreachable_means(lambda *args: None)(DjangoRedisCacheClient.delete_many)
    clear = _unreachable_means(lambda *args: False)(DjangoRedisCacheClient.clear)


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
