"""The curated data version: a number that changes whenever curated rows change.

Code outside this app that keeps something derived from curated rows (the ingestion
workers' alias automaton and topic terms) compares ``curated_data_version()`` with the
version it built from, and rebuilds when they differ. The number means nothing else: it
only changes, it is not ordered.

``bump_curated_data_version()`` is called by the signals in ``controversies.signals``
on every save, delete and link change of a curated model, and when the cache comes back
after an outage (a bump lost while it was away). Writes that send no signals (a bulk
``update()``, ``seed_bulk``) do not bump it: readers re-check the rows themselves every
few seconds as well.
"""

from __future__ import annotations

import time

import redis
from django.core.cache import cache
from django.dispatch import Signal

VERSION_KEY = "curated:version"

# Sent after each bump, for whatever keeps derived data up to date by itself (the
# export files in opendata) rather than by comparing versions when it is read.
curated_data_changed = Signal()


def curated_data_version() -> int | None:
    """The current version. A missing key (evicted, new cache) starts from the clock, so
    a version read before can never come back. None while the cache is unreachable
    (config/cache.py fails open; a bump made meanwhile is redone by cache_recovered):
    callers then cannot tell whether anything changed and should re-read the rows."""
    try:
        current = cache.get(VERSION_KEY)
        if current is None:
            cache.add(VERSION_KEY, time.time_ns(), timeout=None)
            current = cache.get(VERSION_KEY)
    except redis.RedisError:
        return None
    return current


def bump_curated_data_version() -> None:
    """Start a new version: everything derived from curated rows is out of date."""
    cache.set(VERSION_KEY, time.time_ns(), timeout=None)
    curated_data_changed.send(sender=bump_curated_data_version)
