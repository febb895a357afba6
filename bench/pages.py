"""Server-side latency and query counts of the public pages, in-process.

Run as a child process (``python -m bench.pages OUT.json``) with DATABASE_URL pointing at a
seeded database and DJANGO_SETTINGS_MODULE=bench.settings. Requests go through the whole
middleware stack with Django's test Client; nothing is mocked. The whole-page cache
(config/page_cache.py) is turned off here: these numbers are the cost of rendering each
page, which every cache miss, every curated edit and every signed-in curator pays.
Throughput under load (bench/load.py) runs with the cache as configured.

Garbage collection is set up as in a gunicorn worker (config/heap.py, gunicorn.conf.py):
the heap is frozen once Django is loaded and again once every page has been warmed, before
any request is timed. Each page's full collections while it was timed are counted, with
the longest, beside its p99 (which such a pause is what moves).
"""

from __future__ import annotations

import gc
import json
import statistics
import sys
import time
from dataclasses import asdict, dataclass
from urllib.parse import urlencode

FLOOR = "floor"


@dataclass
class Page:
    name: str
    path: str


@dataclass
class PageResult:
    name: str
    path: str
    status: int
    queries: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    samples: int
    timings_ms: list[float]
    gc_full_collections: int
    gc_full_max_ms: float
    bytes: int = 0  # the size of the page's body


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def pick_pages() -> list[Page]:
    """The pages to measure, chosen from the data the same way at every scale."""
    from django.db.models import Count
    from django.urls import NoReverseMatch, reverse

    from bench_data.seed import words
    from controversies.models import Controversy, Organization, Topic

    top_company = (
        Organization.objects.filter(kind="company")
        .annotate(n=Count("controversies"))
        .order_by("-n", "pk")
        .first()
    )
    topic = Topic.objects.annotate(n=Count("controversies")).order_by("-n", "pk").first()
    # A controversy at the 90th percentile of timeline length: long, but typical of the
    # scale rather than the single longest one.
    by_length = Controversy.objects.annotate(n=Count("events")).order_by("n", "pk")
    total = by_length.count()
    typical = by_length[int(total * 0.9)] if total else None
    slug = typical.slug if typical else "none"
    # And the longest: the page whose size grows with the data unless the timeline is
    # shown a part at a time.
    longest = by_length.order_by("-n", "pk").first()

    def url(name: str, *args: str) -> str | None:
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            return None  # that page is not built on this branch yet

    listing = url("controversies:controversy_list")
    filters = {
        "company": top_company.slug if top_company else "",
        "topic": topic.slug if topic else "",
        "status": "ongoing",
    }
    search = url("controversies:search")
    organizations = url("controversies:organizations_index")
    # A search within the index: a fragment about a fifth of the seed's names contain,
    # so it matches the same share of rows, and a full page, at small and at large.
    index_word = "an"
    candidates = [
        (FLOOR, url("bench_floor", slug)),
        ("home", url("controversies:home")),
        ("list", listing),
        ("list_3_filters", listing and f"{listing}?{urlencode(filters)}"),
        ("timeline", url("controversies:controversy", slug)),
        ("case_largest", longest and url("controversies:controversy", longest.slug)),
        ("company", top_company and url("controversies:organization", top_company.slug)),
        # Its shareholder record, which the company page loads with HTMX.
        (
            "company_record",
            top_company and url("controversies:organization_votes", top_company.slug),
        ),
        ("resolutions", url("controversies:resolution_list")),
        ("organizations", organizations),
        ("organizations_kind", organizations and f"{organizations}?kind=advocacy_group"),
        ("organizations_by_name", organizations and f"{organizations}?sort=name"),
        (
            "organizations_search",
            organizations and f"{organizations}?{urlencode({'q': index_word})}",
        ),
        ("products", url("controversies:products_index")),
        ("topics", url("controversies:topics_index")),
        ("search_rare", search and f"{search}?{urlencode({'q': words.RARE_TERM})}"),
        ("search_common", search and f"{search}?{urlencode({'q': words.COMMON_TERM})}"),
        *_hostile_searches(search),
        ("api_list", "/api/controversies" if _api_installed() else None),
        *_deep_pages(listing),
    ]
    return [Page(name, path) for name, path in candidates if path]


# How far into the event listing the deep API cursor starts: 190,000 rows of the large
# scale's 200,000 events, and the same share at every other scale.
DEEP_CURSOR_SHARE = 0.95


def _hostile_searches(search: str | None) -> list[tuple[str, str | None]]:
    """Valid searches that cost the most to answer as typed: only words to leave out,
    one word over and over, and many different words (all found in the seed's text)."""
    from bench_data.seed import words

    many = [*words.NOUNS, *words.ADJECTIVES][:20]
    queries = {
        "search_negations": f"-{words.COMMON_TERM} -report",
        "search_repeated": " ".join([words.COMMON_TERM] * 10),
        "search_20_terms": " ".join(many),
    }
    return [(name, search and f"{search}?{urlencode({'q': q})}") for name, q in queries.items()]


