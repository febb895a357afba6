"""Garbage collection in the long-lived processes: gunicorn workers and Celery workers.

CPython's full (oldest generation) collection walks every container object the process
still tracks, and a loaded Django process holds a couple of hundred thousand of them:
modules, classes, URL patterns, compiled templates, model metadata. Nearly all
of them live as long as the process, so walking them finds nothing to free, yet it holds
the interpreter lock for as long as it takes: a pause that lands on whichever request
happened to allocate at that moment, and shows in the tail (p99), not the median.

The rule: at a point where what is alive is what the process keeps (the application just
loaded; again once its first requests have compiled templates and filled lazy caches),
collect once and then freeze (``gc.freeze``): everything alive moves to a permanent
generation that collections never walk, so a full collection walks only what was created
since. A frozen object is still freed by reference counting when nothing refers to it;
only a reference cycle among frozen objects would never be reclaimed, which is why the
freeze comes right after a collection and never while requests' objects are the bulk of
the heap.
"""

from __future__ import annotations

import gc

# A gunicorn worker freezes again after this many requests: by then the pages in use have
# compiled their templates and filled the process's lazy caches.
WARM_REQUESTS = 200


def freeze_long_lived() -> int:
    """Collect, then move everything still alive out of the collector's reach.
    Returns how many objects are frozen in all."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
