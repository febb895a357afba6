"""Small pieces every pipeline step shares: the retry signal and guarded state changes."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction
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
# cost several times running it.
_LOCK_STATE_SQL = """
    SELECT state{extra} FROM ingestion_article AS article
     WHERE id = %s AND state = ANY(%s) FOR UPDATE OF article
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
    with connection.cursor() as cursor:
        cursor.execute(_LOCK_STATE_SQL.format(extra=extra), [article_id, list(states)])
        return cursor.fetchone()


def save_changes(article: Article, **changes) -> None:
    """Write ``changes`` (and a new updated_at) to the article's row, then to ``article``
    itself: the instance stays as it was if the write fails."""
    changes["updated_at"] = timezone.now()
    Article.objects.filter(pk=article.pk).update(**changes)
    for name, value in changes.items():
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
