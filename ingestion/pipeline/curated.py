"""Per-process copies of what the pipeline derives from curated rows (the alias
automaton, the topic names), re-checked cheaply instead of once per article.

Every curated save bumps the facet generation (``controversies.signals``), one Redis read
away, so an edit is seen by the next article. Writes that bypass signals (a bulk
``update()``, ``seed_bulk``, a save whose transaction was still open when the generation
was read) are caught by re-checking at least every RECHECK_SECONDS.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Generic, TypeVar

import redis

from controversies import facets

logger = logging.getLogger(__name__)

RECHECK_SECONDS = 10.0
T = TypeVar("T")


_UNREAD = object()
# Inside one_reading(): the generation read for this unit of work, or _UNREAD until then.
_pinned: ContextVar[object] = ContextVar("curated_generation", default=None)


@contextmanager
def one_reading() -> Iterator[None]:
    """Every snapshot asked for inside checks the generation read once, at the first
    ask: one article's steps need the automaton and the topic terms, and each Redis read
    cost as much as the check it answers."""
    token = _pinned.set(_UNREAD)
    try:
        yield
    finally:
        _pinned.reset(token)


def _read_generation() -> int | None:
    try:
        return facets.generation()
    except redis.RedisError as exc:
        # Without the shared counter, fall back to checking the rows every time.
        logger.warning("Facet generation unavailable (%s); re-checking curated rows", exc)
        return None


def _generation() -> int | None:
    pinned = _pinned.get()
    if pinned is None:  # not inside one_reading()
        return _read_generation()
    if pinned is _UNREAD:
        pinned = _read_generation()
        _pinned.set(pinned)
    return pinned  # type: ignore[return-value]


class CuratedSnapshot(Generic[T]):
    """``load()``'s result, kept until the generation moves or RECHECK_SECONDS pass; then
    ``stamp()`` (a cheap query) says whether the rows really changed. Without a stamp,
    ``load()`` runs again at each re-check."""

    def __init__(self, load: Callable[[], T], stamp: Callable[[], Hashable] | None = None):
        self._load = load
        self._stamp = stamp
        self._lock = threading.Lock()
        self.forget()

    def forget(self) -> None:
        self._value: T | None = None
        self._loaded_stamp: Hashable = None
        self._generation: int | None = None
        self._recheck_at = 0.0

    def get(self) -> T:
        generation = _generation()
        with self._lock:
            now = time.monotonic()
            fresh = generation is not None and generation == self._generation
            if self._value is None or not fresh or now >= self._recheck_at:
                stamp = self._stamp() if self._stamp else None
                if self._value is None or stamp is None or stamp != self._loaded_stamp:
                    self._value = self._load()
                    self._loaded_stamp = stamp
                self._generation = generation
                self._recheck_at = now + RECHECK_SECONDS
            return self._value
