"""Django's Redis cache backend, made for a cache that may vanish, hang, fill up or come back from a snapshot.

- One client per server: Django's client builds a new redis.Redis object
  around its connection pool for every operation, which cost more than the
  round trip itself. A redis.Redis object is safe to share between threads and
  survives gunicorn's fork (its pool reconnects in the child).
- Short timeouts and no retries (REDIS_TIMEOUT_SECONDS, 0.5 s by default, for
  connecting and for each answer): redis-py's own defaults wait 5 s. After a
  failure this process leaves Redis alone for REDIS_RETRY_SECONDS (5 s), so a
  hung server costs one request one timeout, not every request.
- An outage is not an error: reads find nothing, writes are dropped, logged
  at most every 10 s per process. Pages then render from the database, sessions
  fall back to it, and the rate limiter counts in the database instead
  (core/ratelimit.py asks `outage()`). Any other Redis error on a write (a full
  Redis under `noeviction`) drops the write the same way.
- The server's epoch: Redis's run_id, read on each new connection. It changes
  whenever the server restarts (a snapshot restored, a failover), which is when
  keys can come back older than what this process saw. core/cache.py stores
  every piece under the epoch with the course version, so nothing stored in an
  earlier life of the server is ever served again.
"""

import functools
import logging
import time

from django.conf import settings
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError, RedisError, TimeoutError
from redis.retry import Retry

logger = logging.getLogger("coursesite.cache")
_last_logged = [0.0]
_left_alone_until = [0.0]  # monotonic time until which this process does not try Redis
_run_ids: dict[tuple, str] = {}  # (host, port) -> run_id of the server's current life


def outage() -> bool:
    """Whether this process saw Redis fail within the last REDIS_RETRY_SECONDS."""
    return time.monotonic() < _left_alone_until[0]


def _log(message: str, *args) -> None:
    if time.monotonic() - _last_logged[0] > 10:
        _last_logged[0] = time.monotonic()
        logger.warning(message, *args)


def _tolerant(fallback, *, writes=False):
    """Run the operation; if Redis fails, log and answer fallback(*arguments) instead.

    Connection errors and timeouts start an outage. On writes any Redis error is
    tolerated (a write is only a cache's copy); on reads other errors are bugs
    and raise.
    """

    def decorate(operation):
        @functools.wraps(operation)
        def tolerant(self, *args, **kwargs):
            if outage():
                return fallback(*args, **kwargs)
            try:
                return operation(self, *args, **kwargs)
            except (ConnectionError, TimeoutError) as error:
                _left_alone_until[0] = time.monotonic() + getattr(settings, "REDIS_RETRY_SECONDS", 5)
                _log("Redis cannot be reached (%s: %s): serving without the cache", operation.__name__, error)
                return fallback(*args, **kwargs)
            except RedisError as error:
                if not writes:
                    raise
                _log("Redis refused a write (%s: %s): dropped", operation.__name__, error)
                return fallback(*args, **kwargs)

        return tolerant

    return decorate


def _connect_and_learn_epoch(connection) -> None:
    """Set up a new connection as redis-py does, then learn which life of the server it talks to."""
    connection.on_connect()
    try:
        connection.send_command("INFO", "server")
        info = connection.read_response()
    except RedisError:  # INFO may be disabled on a managed server: no epoch then
        return
    text = info.decode(errors="replace") if isinstance(info, bytes) else str(info)
    for line in text.splitlines():
        if line.startswith("run_id:"):
            _run_ids[(connection.host, connection.port)] = line.partition(":")[2].strip()


class RedisCacheClient(DjangoRedisCacheClient):
    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client

    def epoch(self) -> str:
        """The run_id of the server reads come from ("" until a connection is made, or if unknown)."""
        kwargs = self._get_connection_pool(write=False).connection_kwargs
        return _run_ids.get((kwargs.get("host"), kwargs.get("port")), "")

    get = _tolerant(lambda key, default: default)(DjangoRedisCacheClient.get)
    get_many = _tolerant(lambda *args: {})(DjangoRedisCacheClient.get_many)
    has_key = _tolerant(lambda *args: False)(DjangoRedisCacheClient.has_key)
    add = _tolerant(lambda *args: False, writes=True)(DjangoRedisCacheClient.add)
    set = _tolerant(lambda *args: None, writes=True)(DjangoRedisCacheClient.set)
    touch = _tolerant(lambda *args: False, writes=True)(DjangoRedisCacheClient.touch)
    delete = _tolerant(lambda *args: False, writes=True)(DjangoRedisCacheClient.delete)
    # A counter that cannot count counts nothing; the rate limiter counts elsewhere meanwhile.
    incr = _tolerant(lambda *args: 0, writes=True)(DjangoRedisCacheClient.incr)
    set_many = _tolerant(lambda *args: [], writes=True)(DjangoRedisCacheClient.set_many)
    delete_many = _tolerant(lambda *args: None, writes=True)(DjangoRedisCacheClient.delete_many)
    clear = _tolerant(lambda *args: False, writes=True)(DjangoRedisCacheClient.clear)


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        seconds = getattr(settings, "REDIS_TIMEOUT_SECONDS", 0.5)
        options = {
            "socket_connect_timeout": seconds,
            "socket_timeout": seconds,
            "retry": Retry(NoBackoff(), 0),  # a failed command fails now; the next request tries again
            "redis_connect_func": _connect_and_learn_epoch,
            **params.get("OPTIONS", {}),
        }
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = RedisCacheClient

    def epoch(self) -> str:
        return self._cache.epoch()
