"""Write generated rows fast: COPY on PostgreSQL, large bulk_create batches elsewhere.

Rows are tuples in the order of ``columns`` (model attnames such as ``controversy_id``).
Each ``write`` is its own statement in autocommit, so a parent table is always written
before its children and foreign keys are checked as usual.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager

from django.core.management.color import no_style
from django.db import connection, models
from psycopg import sql
from psycopg.copy import QueuedLibpqWriter

BULK_BATCH = 2_000


class TableWriter:
    def __init__(self, *, on_rows: Callable[[str, int], None] | None = None) -> None:
        self.postgres = connection.vendor == "postgresql"
        self.counts: dict[str, int] = {}
        self._on_rows = on_rows
        self._models: list[type[models.Model]] = []

    def write(
        self, model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence]
    ) -> int:
        rows = list(rows)
        if not rows:
            return 0
        if model not in self._models:
            self._models.append(model)
        if self.postgres:
            self._copy(model, columns, rows)
        else:
            self._bulk_create(model, columns, rows)
        label = model._meta.label
        self.counts[label] = self.counts.get(label, 0) + len(rows)
        if self._on_rows:
            self._on_rows(label, len(rows))
        return len(rows)

    def _copy(self, model: type[models.Model], columns: Sequence[str], rows: list) -> None:
        fields = {f.attname: f for f in model._meta.concrete_fields}
        # A field added to a model after this generator was written gets its default, as
        # bulk_create would give it (COPY knows nothing of Django-side defaults).
        extra = [
            f
            for f in model._meta.concrete_fields
            if f.attname not in columns and not f.primary_key and f.has_default()
        ]
        if extra:
            defaults = tuple(f.get_default() for f in extra)
            columns = [*columns, *(f.attname for f in extra)]
            rows = [(*row, *defaults) for row in rows]
        json_positions = [
            i for i, name in enumerate(columns) if isinstance(fields[name], models.JSONField)
        ]
        db_columns = [fields[name].column for name in columns]
        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(model._meta.db_table),
            sql.SQL(", ").join(sql.Identifier(c) for c in db_columns),
        )
        connection.ensure_connection()
        with (
            connection.connection.cursor() as cursor,
            cursor.copy(
                # A writer thread sends to the server while this one formats the next rows.
                statement,
                writer=QueuedLibpqWriter(cursor),
            ) as copy,
        ):
            for row in rows:
                if json_positions:
                    row = list(row)
                    for i in json_positions:
                        row[i] = json.dumps(row[i])
                copy.write_row(row)

    def _bulk_create(self, model: type[models.Model], columns: Sequence[str], rows: list) -> None:
        objects = [model(**dict(zip(columns, row, strict=True))) for row in rows]
        model.objects.bulk_create(objects, batch_size=BULK_BATCH)

    @contextmanager
    def indexes_deferred(self, models_: Sequence[type[models.Model]]) -> Iterator[None]:
        """Drop the plain (non-unique) indexes of big tables while they are filled and
        build them once at the end, as pg_restore does: one sort beats a million
        incremental inserts. Unique indexes stay, so uniqueness is still checked."""
        if not self.postgres:
            yield
            return
        tables = [m._meta.db_table for m in models_]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i"
                " JOIN pg_class c ON c.relname = i.indexname"
                " JOIN pg_index x ON x.indexrelid = c.oid"
                " WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)"
                " AND NOT x.indisunique AND NOT x.indisprimary",
                [tables],
            )
            saved = cursor.fetchall()
            for name, _definition in saved:
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                if connection.in_atomic_block:
                    # Inside a transaction (tests), deferred foreign-key checks must run
                    # first: PostgreSQL will not build an index over pending ones.
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("SET maintenance_work_mem = '256MB'")
                for _name, definition in saved:
                    cursor.execute(definition)
                if connection.in_atomic_block:
                    cursor.execute("SET CONSTRAINTS ALL DEFERRED")

    def reset_sequences(self) -> None:
        """Rows were written with explicit ids; make the next insert continue after them."""
        if not self._models:
            return
        statements = connection.ops.sequence_reset_sql(no_style(), self._models)
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
