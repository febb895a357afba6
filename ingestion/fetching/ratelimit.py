"""A polite per-host rate limit: a token bucket shared by every worker through Redis.

Each request reserves the next free slot for its host and sleeps until that slot comes,
so requests to one host are spaced at ``INGESTION_PER_HOST_RATE`` per second after an
initial burst of ``INGESTION_PER_HOST_BURST``, however many workers fetch at once. When
the wait would be longer than allowed, nothing is reserved and the fetch fails as
transient, to be retried later rather than hammer the host. Without REDIS_URL (or when
Redis does not answer) the bucket lives in this process.
"""

from __future__ import annotations

import logging
import threading
import time
from functools import lru_cache

import redis
from django.conf import settings
from redis.commands.core import Script

from ingestion.fetching.errors import FetchError

logger = logging.getLogger(__name__)

KEY_PREFIX = "tracker:ingestion:rate:"

# Returns the seconds to wait before the reserved slot (as a string: Redis truncates
# Lua numbers to integers), or "-<seconds>" when the wait would exceed the maximum and
# nothing was reserved. The bucket's level may go below zero: that is the queue of
# reservations already handed out. Server time keeps every worker on the same clock.
_RESERVE_LUA = """
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local max_wait = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1]) or burst
local ts = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - ts) * rate)
local wait = 0
if tokens < 1 then wait = (1 - tokens) / rate end
if wait > max_wait then return '-' .. tostring(wait) end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens - 1), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens + 1) / rate * 1000) + 1000)
return tostring(wait)
"""


def wait_for_slot(host: str, *, max_wait: float) -> None:
    """Block until ``host`` may be sent one more request, or raise a transient FetchError."""
    rate = float(settings.INGESTION_PER_HOST_RATE)
    burst = max(1, int(settings.INGESTION_PER_HOST_BURST))
    if rate <= 0:
        return
    max_wait = max(0.0, min(max_wait, float(settings.INGESTION_RATE_MAX_WAIT)))
    wait = None
    if settings.REDIS_URL:
        try:
            wait = reserve_in_redis(host, rate=rate, burst=burst, max_wait=max_wait)
        except redis.RedisError as exc:
            logger.warning("rate limit: Redis unavailable (%s); limiting in-process", exc)
    if wait is None:
        wait = _local_bucket.reserve(host, rate=rate, burst=burst, max_wait=max_wait)
    if wait < 0:
        raise FetchError(
            f"{host} is rate-limited here: the next slot is {-wait:.1f} s away", transient=True
        )
    if wait > 0:
        time.sleep(wait)


def reserve_in_redis(host: str, *, rate: float, burst: int, max_wait: float) -> float:
    client = _redis_client(settings.REDIS_URL)
    script = _reserve_script(settings.REDIS_URL)
    reply = script(keys=[KEY_PREFIX + host], args=[rate, burst, max_wait], client=client)
    return float(reply)


@lru_cache(maxsize=4)
def _redis_client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)


@lru_cache(maxsize=4)
def _reserve_script(url: str) -> Script:
    return _redis_client(url).register_script(_RESERVE_LUA)


class LocalBucket:
    """The same reservation scheme for one process, on the monotonic clock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}

    def reserve(self, host: str, *, rate: float, burst: int, max_wait: float) -> float:
        with self._lock:
            now = time.monotonic()
            tokens, ts = self._buckets.get(host, (float(burst), now))
            tokens = min(burst, tokens + max(0.0, now - ts) * rate)
            wait = (1 - tokens) / rate if tokens < 1 else 0.0
            if wait > max_wait:
                return -wait
            self._buckets[host] = (tokens - 1, now)
            return wait

    def clear(self) -> None:
        with self._lock:
            self._buckets.clear()


_local_bucket = LocalBucket()