def _deep_pages(listing: str | None) -> list[tuple[str, str | None]]:
    """The controversy list's last page, and a page of the API's events that starts
    DEEP_CURSOR_SHARE of the way down the listing (its cursor signed as the API signs
    the one it gives out)."""
    import math

    from controversies.models import Controversy, Event
    from controversies.views.controversy_list import PER_PAGE

    last = max(1, math.ceil(Controversy.objects.count() / PER_PAGE))
    pages: list[tuple[str, str | None]] = [
        ("list_last_page", listing and f"{listing}?{urlencode({'page': last})}")
    ]
    if _api_installed():
        from opendata.api.pagination import encode_cursor

        ordering = ("-occurred_on", "-id")
        depth = max(1, int(Event.objects.count() * DEEP_CURSOR_SHARE))
        rows = Event.objects.order_by(*ordering).only("occurred_on")[depth - 1 : depth]
        for row in rows:
            cursor = encode_cursor(row, ordering, "events")
            pages.append(("api_deep_cursor", f"/api/events?{urlencode({'cursor': cursor})}"))
    return pages


def _api_installed() -> bool:
    from django.apps import apps

    return apps.is_installed("opendata")


# A page that takes seconds would take many minutes for 60 samples; after this long it
# stops early (at least MIN_SAMPLES), and its sample count in the results says so.
PAGE_BUDGET_SECONDS = 45.0
MIN_SAMPLES = 5


class FullCollections:
    """Counts the collections of the oldest generation, and times the longest, while
    active (a ``gc.callbacks`` entry)."""

    def __init__(self) -> None:
        self.count, self.longest_ms, self._started = 0, 0.0, 0.0

    def __call__(self, phase: str, info: dict) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.count += 1
            self.longest_ms = max(self.longest_ms, (time.perf_counter() - self._started) * 1000)

    def __enter__(self) -> FullCollections:
        gc.callbacks.append(self)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self)


def measure(pages: list[Page], *, requests: int = 30, warmup: int = 3) -> list[PageResult]:
    from django.test.utils import override_settings

    with override_settings(PAGE_CACHE_SECONDS=0):
        return _measure(pages, requests=requests, warmup=warmup)


def _measure(pages: list[Page], *, requests: int, warmup: int) -> list[PageResult]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from config.heap import freeze_long_lived

    client = Client()
    results = []
    for page in pages:
        for _ in range(warmup):
            client.get(page.path)
    # As a gunicorn worker does once warm (gunicorn.conf.py's post_request).
    freeze_long_lived()
    for page in pages:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(page.path)
        # Count now: every request start empties the connection's query log.
        queries = len(captured.captured_queries)
        timings: list[float] = []
        budget_ends = time.perf_counter() + PAGE_BUDGET_SECONDS
        with FullCollections() as full:
            for _ in range(requests):
                started = time.perf_counter()
                client.get(page.path)
                timings.append((time.perf_counter() - started) * 1000)
                if len(timings) >= MIN_SAMPLES and time.perf_counter() > budget_ends:
                    break
        results.append(
            PageResult(
                name=page.name,
                path=page.path,
                status=response.status_code,
                queries=queries,
                bytes=len(response.content),
                **summary(timings),
                gc_full_collections=full.count,
                gc_full_max_ms=round(full.longest_ms, 1),
            )
        )
    return results


def summary(timings: list[float]) -> dict:
    return {
        "p50_ms": round(statistics.median(timings), 2),
        "p95_ms": round(percentile(timings, 0.95), 2),
        "p99_ms": round(percentile(timings, 0.99), 2),
        "samples": len(timings),
        "timings_ms": [round(t, 3) for t in timings],
    }


def merge(turns: list[list[dict]]) -> list[dict]:
    """One row per page from several runs of the same pages (dicts as main() writes
    them): the timings pooled, the status and query count of the first run, and the p95
    of each run with their median (``p95_median_turn_ms``, what the targets check). The
    p99 is the pooled one: a turn has too few samples for a p99 of its own. Full
    collections are summed over the turns, with the longest of any.

    This VM's speed drops by up to half for a minute at a time (in one run every page
    timed in the same minute, the trivial ones too, took twice as long, and only then):
    a pooled p95 reports whichever pages met such a minute. The median turn's p95 is
    the tail a page shows while the machine runs at its usual speed; both are kept.
    """
    merged = []
    for rows in zip(*turns, strict=True):
        timings = [t for row in rows for t in row["timings_ms"]]
        per_turn = [percentile(row["timings_ms"], 0.95) for row in rows]
        merged.append(
            {
                **rows[0],
                **summary(timings),
                "gc_full_collections": sum(row.get("gc_full_collections", 0) for row in rows),
                "gc_full_max_ms": max(row.get("gc_full_max_ms", 0.0) for row in rows),
                "p95_turns_ms": [round(t, 2) for t in per_turn],
                "p95_median_turn_ms": round(statistics.median(per_turn), 2),
            }
        )
    return merged


def main(argv: list[str]) -> int:
    import django

    from config.heap import freeze_long_lived

    django.setup()
    freeze_long_lived()  # as a gunicorn worker does once loaded (gunicorn.conf.py)
    out = argv[0]
    requests = int(argv[1]) if len(argv) > 1 else 30
    pages = pick_pages()
    results = measure(pages, requests=requests)
    with open(out, "w") as handle:
        json.dump({"pages": [asdict(r) for r in results]}, handle, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
