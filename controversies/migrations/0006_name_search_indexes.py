"""Indexes for the name matches of organisations and products (PostgreSQL only).

Search puts an exact name or alias first and finds misspelt names by trigram similarity
(controversies/search_selectors.py, ``_named``). Both read every row of these tables:

- exact names: a btree index over UPPER(name), which is what ``name__iexact`` compares;
- exact aliases: a GIN index over the aliases as an array of trimmed, upper-cased lines,
  so "the query is one of the aliases" is an array containment instead of a regular
  expression run on every row (the expression is ALIAS_LINES in search_selectors.py);
- trigrams: the index of 0003 exists, but PostgreSQL costs a similarity comparison
  (pg_trgm's ``%``) like an integer comparison, so on a few thousand names it picks a
  sequential scan that is many times slower. The function's cost is raised to that of
  to_tsvector (both parse text), where the planner then prefers the index. This needs
  ownership of the function; without it the migration leaves the cost alone.

Nothing happens on SQLite, forwards or backwards.
"""

from django.db import migrations

NAMED = ("organization", "product")
# Keep in step with ALIAS_LINES in controversies/search_selectors.py.
ALIAS_LINES = r"regexp_split_to_array(regexp_replace(UPPER(aliases), '^\s+|\s+$', '', 'g'), '\s*\n\s*')"
SIMILARITY = "similarity_op(text, text)"
SIMILARITY_COST = 100


def _owns_similarity(schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_has_role(current_user, proowner, 'USAGE') FROM pg_proc "
            "WHERE oid = to_regprocedure(%s)",
            [SIMILARITY],
        )
        row = cursor.fetchone()
    return bool(row and row[0])


def add_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model in NAMED:
        table = f"controversies_{model}"
        schema_editor.execute(f"CREATE INDEX {model[:12]}_uname_idx ON {table} (UPPER(name))")
        schema_editor.execute(
            f"CREATE INDEX {model[:12]}_alias_idx ON {table} USING gin (({ALIAS_LINES}))"
        )
        # Statistics on the indexed expressions, for the planner's estimates.
        schema_editor.execute(f"ANALYZE {table}")
    if _owns_similarity(schema_editor):
        schema_editor.execute(f"ALTER FUNCTION {SIMILARITY} COST {SIMILARITY_COST}")


def remove_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model in NAMED:
        schema_editor.execute(f"DROP INDEX {model[:12]}_uname_idx")
        schema_editor.execute(f"DROP INDEX {model[:12]}_alias_idx")
    if _owns_similarity(schema_editor):
        schema_editor.execute(f"ALTER FUNCTION {SIMILARITY} COST 1")


class Migration(migrations.Migration):
    dependencies = [("controversies", "0005_stored_search_vectors")]

    operations = [migrations.RunPython(add_indexes, remove_indexes)]
