"""Alias matching time per article at 1,000 / 10,000 / 50,000 aliases, and the memory of
the 50,000-alias automaton (measured in a fresh process: RSS after building minus before).

``python -m bench.matching OUT.json 1000,10000,50000`` (no database needed).
"""

from __future__ import annotations

import gc
import json
import os
import random
import sys
import time

from bench.memory import rss_mb
from bench.site import article_text
from bench_data.seed import words

ARTICLES = 200
REPEATS = 20


def synthetic_entities(aliases: int, seed: int = 1) -> list[tuple[str, int, list[str]]]:
    """Organisations with made-up names, three aliases each (name, short form, acronym),
    plus the handful of real names the sample articles mention."""
    rng = random.Random(seed)
    entities = [("organization", i, [name]) for i, name in enumerate(("Amazon", "ACLU", "ICE"))]
    pk = 10
    while sum(len(names) for _, _, names in entities) < aliases:
        base = words.pseudo_word(rng, rng.choice((3, 4)))
        suffix = rng.choice(words.COMPANY_SUFFIXES)
        entities.append(("organization", pk, [f"{base} {suffix}", base, f"{base[:3].upper()}X"]))
        pk += 1
    return entities


def sample_texts() -> list[str]:
    return ["\n".join(article_text(n)) for n in range(1, ARTICLES + 1)]


def times_per_article(sizes: list[int], texts: list[str]) -> dict[int, tuple[float, float]]:
    """For each alias count: (build seconds, best-of-REPEATS milliseconds per article).
    The sizes take turns within each repeat, so a moment when the machine runs slow (it
    is shared) costs every size alike instead of whichever was being timed."""
    from ingestion.pipeline.matching import Matcher

    matchers, builds = {}, {}
    for size in sizes:
        entities = synthetic_entities(size)
        started = time.perf_counter()
        matchers[size] = Matcher(entities)
        builds[size] = time.perf_counter() - started
    best = dict.fromkeys(sizes, float("inf"))
    for _ in range(REPEATS):
        for size, matcher in matchers.items():
            started = time.perf_counter()
            for text in texts:
                matcher.find(text)
            best[size] = min(best[size], (time.perf_counter() - started) * 1000 / len(texts))
    return {size: (builds[size], best[size]) for size in sizes}


def automaton_mb(aliases: int) -> float:
    from ingestion.pipeline.matching import Matcher

    entities = synthetic_entities(aliases)
    gc.collect()
    before = rss_mb(os.getpid()) or 0.0
    matcher = Matcher(entities)
    del entities
    gc.collect()
    after = rss_mb(os.getpid()) or 0.0
    assert matcher is not None
    return round(after - before, 1)


def main(argv: list[str]) -> int:
    import django

    django.setup()
    out = argv[0]
    sizes = [int(n) for n in argv[1].split(",")]
    if len(argv) > 2 and argv[2] == "--memory":
        with open(out, "w") as handle:
            json.dump({"aliases": sizes[-1], "automaton_mb": automaton_mb(sizes[-1])}, handle)
        return 0
    texts = sample_texts()
    rows = []
    for size, (build, per_article) in times_per_article(sizes, texts).items():
        rows.append(
            {"aliases": size, "build_s": round(build, 3), "ms_per_article": round(per_article, 4)}
        )
    with open(out, "w") as handle:
        json.dump({"matching": rows}, handle, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
