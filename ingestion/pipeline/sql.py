"""The pipeline's hand-written SQL: the writer's lock and writes (``write.py``) and
the dedupe step's reads under that lock (``dedupe.py``).

Bench target served by every statement here: "ingestion's own cost <= 15 ms" per
article, and with it the pipeline's share of trafilatura alone's rate (bench/targets.py).
These run once or more for every article, each doing its work in one round trip to the
server, with no queryset to compile. Everything else in the pipeline uses the ORM.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection
from django.db.models import Model
from django.db.models.expressions import RawSQL
from django.db.models.sql import UpdateQuery

from ingestion.models import Article, ArticleState

# Any constant works; it names the lock that serialises dedupe across workers on Postgres.
_DEDUPE_LOCK_KEY = 0x1D0C5

# Reads only the state (and the optional columns below), not the whole row: the writer
# holds the article as the steps saw it and only needs to know it is still its turn.
# SQLite has no row locks (nor FOR UPDATE): its one writer at a time serialises instead.
_LOCK_STATE_SQL = """
    SELECT state{extra} FROM ingestion_article AS article
     WHERE id = %s AND state IN ({states}){lock}
"""

# Whether the locked article already has mentions or suggestions (a retried one may): the
# writer learns it with the lock, so a new article costs no DELETEs.
_HAS_MATCHES = """,
    EXISTS (SELECT 1 FROM ingestion_mention WHERE article_id = article.id),
    EXISTS (SELECT 1 FROM ingestion_suggestion WHERE article_id = article.id)"""


def _serialise_dedupe() -> str:
    """Taking the row lock also makes concurrent workers dedupe one at a time
    (PostgreSQL; nothing on SQLite, which has one writer), so two near-copies stored at
    the same moment still see each other. PostgreSQL computes the column before it locks
    the row, so the order is the dedupe lock, then the row."""
    if connection.vendor != "postgresql":
        return ""
    return f", pg_advisory_xact_lock({_DEDUPE_LOCK_KEY}) IS NULL"


def lock_state(
    article_id: int,
    states: Iterable[str],
    *,
    has_matches: bool = False,
    serialise_dedupe: bool = False,
) -> tuple | None:
    """Lock the article's row until the transaction ends if it is still in one of
    ``states``; None when another delivery got there first. Returns (state,) followed
    by (has mentions, has suggestions) with ``has_matches``."""
    locked, _rows = lock_state_then(
        article_id, states, (), has_matches=has_matches, serialise_dedupe=serialise_dedupe
    )
    return locked


def lock_state_then(
    article_id: int,
    states: Iterable[str],
    then: Sequence[Statement],
    *,
    has_matches: bool = False,
    serialise_dedupe: bool = False,
) -> tuple[tuple | None, list[list[tuple]]]:
    """lock_state(), then the reads ``then`` in the same round trip (query_together):
    each runs after the lock is taken, and on PostgreSQL sees every row committed until
    then (each statement of a READ COMMITTED transaction reads its own snapshot). Returns
    what lock_state() returns and the rows of each of ``then``; ignore them when the
    lock was not taken."""
    states = list(states)
    extra = (_HAS_MATCHES if has_matches else "") + (
        _serialise_dedupe() if serialise_dedupe else ""
    )
    lock = " FOR UPDATE OF article" if connection.features.has_select_for_update_of else ""
    sql = _LOCK_STATE_SQL.format(extra=extra, states=", ".join(["%s"] * len(states)), lock=lock)
    locked, *rows = query_together([(sql, [article_id, *states]), *then])
    return (locked[0] if locked else None), rows


def next_minhash_seq() -> RawSQL:
    """The minhash_seq of an article whose signature is being stored: in the UPDATE that
    stores it, under the dedupe lock, so the numbers follow the order in which the rows
    are committed and a top-up of the near-duplicate index never skips one. Unlike the
    time of the write, they do not depend on any worker's clock."""
    return RawSQL("(SELECT COALESCE(MAX(minhash_seq), 0) + 1 FROM ingestion_article)", [])


# One SQL statement and its parameters.
Statement = tuple[str, Sequence]


