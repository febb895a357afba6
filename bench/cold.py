"""What a visitor meets when nothing is cached for them: the first request after a
curated edit, and the first visit to a filter combination nobody asked for before.

Run as a child process (``python -m bench.cold OUT.json EDITS FILTERS``), in-process like
bench/pages.py and with the whole-page cache off likewise.

After an edit: a controversy of the most involved company is saved (its signals start a
new generation and claim the recount of every controversy's facets, as an admin save
does), then every page of bench/pages.py (the floor aside) is requested once and timed:
each is that page's first request since the edit. ``every_page`` pools them all. The
rebuilds the requests handed to a Celery worker (controversies.rebuild) are then run
here, as the worker would, and timed apart as ``rebuild_ms``: that work is the worker's,
not the visitor's. Without REBUILD_IN_WORKER (no Redis) the visitors rebuild themselves,
and that is what gets timed.

New filters: FILTERS distinct list URLs, each combining two or three of a company, a
topic, a year and a status drawn at random (fixed seed) from the database's own values,
each requested once.
"""

from __future__ import annotations

import json
import random
import sys
import time
from urllib.parse import urlencode

from bench.pages import summary

STATUSES = ("ongoing", "resolved", "dormant")


def _timed(client, path: str) -> tuple[float, int]:
    started = time.perf_counter()
    response = client.get(path)
    return (time.perf_counter() - started) * 1000, response.status_code


class _Worker:
    """Stands in for the Celery worker: the rebuilds queued meanwhile, run on demand."""

    def __init__(self) -> None:
        from controversies import tasks

        self.queued: list[tuple] = []
        for task in (tasks.rebuild_facets, tasks.rebuild_involvement):
            task.apply_async = lambda args, task=task, **kw: self.queued.append((task, args))

    def run(self) -> float:
        started = time.perf_counter()
        while self.queued:
            task, args = self.queued.pop(0)
            task(*args)
        return (time.perf_counter() - started) * 1000


def after_edit(client, edits: int) -> dict:
    from django.db import transaction
    from django.db.models import Count

    from bench.pages import FLOOR, pick_pages
    from controversies.models import Controversy, Organization

    company = (
        Organization.objects.filter(kind="company")
        .annotate(n=Count("controversies"))
        .order_by("-n", "pk")
        .first()
    )
    if company is None:
        return {}
    edited = Controversy.objects.filter(companies=company).order_by("pk").first()
    paths = {page.name: page.path for page in pick_pages() if page.name != FLOOR}
    worker = _Worker()
    for path in paths.values():  # a copy from before the first edit, as a live site has
        client.get(path)
    worker.run()
    timings: dict[str, list[float]] = {name: [] for name in paths}
    statuses: dict[str, int] = {}
    rebuilds: list[float] = []
    for _ in range(edits):
        with transaction.atomic():
            edited.save(update_fields=["title"])
        for name, path in paths.items():
            ms, statuses[name] = _timed(client, path)
            timings[name].append(ms)
        rebuilds.append(worker.run())
    every = [t for name in paths for t in timings[name]]
    return {
        name: {"path": paths[name], "status": statuses[name], **summary(timings[name])}
        for name in paths
    } | {"rebuild_ms": summary(rebuilds), "every_page": _pooled(every)}


def _pooled(timings: list[float]) -> dict:
    """The first requests to every page after each edit, pooled (the target's p95)."""
    found = summary(timings)
    del found["timings_ms"]
    return found


def filter_urls(count: int, seed: int = 18) -> list[str]:
    from django.db.models import Count
    from django.db.models.functions import ExtractYear
    from django.urls import reverse

    from controversies.models import Event, Organization, Topic

    companies = list(
        Organization.objects.filter(kind="company")
        .annotate(n=Count("controversies"))
        .filter(n__gt=0)
        .values_list("slug", flat=True)
    )
    topics = list(Topic.objects.values_list("slug", flat=True))
    years = sorted(
        set(Event.objects.annotate(y=ExtractYear("occurred_on")).values_list("y", flat=True))
    )
    if not (companies and topics and years):
        return []
    rng = random.Random(seed)
    choices = {
        "company": lambda: {"company": rng.choice(companies)},
        "topic": lambda: {"topic": rng.choice(topics)},
        "year": lambda: dict.fromkeys(("year_from", "year_to"), rng.choice(years)),
        "status": lambda: {"status": rng.choice(STATUSES)},
    }
    base = reverse("controversies:controversy_list")
    urls: list[str] = []
    for _ in range(count * 20):
        if len(urls) == count:
            break
        params: dict = {}
        for name in rng.sample(sorted(choices), rng.choice((2, 3))):
            params |= choices[name]()
        url = f"{base}?{urlencode(sorted(params.items()))}"
        if url not in urls:
            urls.append(url)
    return urls


def new_filters(client, count: int) -> dict:
    urls = filter_urls(count)
    if not urls:
        return {}
    timings, statuses = [], set()
    for url in urls:
        ms, status = _timed(client, url)
        timings.append(ms)
        statuses.add(status)
    return {"urls": len(urls), "statuses": sorted(statuses), **summary(timings)}


def main(argv: list[str]) -> int:
    import django

    django.setup()
    from django.test import Client
    from django.test.utils import override_settings

    from controversies import facets

    out, edits, filters = argv[0], int(argv[1]), int(argv[2])
    client = Client()
    with override_settings(PAGE_CACHE_SECONDS=0):
        facets.invalidate()  # no filter counted by an earlier run
        client.get("/controversies/")
        results = {"new_filters": new_filters(client, filters)}
        results["after_edit"] = after_edit(client, edits)
    with open(out, "w") as handle:
        json.dump(results, handle, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
