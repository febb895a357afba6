"""A realistic synthetic dataset at a chosen scale, written fast and deterministically.

``seed_bulk(scale=..., seed=...)`` fills empty domain (and, when present, ingestion) tables
with explicit ids, so foreign keys are known without reading anything back; the same seed
gives the same rows. Used by ``manage.py seed_bulk`` and by the benchmarks in bench/.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection
from django.utils import timezone
from tqdm import tqdm

from bench_data.seed.advocacy import seed_campaigns, seed_coalitions, seed_shareholders
from bench_data.seed.context import SeedContext
from bench_data.seed.entities import seed_organizations, seed_products, seed_topics
from bench_data.seed.ingested import ingestion_available, seed_ingested
from bench_data.seed.scales import SCALES, Scale
from bench_data.seed.timeline import seed_timeline
from bench_data.seed.writer import TableWriter

__all__ = ["SCALES", "Scale", "SeedError", "estimated_rows", "seed_bulk", "seeded_models"]

STEPS: tuple[tuple[str, Callable[[SeedContext], None]], ...] = (
    ("organisations", seed_organizations),
    ("products", seed_products),
    ("topics", seed_topics),
    ("controversies, events, sources", seed_timeline),
    ("coalitions", seed_coalitions),
    ("campaigns", seed_campaigns),
    ("shareholder votes", seed_shareholders),
    ("ingested articles", seed_ingested),
)


class SeedError(RuntimeError):
    """The database is not in a state the generator can fill."""


def seeded_models() -> list:
    """Every table the generator fills (and --reset empties), history tables included."""
    labels = ["controversies"] + (["ingestion"] if ingestion_available() else [])
    return [
        model
        for label in labels
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    ]


def estimated_rows(scale: Scale) -> int:
    """Roughly how many rows a scale makes, for the progress bar."""
    return int(
        scale.organizations + scale.products + scale.controversies * 5.5
        + scale.events * 3.2 + scale.sources * 1.1 + scale.coalitions * 25
        + scale.campaigns * 12 + scale.meetings * 10
        + (scale.articles * 2.6 if ingestion_available() else 0)
    )  # fmt: skip


def _big_models() -> list:
    """The tables with hundreds of thousands of rows at the large scale."""
    names = [
        ("controversies", "Event"), ("controversies", "EventActor"),
        ("controversies", "EventSource"), ("controversies", "Source"),
    ]  # fmt: skip
    if ingestion_available():
        names += [("ingestion", "Article"), ("ingestion", "Mention"), ("ingestion", "Suggestion")]
    return [apps.get_model(*name) for name in names]


def reset_tables() -> None:
    models = seeded_models()
    if connection.vendor == "postgresql":
        tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)
        with connection.cursor() as cursor:
            # Inside a transaction (tests), rows written earlier may still owe their
            # deferred foreign-key checks, and TRUNCATE refuses to run over those.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")  # our own names
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        return
    # SQLite: children before parents; its sequences restart on their own when emptied.
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA foreign_keys = OFF")
        try:
            for model in models:
                table = connection.ops.quote_name(model._meta.db_table)
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - our own table names
        finally:
            cursor.execute("PRAGMA foreign_keys = ON")
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _non_empty() -> list[str]:
    return [m._meta.label for m in seeded_models() if m.objects.exists()]


def seed_bulk(
    *,
    scale: Scale,
    seed: int = 1,
    reset: bool = False,
    progress: bool = True,
    now: dt.datetime | None = None,
) -> dict[str, int]:
    """Fill the tables; returns the number of rows written per model label."""
    if reset:
        reset_tables()
    busy = _non_empty()
    if busy:
        raise SeedError(
            "These tables already have rows: " + ", ".join(busy[:5])
            + ("..." if len(busy) > 5 else "") + ". Use --reset to empty them first."
        )  # fmt: skip
    bar = tqdm(
        total=estimated_rows(scale), unit="rows", unit_scale=True, disable=not progress,
        desc=f"seed_bulk {scale.name}",
    )  # fmt: skip
    writer = TableWriter(on_rows=lambda _label, n: bar.update(n))
    ctx = SeedContext(scale=scale, seed=seed, writer=writer, now=now or timezone.now())
    try:
        with writer.indexes_deferred(_big_models()):
            for label, step in STEPS:
                bar.set_postfix_str(label)
                step(ctx)
            bar.set_postfix_str("indexes")
        writer.reset_sequences()
        if connection.vendor == "postgresql":
            # VACUUM too: rows copied into a table whose GIN indexes were kept (the small
            # tables) wait in each index's pending list, which every search reads in full
            # until autovacuum gets there; it also marks pages all-visible for index-only
            # scans. VACUUM cannot run inside a transaction (the test suite's).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
    finally:
        bar.close()
    return writer.counts