def update_statement(article_id: int, changes: dict) -> Statement:
    """The UPDATE that ``Article.objects.filter(pk=article_id).update(**changes)`` sends,
    compiled by Django, to be sent with the inserts (execute_together)."""
    query = Article.objects.filter(pk=article_id).query.chain(UpdateQuery)
    query.add_update_values(changes)
    return query.get_compiler(connection=connection).as_sql()


def insert_statement(
    model: type[Model], fields: Sequence[str], rows: Sequence[Sequence]
) -> Statement | None:
    """One INSERT of ``rows`` (values in the order of ``fields``) without model instances
    or returned ids; None for no rows."""
    if not rows:
        return None
    columns = [model._meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    # Names come from the model's meta; every value is a parameter.
    table = quote(model._meta.db_table)
    names = ", ".join(quote(column.column) for column in columns)
    one_row = f"({', '.join(['%s'] * len(columns))})"
    sql = f"INSERT INTO {table} ({names}) VALUES {', '.join([one_row] * len(rows))}"  # noqa: S608
    params = [
        column.get_db_prep_save(value, connection)
        for row in rows
        for column, value in zip(columns, row, strict=True)
    ]
    return sql, params


def execute_together(statements: Iterable[Statement | None]) -> None:
    """Run ``statements`` in order; on PostgreSQL in one round trip. SQLite takes one
    statement at a time."""
    statements = [statement for statement in statements if statement is not None]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and len(statements) > 1:
            cursor.execute(
                "; ".join(sql for sql, _ in statements),
                [param for _, params in statements for param in params],
            )
            return
        for sql, params in statements:
            cursor.execute(sql, params)


def query_together(statements: Sequence[Statement]) -> list[list[tuple]]:
    """The rows of each of ``statements``, run in order; on PostgreSQL in one round trip
    (several results of one query string). SQLite takes one statement at a time."""
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql" or len(statements) == 1:
            results = []
            for sql, params in statements:
                cursor.execute(sql, params)
                results.append(cursor.fetchall())
            return results
        cursor.execute(
            "; ".join(sql for sql, _ in statements),
            [param for _, params in statements for param in params],
        )
        results = [cursor.fetchall()]
        while cursor.nextset():
            results.append(cursor.fetchall())
        return results


# The holders in one query rather than two querysets joined with union(): it runs under
# the dedupe lock for every article. Each side in a subquery of its own: SQLite refuses a
# parenthesised side of a UNION.
_HOLDERS_SQL = """
    SELECT * FROM (SELECT 'url' AS holds, id, state, duplicate_of_id FROM ingestion_article
                    WHERE canonical_url = %s AND id <> %s LIMIT 1) AS by_url
    UNION ALL
    SELECT * FROM (SELECT 'text' AS holds, id, state, duplicate_of_id FROM ingestion_article
                    WHERE content_hash = %s AND id <> %s AND state <> %s
                    ORDER BY created_at, id LIMIT 1) AS by_text
"""


def holders_statement(*, article_id: int, canonical_url: str, text_hash: str) -> Statement:
    """The articles other than ``article_id`` holding ``canonical_url`` (in any state)
    and the first one, not failed, with the text hash: rows of (holds: "url" or "text",
    id, state, duplicate_of_id)."""
    params = [canonical_url, article_id, text_hash, article_id, ArticleState.FAILED]
    return _HOLDERS_SQL, params


# The near-duplicate index's top-up, before every lookup. In order and in batches, so
# the planner walks the minhash_seq index from the last number whatever it believes
# about the column, and a worker back from a long pause does not read every row stored
# meanwhile at once. minhash_seq is only set on rows that may be originals.
_NEWER_SQL = """
    SELECT id, minhash, minhash_seq FROM ingestion_article
     WHERE minhash_seq > %s AND state NOT IN (%s, %s)
     ORDER BY minhash_seq LIMIT %s
"""


def minhash_rows_after(last_seq: int, *, limit: int) -> Statement:
    """The read of (id, minhash, minhash_seq) of at most ``limit`` articles numbered
    after ``last_seq``, in order, copies and failures left out."""
    return _NEWER_SQL, [last_seq, ArticleState.DUPLICATE, ArticleState.FAILED, limit]
