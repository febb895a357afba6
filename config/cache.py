"""The Django cache on Redis, failing open: Redis is a cache here, never a dependency.

While Redis cannot be reached every read is a miss and every write is dropped, so a page
is rendered from the database instead of answering 500. A dead Redis must not cost each
request a timeout, so after one connection or timeout error the process skips Redis for
``RETRY_SECONDS`` (a circuit breaker), then asks it again (PING) at the next cache call.

The breaker's state is per process and per Redis location: each process logs one WARNING
when it finds Redis gone and one INFO when it is back, not one line per request. On
recovery ``cache_recovered`` is sent: invalidations written while Redis was away were
lost, so receivers start new cache generations (``config.page_cache``,
``controversies.facets``).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar
from urllib.parse import urlsplit

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from django.dispatch import Signal

logger = logging.getLogger(__name__)

# Only the server being away is failed open; a wrong command or an unpicklable value is a
# bug and still raises.
UNAVAILABLE = (redis.ConnectionError, redis.TimeoutError)
DEFAULT_RETRY_SECONDS = 5.0

# Sent (once per process and outage) when Redis answers again after an outage.
cache_recovered = Signal()

T = TypeVar("T")


class CircuitBreaker:
    """Whether this process should try Redis now. Shared by every thread of the process."""

    def __init__(self, location: str, retry_seconds: float) -> None:
        self.location = location
        self.retry_seconds = retry_seconds
        self._lock = threading.Lock()
        self._skip_until = 0.0
        self._down_since: float | None = None

    @property
    def is_down(self) -> bool:
        """True from the first failure until Redis answers a PING again."""
        return self._down_since is not None

    def allows_call(self) -> bool:
        return time.monotonic() >= self._skip_until

    def record_failure(self, error: Exception) -> None:
        with self._lock:
            now = time.monotonic()
            self._skip_until = now + self.retry_seconds
            if self._down_since is not None:
                return
            self._down_since = now
        logger.warning(
            "Redis cache at %s is unreachable from process %d (%s): serving without the "
            "cache, retrying every %g s",
            self.location,
            os.getpid(),
            error,
            self.retry_seconds,
        )

    def record_success(self) -> None:
        with self._lock:
            if self._down_since is None:
                return
            seconds = time.monotonic() - self._down_since
            self._down_since = None
        logger.info(
            "Redis cache at %s is back for process %d after %.1f s",
            self.location,
            os.getpid(),
            seconds,
        )
        cache_recovered.send(sender=CircuitBreaker, location=self.location)


_breakers: dict[str, CircuitBreaker] = {}
_breakers_lock = threading.Lock()


def breaker_for(location: str, retry_seconds: float) -> CircuitBreaker:
    """The process's breaker for one Redis location (Django makes a cache object per
    thread; they all share it)."""
    with _breakers_lock:
        if location not in _breakers:
            _breakers[location] = CircuitBreaker(location, retry_seconds)
        return _breakers[location]


def _display(servers: Iterable[str]) -> str:
    # host:port only: a URL may carry a password.
    return ",".join(f"{urlsplit(s).hostname}:{urlsplit(s).port or 6379}" for s in servers)


class FailOpenRedisCache(RedisCache):
    """Django's RedisCache where an unreachable Redis reads as a miss and drops writes.

    ``incr`` raises ValueError, as for a missing key. OPTIONS takes ``RETRY_SECONDS``
    (how long to skip Redis after a failure) besides redis-py's connection options; give
    short ``socket_connect_timeout`` and ``socket_timeout`` there.
    """

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS") or {})
        retry_seconds = float(options.pop("RETRY_SECONDS", DEFAULT_RETRY_SECONDS))
        super().__init__(server, {**params, "OPTIONS": options})
        self.breaker = breaker_for(_display(self._servers), retry_seconds)

    def _or(self, fallback: Callable[[], T], call: Callable[..., T], *args: Any) -> T:
        if self.breaker.is_down and not self._answers_again():
            return fallback()
        try:
            return call(*args)
        except UNAVAILABLE as error:
            self.breaker.record_failure(error)
            return fallback()

    def _answers_again(self) -> bool:
        """During an outage: skip Redis until the retry time, then PING it. On an answer
        the breaker closes, and ``cache_recovered`` is sent, before the caller's own call
        runs: that call already sees the new generations."""
        if not self.breaker.allows_call():
            return False
        try:
            self._cache.get_client(write=True).ping()
        except UNAVAILABLE as error:
            self.breaker.record_failure(error)
            return False
        self.breaker.record_success()
        return True

    def add(
        self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> bool:
        return self._or(lambda: False, super().add, key, value, timeout, version)

    def get(self, key: str, default: Any = None, version: Any = None) -> Any:
        return self._or(lambda: default, super().get, key, default, version)

    def set(
        self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        return self._or(lambda: None, super().set, key, value, timeout, version)

    def touch(self, key: str, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        return self._or(lambda: False, super().touch, key, timeout, version)

    def delete(self, key: str, version: Any = None) -> bool:
        return self._or(lambda: False, super().delete, key, version)

    def get_many(self, keys: Iterable[str], version: Any = None) -> dict[str, Any]:
        return self._or(dict, super().get_many, keys, version)

    def has_key(self, key: str, version: Any = None) -> bool:
        return self._or(lambda: False, super().has_key, key, version)

    def incr(self, key: str, delta: int = 1, version: Any = None) -> int:
        return self._or(_missing(key), super().incr, key, delta, version)

    def set_many(
        self, data: dict[str, Any], timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> list[str]:
        return self._or(lambda: list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys: Iterable[str], version: Any = None) -> None:
        return self._or(lambda: None, super().delete_many, keys, version)

    def clear(self) -> bool:
        return self._or(lambda: False, super().clear)


def is_unreachable(backend: object) -> bool:
    """Whether a cache backend is failing open right now (never true for other backends)."""
    breaker = getattr(backend, "breaker", None)
    return breaker is not None and breaker.is_down


def _missing(key: str) -> Callable[[], Any]:
    def raise_missing() -> Any:
        raise ValueError(f"Key '{key}' not found (the cache is unreachable)")

    return raise_missing
