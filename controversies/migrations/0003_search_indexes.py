"""Search support on PostgreSQL: the pg_trgm extension, GIN indexes over the full-text
vectors that controversies/search_selectors.py queries, and trigram indexes on names.

Nothing happens on SQLite, forwards or backwards (every operation checks the vendor),
and the indexes are not in the models' Meta because they cannot exist on SQLite.
The vector expressions are frozen here on purpose; a test compares query plans with them.
"""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.operations import TrigramExtension
from django.contrib.postgres.search import SearchVector
from django.db import migrations

VECTORS = {
    "controversy": (("title", "A"), ("summary", "B")),
    "event": (("title", "A"), ("summary", "B")),
    "source": (("title", "A"), ("publisher", "B"), ("excerpt", "B")),
    "organization": (("name", "A"), ("aliases", "A"), ("description", "B")),
    "product": (("name", "A"), ("aliases", "A"), ("description", "B")),
}
TRIGRAM = ("organization", "product")


class TrigramExtensionOnPostgres(TrigramExtension):
    """Django's operation checks the vendor going forwards but not backwards."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def _vector(weighted):
    vectors = [SearchVector(name, weight=weight, config="english") for name, weight in weighted]
    combined = vectors[0]
    for vector in vectors[1:]:
        combined = combined + vector
    return combined


def _indexes():
    for model, weighted in VECTORS.items():
        yield model, GinIndex(_vector(weighted), name=f"{model[:12]}_search_idx")
    for model in TRIGRAM:
        yield model, GinIndex(OpClass("name", name="gin_trgm_ops"), name=f"{model[:12]}_trgm_idx")


def add_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, index in _indexes():
        schema_editor.add_index(apps.get_model("controversies", model), index)


def remove_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, index in _indexes():
        schema_editor.remove_index(apps.get_model("controversies", model), index)


class Migration(migrations.Migration):
    dependencies = [("controversies", "0002_curator_editor_groups")]

    operations = [
        TrigramExtensionOnPostgres(),
        migrations.RunPython(add_indexes, remove_indexes),
    ]
