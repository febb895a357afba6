"""Small pieces every pipeline step shares: the retry signal and guarded state changes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection, transaction
from django.db.models import Model
from django.db.models.sql import UpdateQuery
from django.utils import timezone

from ingestion.fetch import FetchError
from ingestion.models import Article, ArticleState

MAX_REASON_LENGTH = 2000


class RetryLater(Exception):
    """A transient fetch failure the Celery task should retry with back-off.

    Steps raise it only while retries remain (``final_attempt=False``); on the final
    attempt they record the failure instead, so a persistent 500 ends as a failed row.
    """

    def __init__(self, error: FetchError):
        super().__init__(error.reason)
        self.error = error


def lock_article(article_id: int, states: Iterable[str]) -> Article | None:
    """The article row, locked until the surrounding transaction ends, if it is still in
    one of ``states``; None when another delivery of the same task got there first."""
    return Article.objects.select_for_update().filter(pk=article_id, state__in=list(states)).first()


# Written out: the steps take this lock for every article, and compiling it as a queryset
# cost several times running it. SQLite has no row locks (nor FOR UPDATE): its one
# writer at a time serialises the steps instead.
_LOCK_STATE_SQL = """
    SELECT state{extra} FROM ingestion_article AS article
     WHERE id = %s AND state IN ({states}){lock}
"""


# Whether the locked article already has mentions or suggestions (a retried one may): a
# step that writes them learns it with the lock, so a new article costs no DELETEs.
HAS_MATCHES = """,
    EXISTS (SELECT 1 FROM ingestion_mention WHERE article_id = article.id),
    EXISTS (SELECT 1 FROM ingestion_suggestion WHERE article_id = article.id)"""


def lock_state(article_id: int, states: Iterable[str], *, extra: str = "") -> tuple | None:
    """Like lock_article, but reads only the state (and the ``extra`` SQL columns, on the
    row aliased ``article``), not the whole row: for a step that holds the article as it
    last wrote or loaded it and only needs to know it is still its turn."""
    states = list(states)
    lock = " FOR UPDATE OF article" if connection.features.has_select_for_update_of else ""
    sql = _LOCK_STATE_SQL.format(extra=extra, states=", ".join(["%s"] * len(states)), lock=lock)
    with connection.cursor() as cursor:
        cursor.execute(sql, [article_id, *states])
        return cursor.fetchone()


# One SQL statement and its parameters.
Statement = tuple[str, Sequence]


def update_statement(article_id: int, changes: dict) -> Statement:
    """The UPDATE that ``Article.objects.filter(pk=article_id).update(**changes)`` sends."""
    query = Article.objects.filter(pk=article_id).query.chain(UpdateQuery)
    query.add_update_values(changes)
    return query.get_compiler(connection=connection).as_sql()


def insert_statement(
    model: type[Model], fields: Sequence[str], rows: Sequence[Sequence]
) -> Statement | None:
    """One INSERT of ``rows`` (values in the order of ``fields``), without model
    instances or returned ids (None for no rows): bulk_create cost more than the INSERT
    it sends for an article's mentions and suggestions."""
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
    """Run ``statements`` in order. On PostgreSQL they go in one round trip: an
    article's last writes wait on nothing in between, and on a busy machine each trip
    to the server and back cost more than the statement. SQLite takes one at a time."""
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


def save_changes(article: Article, *, also: Iterable[Statement | None] = (), **changes) -> None:
    """Write ``changes`` (and a new updated_at) to the article's row, after the ``also``
    statements and in the same round trip, then to ``article`` itself: the instance
    stays as it was if the write fails. A value computed by the database (an expression)
    is left for the instance to load when it is read."""
    changes["updated_at"] = timezone.now()
    execute_together([*also, update_statement(article.pk, changes)])
    for name, value in changes.items():
        if hasattr(value, "resolve_expression"):
            article.__dict__.pop(Article._meta.get_field(name).attname, None)  # deferred
        else:
            setattr(article, name, value)


def copy_row(locked: Article, *, to: Article) -> None:
    """Give the caller's instance every field of ``locked``, a copy read under the row
    lock and then saved: the same as refresh_from_db, without the query."""
    for field in Article._meta.concrete_fields:
        setattr(to, field.attname, getattr(locked, field.attname))


def article_fail(
    *, article: Article, reason: str, from_states: Iterable[str], also: dict | None = None
) -> bool:
    """Record a failure with its reason (and the fields in ``also``, such as what the
    fetch learnt), unless the article already moved on."""
    reason = (reason or "Unknown failure").strip()[:MAX_REASON_LENGTH]
    changes = {**(also or {}), "state": ArticleState.FAILED, "failure_reason": reason}
    with transaction.atomic():
        locked = lock_article(article.pk, from_states)
        if locked is None:
            return False
        for name, value in changes.items():
            setattr(locked, name, value)
        locked.save(update_fields=[*changes, "updated_at"])
    for name, value in changes.items():
        setattr(article, name, value)
    return True


def describe_fetch_error(error: FetchError, *, retried: bool) -> str:
    reason = error.reason or str(error)
    if error.transient and retried:
        return f"{reason} (still failing after retries)"
    return reason
