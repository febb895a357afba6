"""Per-process copies of what the pipeline derives from curated rows (the alias
automaton, the topic names), re-checked cheaply instead of once per article.

Every curated save starts a new curated data version
(``controversies.curated_version``), one Redis read away, so an edit is seen by the next
article. Writes that bypass signals (a bulk ``update()``, ``seed_bulk``, a save whose
transaction was still open when the version was read) are caught by re-checking at
least every RECHECK_SECONDS.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Generic, TypeVar

from controversies import curated_version

RECHECK_SECONDS = 10.0
T = TypeVar("T")


_UNREAD = object()
# Inside one_reading(): the version read for this unit of work, or _UNREAD until then.
_pinned: ContextVar[object] = ContextVar("curated_version", default=None)


@contextmanager
def one_reading() -> Iterator[None]:
    """Every snapshot asked for inside checks the version read once, at the first ask:
    one article's steps need the automaton and the topic terms, and they take them from
    one version, with one Redis read."""
    token = _pinned.set(_UNREAD)
    try:
        yield
    finally:
        _pinned.reset(token)


def _version() -> int | None:
    """None when the version is unknown (no cache): the snapshot re-checks its rows."""
    pinned = _pinned.get()
    if pinned is None:  # not inside one_reading()
        return curated_version.curated_data_version()
    if pinned is _UNREAD:
        pinned = curated_version.curated_data_version()
        _pinned.set(pinned)
    return pinned  # type: ignore[return-value]


class CuratedSnapshot(Generic[T]):
    """``load()``'s result, kept until the version changes or RECHECK_SECONDS pass; then
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
        self._version: int | None = None
        self._recheck_at = 0.0

    def get(self) -> T:
        version = _version()
        with self._lock:
            now = time.monotonic()
            fresh = version is not None and version == self._version
            if self._value is None or not fresh or now >= self._recheck_at:
                stamp = self._stamp() if self._stamp else None
                if self._value is None or stamp is None or stamp != self._loaded_stamp:
                    self._value = self._load()
                    self._loaded_stamp = stamp
                self._version = version
                self._recheck_at = now + RECHECK_SECONDS
            return self._value
