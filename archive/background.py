"""Snapshots without a broker (the embedded setup: no REDIS_URL, tasks run in-process).

A curator's save must not wait for a fetch, so the snapshot runs in one background
thread of the same process instead of inside the request. One thread works through the
queued sources one at a time, so SQLite sees a single extra writer, and it is not a
daemon: a command such as load_demo finishes its snapshots before the process exits.
"""

from __future__ import annotations

import logging
import threading
from collections import deque

from django.db import connections

logger = logging.getLogger(__name__)

_pending: deque[int] = deque()
_lock = threading.Lock()
_worker: threading.Thread | None = None


def snapshot_in_background(source_id: int) -> None:
    global _worker
    with _lock:
        _pending.append(source_id)
        if _worker is None:
            _worker = threading.Thread(target=_drain, name="archive-snapshots")
            _worker.start()


def wait(timeout: float | None = None) -> bool:
    """Wait until the queue is worked off; True if it was (for tests and commands)."""
    with _lock:
        worker = _worker
    if worker is not None:
        worker.join(timeout)
        return not worker.is_alive()
    return True


def _drain() -> None:
    global _worker
    from archive.tasks import snapshot_source

    try:
        while True:
            with _lock:
                if not _pending:
                    _worker = None
                    return
                source_id = _pending.popleft()
            try:
                snapshot_source(source_id)
            except Exception:  # a failed fetch is recorded by the task; anything else is logged
                logger.exception("Background snapshot of source %s failed", source_id)
    finally:
        connections.close_all()
