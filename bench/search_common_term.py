"""Time site search for a term found in most rows ("AI") against a rare one.

Not part of the test run. Needs PostgreSQL; it fills the database DATABASE_URL points at
with synthetic rows, so use a throwaway database:

    DATABASE_URL=postgres://.../tracker_bench DEBUG=true python manage.py migrate
    DATABASE_URL=postgres://.../tracker_bench DEBUG=true python bench/search_common_term.py 50000
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.db import connection  # noqa: E402

from controversies import search_selectors  # noqa: E402
from controversies.models import Controversy, Event, Source  # noqa: E402

WORDS = [
    "model",
    "data",
    "face",
    "police",
    "system",
    "bias",
    "audit",
    "vendor",
    "city",
    "school",
    "court",
    "hiring",
]


def seed(events: int) -> None:
    if Event.objects.count() >= events:
        return
    controversies = Controversy.objects.bulk_create(
        Controversy(
            title=f"AI {WORDS[i % 12]} case {i}",
            slug=f"bench-{i}",
            summary=f"An AI {WORDS[(i * 7) % 12]} system and its {WORDS[(i * 5) % 12]}.",
            last_event_on=dt.date(2000, 1, 1) + dt.timedelta(days=i % 9000),
        )
        for i in range(events // 10)
    )
    batch = []
    for i in range(events):
        batch.append(
            Event(
                controversy=controversies[i % len(controversies)],
                occurred_on=dt.date(2000, 1, 1) + dt.timedelta(days=i % 9000),
                title=f"AI {WORDS[i % 12]} event {i}",
                summary=f"Reported use of AI for {WORDS[(i * 3) % 12]} by {WORDS[(i * 11) % 12]}.",
            )
        )
        if len(batch) == 5000:
            Event.objects.bulk_create(batch)
            batch = []
    Event.objects.bulk_create(batch)
    Source.objects.bulk_create(
        Source(
            url=f"https://bench.example/{i}",
            canonical_url=f"https://bench.example/{i}",
            title=f"AI story {i} on {WORDS[i % 12]}",
            published_on=dt.date(2000, 1, 1) + dt.timedelta(days=i % 9000),
        )
        for i in range(events // 2)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def timed(query: str, runs: int = 5) -> float:
    search_selectors.search(query)  # warm the cache
    start = time.perf_counter()
    for _ in range(runs):
        search_selectors.search(query)
    return (time.perf_counter() - start) / runs * 1000


if __name__ == "__main__":
    seed(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000)
    print(
        f"{Event.objects.count()} events, {Controversy.objects.count()} controversies, "
        f"{Source.objects.count()} sources"
    )
    for query in ("AI", "AI police", '"face system"', "hiring -court", "zzzrare"):
        print(f"{query!r:>18}: {timed(query):7.1f} ms per search (5 kinds, 5-6 queries)")
