"""Near-duplicate lookup time per article against the articles stored in a database.

``python -m bench.dedupe OUT.json`` with DATABASE_URL set to a seeded database. The first
lookup builds the worker's in-memory LSH index (reported apart); the rest are timed the
way a worker meets them, database checks (same URL, same text) included.
"""

from __future__ import annotations

import json
import statistics
import sys
import time

from bench.pages import percentile
from bench.site import article_text

LOOKUPS = 200


def run(lookups: int = LOOKUPS) -> dict:
    from ingestion.models import Article
    from ingestion.pipeline import dedupe

    stored = Article.objects.count()
    texts = ["\n".join(article_text(3_000_000 + n)) for n in range(lookups + 1)]
    # Hashing the text is the same work at any size: done before the clock starts.
    prepared = [(dedupe.content_hash(t), dedupe.minhash_of(t)) for t in texts]
    probe = Article(pk=-1)

    def lookup(n: int) -> float:
        text_hash, signature = prepared[n]
        started = time.perf_counter()
        dedupe.find_duplicate(
            article=probe,
            canonical_url=f"https://bench.example.com/probe/{n}",
            text_hash=text_hash,
            signature=signature,
        )
        return (time.perf_counter() - started) * 1000

    first = lookup(0)
    timings = [lookup(n) for n in range(1, lookups + 1)]
    return {
        "stored_articles": stored,
        "index_entries": dedupe.near_duplicate_index.size,
        "first_lookup_ms": round(first, 1),
        "p50_ms": round(statistics.median(timings), 3),
        "p95_ms": round(percentile(timings, 0.95), 3),
    }


def main(argv: list[str]) -> int:
    import django

    django.setup()
    with open(argv[0], "w") as handle:
        json.dump(run(int(argv[1]) if len(argv) > 1 else LOOKUPS), handle, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
