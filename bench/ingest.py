"""Ingestion throughput and worker memory, with a real Celery worker (concurrency 2).

Run as a child process (``python -m bench.ingest OUT.json PAGES MEMORY_ARTICLES``) with
DATABASE_URL and REDIS_URL set. Pages of two sizes (SIZES) come from a loopback site,
rendered before the clock starts; the same bytes are then given to trafilatura alone,
called as the pipeline calls it (ingestion.pipeline.extract.TRAFILATURA_OPTIONS), in a
pool of two processes (the worker's concurrency), round by round (see run()), so the
ratio is the cost of everything the pipeline adds: fetching through the safe client,
parsing and reading the page's own metadata, dedupe, matching, relevance, suggestions,
the database writes and Celery. The worker times each step of each article
(bench/ingest_steps.py).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from multiprocessing import Pool

from django.db import connection

from bench import ingest_steps
from bench.celery_worker import Worker
from bench.site import ENTITY_NAMES, LoopbackSite, article_html

CONCURRENCY = 2
WARMUP = 30
ROUNDS = 5
# The page sizes timed: (label, share of the usual boilerplate, first page number). The
# first size is the one the top level of the results describes.
SIZES = (("110 KB", 1.0, 1), ("60 KB", 0.53, 500_001))
# A queue of this run's own, so no other worker on the same broker takes its tasks (and
# this worker takes no one else's).
QUEUE = f"bench-ingest-{os.getpid()}"


def _extract_alone(page: tuple[int, bytes]) -> int:
    """The page's text through trafilatura alone, asked as the pipeline asks it: the
    pipeline reads the page's structured metadata itself and, on these pages, which say
    their date, title, author and site, asks trafilatura for none."""
    import trafilatura

    from ingestion.pipeline.extract import TRAFILATURA_OPTIONS

    number, content = page
    document = trafilatura.bare_extraction(
        content, url=f"http://loopback/article/{number}", **TRAFILATURA_OPTIONS
    )
    return len(getattr(document, "text", "") or "")


def known_names() -> tuple[str, ...]:
    """Names the pipeline will recognise: the companies at the centre of the most
    controversies, and their products, so that every page has mentions to record and
    controversies to suggest, as a real story about them would."""
    from django.db.models import Count

    from controversies.models import Organization, Product

    companies = list(
        Organization.objects.filter(kind=Organization.Kind.COMPANY)
        .annotate(n=Count("controversies"))
        .order_by("-n", "pk")
        .values_list("pk", "name")[:4]
    )
    products = Product.objects.filter(developer__in=[pk for pk, _ in companies])
    names = [name for _, name in companies]
    names += list(products.order_by("pk").values_list("name", flat=True)[:3])
    return tuple(names) or ENTITY_NAMES


def render(
    numbers: range, names: tuple[str, ...] = ENTITY_NAMES, boilerplate: float = 1.0
) -> dict[int, bytes]:
    return {number: article_html(number, names, boilerplate=boilerplate) for number in numbers}


def trafilatura_rate(pool: Pool, pages: list[tuple[int, bytes]]) -> float:
    """Pages per second through trafilatura alone, given the pages' bytes, as the worker
    is given them by the site (rendering is timed on neither side)."""
    started = time.monotonic()
    pool.map(_extract_alone, pages, chunksize=4)
    return len(pages) / (time.monotonic() - started)


def in_rounds(numbers: list[int], rounds: int) -> list[list[int]]:
    """``numbers`` cut into ``rounds`` runs of consecutive pages (fewer if too few)."""
    rounds = max(1, min(rounds, len(numbers)))
    size, extra = divmod(len(numbers), rounds)
    cuts, start = [], 0
    for index in range(rounds):
        stop = start + size + (1 if index < extra else 0)
        cuts.append(numbers[start:stop])
        start = stop
    return cuts


def _enqueue(site: LoopbackSite, numbers) -> list[int]:
    from ingestion.pipeline import article_queue
    from ingestion.tasks import advance_article

    # Each article's task goes out as soon as its row exists, as a feed poll sends them:
    # queueing every row first left the worker idle for the first second of the run.
    ids = []
    for number in numbers:
        article, _created = article_queue(url=site.url(number))
        advance_article.apply_async((article.pk,), queue=QUEUE)
        ids.append(article.pk)
    return ids


def _wait_done(ids: list[int], *, timeout: float, on_progress=None) -> int:
    """Wait until no article of ``ids`` is in an intermediate state; returns how many
    are done. ``on_progress(done)`` is called as the count moves."""
    from ingestion.models import INTERMEDIATE_STATES, Article

    deadline = time.monotonic() + timeout
    done = 0
    while time.monotonic() < deadline:
        pending = 0
        for start in range(0, len(ids), 5_000):
            chunk = ids[start : start + 5_000]
            pending += Article.objects.filter(pk__in=chunk, state__in=INTERMEDIATE_STATES).count()
        done = len(ids) - pending
        if on_progress:
            on_progress(done)
        if pending == 0:
            return done
        time.sleep(0.25)
    return done


def _last_write(ids: list[int]) -> float:
    """When the last of ``ids`` was last written (a Unix time, as time.time())."""
    from django.db.models import Max

    from ingestion.models import Article

    last = Article.objects.filter(pk__in=ids).aggregate(last=Max("updated_at"))["last"]
    return last.timestamp() if last else time.time()


def _states(ids: list[int]) -> dict[str, int]:
    from django.db.models import Count

    from ingestion.models import Article

    counts: dict[str, int] = {}
    for start in range(0, len(ids), 5_000):
        rows = (
            Article.objects.filter(pk__in=ids[start : start + 5_000])
            .values("state")
            .annotate(n=Count("pk"))
        )
        for row in rows:
            counts[row["state"]] = counts.get(row["state"], 0) + row["n"]
    return counts


def _cleanup() -> None:
    """Forget every loopback article of any earlier run (a killed run leaves some): the
    same page numbers would otherwise come back as copies and skip most of the work."""
    from django.db import connection

    from ingestion.models import Article

    deleted, _by_model = Article.objects.filter(url__startswith="http://127.0.0.1:").delete()
    if deleted and connection.vendor == "postgresql":
        # The deleted rows' index entries would otherwise be read (and skipped) by the
        # first round's lookups until autovacuum came by.
        with connection.cursor() as cursor:
            cursor.execute(
                "VACUUM ANALYZE ingestion_article, ingestion_mention, ingestion_suggestion"
            )


def _pipeline_rate(site: LoopbackSite, numbers: list[int]) -> tuple[float, list[int]]:
    """Articles per second through the worker, from the first row queued to the last
    article's final write (not to the poll that saw it), and the articles' ids."""
    started = time.time()
    ids = _enqueue(site, numbers)
    done = _wait_done(ids, timeout=1_800)
    return done / (_last_write(ids) - started), ids


def run(pages: int, memory_articles: int, rounds: int = ROUNDS) -> dict:
    """The timed pages go through in ``rounds``: in each, for each size, the pipeline
    takes the round's pages, then trafilatura alone the same bytes, seconds later. This
    machine's speed drifts by a fifth over minutes (other tenants, steal time), so each
    round's ratio compares like with like, and the median round is the result."""
    names = known_names()
    timed = {
        label: render(range(first, first + pages), names, boilerplate)
        for label, boilerplate, first in SIZES
    }
    connection.close()  # the pool forks: no child inherits a live connection
    handle, step_log = tempfile.mkstemp(prefix="bench-steps-", suffix=".jsonl")
    os.close(handle)
    rendered = {number: page for pages_ in timed.values() for number, page in pages_.items()}
    try:
        with LoopbackSite(rendered=rendered, names=names) as site, Pool(CONCURRENCY) as pool:
            pool.map(_extract_alone, list(rendered.items())[:CONCURRENCY])  # import trafilatura
            sizes, memory = _timed_run(site, pool, timed, rounds, step_log, memory_articles)
    finally:
        os.unlink(step_log)
    results = {"pages": pages, "memory_articles": memory_articles, **sizes[0], "sizes": sizes}
    if memory:
        results["worker_memory"] = memory
    return results


