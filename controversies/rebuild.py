"""Single-flight rebuilds of values derived from curated data, the previous copy served
meanwhile (stale-while-revalidate).

The rule: a value is stored as ``(generation, value)`` under a key that does not contain
the generation, so the copy from before the last edit stays readable. A reader whose
copy carries the current generation uses it. Otherwise ONE process rebuilds: the one
that adds the lock ``<key>:rebuild:<generation>`` (Redis SET NX with a timeout, so a
rebuild that dies frees it after ``LOCK_SECONDS``). Every other reader meanwhile serves
the previous copy, at most one rebuild behind the edit; a reader with no previous copy
at all computes its own, having nothing else to show.

Where the value has a task to rebuild it and ``settings.REBUILD_IN_WORKER`` is on, the
lock's holder queues the task and serves the previous copy too, so no visitor waits for
a rebuild: the facets over every controversy are even claimed and queued by the edit
itself (``controversies.signals``). A task that is never run only delays fresh values
by ``LOCK_SECONDS``: then the next reader rebuilds.

Fail open: while the cache is unreachable the generation is None, nothing is locked,
queued or stored, and every reader computes (config/cache.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import kombu.exceptions
from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

# Longer than a rebuild takes at the largest scale, short enough that a lost task only
# delays fresh values by this much.
LOCK_SECONDS = 15


def lock_key(key: str, current: int) -> str:
    return f"{key}:rebuild:{current}"


def claim(key: str, current: int | None, seconds: int = LOCK_SECONDS) -> bool:
    """Take the rebuild of ``key`` for generation ``current`` (for ``seconds`` at most);
    False if another process has it (or the cache is unreachable)."""
    return current is not None and cache.add(lock_key(key, current), 1, seconds)


def release(key: str, current: int) -> None:
    """Let go of a claim without rebuilding (the next reader rebuilds)."""
    cache.delete(lock_key(key, current))


def store(key: str, current: int | None, compute: Callable[[], Any], timeout: int) -> Any:
    """Compute, store under ``current`` and free the lock (the caller holds it)."""
    try:
        value = compute()
        if current is not None:
            cache.set(key, (current, value), timeout)
    finally:
        if current is not None:
            release(key, current)
    return value


def queue(task: Any, *args: Any) -> bool:
    """Hand a rebuild to a Celery worker; False when none is expected or the broker
    cannot be reached (the caller then rebuilds itself)."""
    if not settings.REBUILD_IN_WORKER:
        return False
    try:
        task.apply_async(args, retry=False)
    except kombu.exceptions.OperationalError as exc:
        logger.warning("Could not queue %s (%s): rebuilding in the request", task.name, exc)
        return False
    return True


def fresh_or_previous(
    key: str,
    current: int | None,
    compute: Callable[[], Any],
    timeout: int,
    *,
    in_background: Callable[[int], bool] | None = None,
) -> tuple[int | None, Any]:
    """(generation of the copy, value): the current copy, a rebuilt one, or the previous
    one while a rebuild runs elsewhere. ``in_background(current)``, when given, queues the
    rebuild for a worker (which must ``store`` it) and returns whether it did."""
    found = cache.get(key) if current is not None else None
    if found is not None and found[0] == current:
        return found
    if claim(key, current):
        if found is not None and in_background is not None and in_background(current):
            return found
        return current, store(key, current, compute, timeout)
    if found is not None:
        return found
    return current, compute()
