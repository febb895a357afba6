"""A limit on how many exports are streamed at once, so downloads cannot take every
worker and database connection from the pages.

The slots are shared by the whole site through a Redis sorted set (one member per
download, scored by the time its slot lapses, so a worker killed mid-download frees its
slot by itself). While Redis is unreachable, or the cache is not Redis (the embedded
default), each process counts its own downloads with the same limit: the site then
allows the limit per process, never an unlimited number, and never an error.
"""

from __future__ import annotations

import contextlib
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator

import redis
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseBase, StreamingHttpResponse

from config.cache import is_unreachable

SLOTS_KEY = "exports:streams"

# Drop lapsed slots, then take one if fewer than the limit are held. One script, so two
# workers cannot both see the last free slot.
_ACQUIRE = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], ARGV[3], ARGV[4])
  redis.call('EXPIRE', KEYS[1], ARGV[5])
  return 1
end
return 0
"""

_process_lock = threading.Lock()
_process_held = 0


def _redis_client() -> object | None:
    client = getattr(cache, "_cache", None)
    if client is None or not hasattr(client, "get_client") or is_unreachable(cache):
        return None
    return client.get_client(write=True)


class Slot:
    """One held slot; ``release`` may be called more than once."""

    def __init__(self, release: Callable[[], None]) -> None:
        self._release: Callable[[], None] | None = release

    def release(self) -> None:
        release, self._release = self._release, None
        if release is not None:
            release()


def _take_process_slot(limit: int) -> Slot | None:
    global _process_held
    with _process_lock:
        if _process_held >= limit:
            return None
        _process_held += 1

    def give_back() -> None:
        global _process_held
        with _process_lock:
            _process_held -= 1

    return Slot(give_back)


def _take_shared_slot(client: object, limit: int) -> Slot | None:
    key = cache.make_key(SLOTS_KEY)
    lifetime = settings.EXPORT_STREAM_SLOT_SECONDS
    token = uuid.uuid4().hex
    now = time.time()
    taken = client.eval(_ACQUIRE, 1, key, now, limit, now + lifetime, token, lifetime + 60)
    if not taken:
        return None

    def give_back() -> None:
        with contextlib.suppress(redis.RedisError):  # else the slot lapses by itself
            client.zrem(key, token)

    return Slot(give_back)


def forget_process_slots() -> None:
    """Free every slot of this process (tests: a response never read keeps its slot)."""
    global _process_held
    with _process_lock:
        _process_held = 0


class NoSlot(Exception):
    """Every slot is in use."""


def acquire() -> Slot:
    """Take a slot or raise NoSlot."""
    limit = settings.EXPORT_STREAM_CONCURRENCY
    client = _redis_client()
    slot = None
    if client is not None:
        try:
            slot = _take_shared_slot(client, limit)
        except redis.RedisError:
            client = None  # fail open to the per-process count
        else:
            if slot is None:
                raise NoSlot
    if client is None:
        slot = _take_process_slot(limit)
    if slot is None:
        raise NoSlot
    return slot


class _HeldWhileSent:
    """The chunks of a response, holding a slot until they are all sent or the
    response is closed (a client gone mid-download), whichever comes first."""

    def __init__(self, chunks: Iterable, slot: Slot) -> None:
        self._chunks = chunks
        self._slot = slot

    def __iter__(self) -> Iterator:
        try:
            yield from self._chunks
        finally:
            self.close()

    def close(self) -> None:
        self._slot.release()
        close = getattr(self._chunks, "close", None)
        if close is not None:
            close()


def busy() -> HttpResponse:
    retry_after = settings.EXPORT_STREAM_RETRY_AFTER
    response = HttpResponse(
        f"Too many exports are being prepared right now. Try again in {retry_after} seconds.\n",
        status=503,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(retry_after)
    return response


def limited(make_response: Callable[[], StreamingHttpResponse]) -> HttpResponseBase:
    """The streamed export ``make_response`` builds, if a slot is free; else a 503
    with Retry-After. Validate the request before: a refusal must not take a slot."""
    try:
        slot = acquire()
    except NoSlot:
        return busy()
    try:
        response = make_response()
    except BaseException:
        slot.release()
        raise
    response.streaming_content = _HeldWhileSent(response.streaming_content, slot)
    return response