def _timed_run(
    site: LoopbackSite,
    pool: Pool,
    timed: dict[str, dict[int, bytes]],
    rounds: int,
    step_log: str,
    memory_articles: int,
) -> tuple[list[dict], dict]:
    """Each size's rounds and results (its median round, the articles' states and the
    median time of each step), and the worker's memory when ``memory_articles``."""
    env = dict(
        os.environ,
        INGESTION_ALLOWED_HOSTS=site.host,
        # The polite per-host limit is about other people's servers, not the
        # pipeline's cost; one loopback host would otherwise be throttled to 2/s.
        INGESTION_PER_HOST_RATE="100000",
        INGESTION_PER_HOST_BURST="100000",
        BENCH_STEP_LOG=step_log,
    )
    os.environ.update({k: env[k] for k in ("INGESTION_ALLOWED_HOSTS",)})
    _cleanup()
    measured: dict[str, list[dict]] = {label: [] for label in timed}
    ids: dict[str, list[int]] = {label: [] for label in timed}
    memory = {}
    with Worker(env, app="bench.ingest_steps", queue=QUEUE, concurrency=CONCURRENCY) as worker:
        warmup = _enqueue(site, list(range(1_000_000, 1_000_000 + WARMUP)))
        _wait_done(warmup, timeout=300)
        cuts = {label: in_rounds(list(pages), rounds) for label, pages in timed.items()}
        for index in range(min(map(len, cuts.values()))):
            for label, pages in timed.items():
                numbers = cuts[label][index]
                pipeline, round_ids = _pipeline_rate(site, numbers)
                alone = trafilatura_rate(pool, [(n, pages[n]) for n in numbers])
                ids[label] += round_ids
                measured[label].append(
                    {
                        "pages": len(numbers),
                        "pipeline_articles_per_s": round(pipeline, 2),
                        "trafilatura_articles_per_s": round(alone, 2),
                        "ratio": round(pipeline / alone, 3),
                    }
                )
        sizes = [
            _size_results(label, pages, measured[label], ids[label], step_log)
            for label, pages in timed.items()
        ]
        if memory_articles:
            memory = _memory_run(site, worker, memory_articles)
    _cleanup()
    return sizes, memory


