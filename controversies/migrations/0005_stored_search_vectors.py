"""Stored search vectors on PostgreSQL: a ``search_vector`` column on each searched table,
``GENERATED ALWAYS AS (...) STORED``, with the GIN index on the column.

Matching already read the expression indexes of 0003, but every candidate checked while
walking a newest-first index, and every candidate ranked, parsed its text again with
to_tsvector. A stored vector is parsed once, when the row is written, and PostgreSQL
keeps it up to date on every insert and update (COPY included), so nothing in Python has
to. The expression indexes of 0003 become redundant and are dropped.

The column is not a model field: SQLite has no tsvector, and a field would be written
by the ORM. Queries name it with controversies.search_selectors.StoredVector; Django
never selects it, so exports, imports and history tables do not see it.
Nothing happens on SQLite, forwards or backwards.

The expressions are the same as 0003's (frozen here on purpose): same vectors, same ranks.
"""

import importlib

from django.db import migrations

# table, (column, weight) ...: the text of controversies/search_selectors.py's VECTORS.
VECTORS = {
    "controversy": (("title", "A"), ("summary", "B")),
    "event": (("title", "A"), ("summary", "B")),
    "source": (("title", "A"), ("publisher", "B"), ("excerpt", "B")),
    "organization": (("name", "A"), ("aliases", "A"), ("description", "B")),
    "product": (("name", "A"), ("aliases", "A"), ("description", "B")),
}
COLUMN = "search_vector"


def _table(model):
    return f"controversies_{model}"


def _expression(weighted):
    return " || ".join(
        f"setweight(to_tsvector('english'::regconfig, COALESCE({column}, '')::text), '{weight}')"
        for column, weight in weighted
    )


def _old_indexes():
    """0003's expression indexes over the same vectors (not its trigram indexes)."""
    old = importlib.import_module("controversies.migrations.0003_search_indexes")
    for model, index in old._indexes():
        if index.name.endswith("_search_idx"):
            yield model, index


def add_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, index in _old_indexes():
        schema_editor.remove_index(apps.get_model("controversies", model), index)
    for model, weighted in VECTORS.items():
        schema_editor.execute(
            f"ALTER TABLE {_table(model)} ADD COLUMN {COLUMN} tsvector "
            f"GENERATED ALWAYS AS ({_expression(weighted)}) STORED"
        )
        schema_editor.execute(
            f"CREATE INDEX {model[:12]}_vector_idx ON {_table(model)} USING gin ({COLUMN})"
        )
        # A new column has no statistics, and rewriting the table does not prompt
        # autovacuum to gather them: without them the planner guesses how common a word
        # is, and may read every match of "AI" through the GIN index instead of walking
        # the newest-first index for the first CANDIDATES.
        schema_editor.execute(f"ANALYZE {_table(model)}")


def remove_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model in VECTORS:
        # Dropping the column drops its index.
        schema_editor.execute(f"ALTER TABLE {_table(model)} DROP COLUMN {COLUMN}")
    for model, index in _old_indexes():
        schema_editor.add_index(apps.get_model("controversies", model), index)


class Migration(migrations.Migration):
    dependencies = [("controversies", "0004_controversy_list_order_index")]

    operations = [migrations.RunPython(add_vectors, remove_vectors)]