def _size_results(
    label: str, pages: dict[int, bytes], measured: list[dict], ids: list[int], step_log: str
) -> dict:
    from ingestion.models import INTERMEDIATE_STATES

    states = _states(ids)
    results = {
        "size": label,
        "page_kb": round(statistics.mean(map(len, pages.values())) / 1000, 1),
        "rounds": measured,
        "pipeline_states": states,
        "completed": sum(n for state, n in states.items() if state not in INTERMEDIATE_STATES),
        "steps_ms": ingest_steps.summary(step_log, ids),
    }
    for key in ("pipeline_articles_per_s", "trafilatura_articles_per_s", "ratio"):
        results[key] = statistics.median(row[key] for row in measured)
    return results


def _memory_run(site: LoopbackSite, worker: Worker, total: int) -> dict:
    """Feed ``total`` more articles through the same worker; the pool's peak RSS after
    the first tenth and at the end (a leak shows as growth between the two)."""
    first_mark = max(1, total // 10)
    samples: dict[str, float] = {}

    def on_progress(done: int) -> None:
        if done >= first_mark and "early_mb" not in samples:
            samples["early_mb"] = worker.peak_mb()

    base = 2_000_000
    ids: list[int] = []
    for start in range(0, total, 1_000):
        ids += _enqueue(site, range(base + start, base + min(total, start + 1_000)))
    done = _wait_done(ids, timeout=3_600, on_progress=on_progress)
    samples.setdefault("early_mb", worker.peak_mb())
    return {
        "articles": done,
        "early_at": first_mark,
        "early_peak_mb": samples["early_mb"],
        "final_peak_mb": worker.peak_mb(),
        "final_rss_mb": worker.rss_mb(),
        "states": _states(ids),
    }


def main(argv: list[str]) -> int:
    import django

    django.setup()
    out, pages, memory_articles = argv[0], int(argv[1]), int(argv[2])
    with open(out, "w") as handle:
        json.dump(run(pages, memory_articles), handle, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
