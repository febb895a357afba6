"""The ingestion pipeline as plain functions; Celery tasks only load rows and call these.

An article moves queued -> fetched -> extracted -> matched -> in review, or ends as a
duplicate or failed with a reason. Each step checks the state under a row lock before it
writes, so replaying a step (a redelivered task, the sweeper) changes nothing.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ingestion.models import INTERMEDIATE_STATES, Article, ArticleState
from ingestion.pipeline.common import (
    HAS_MATCHES,
    RetryLater,
    article_fail,
    lock_state,
    save_changes,
)
from ingestion.pipeline.curated import one_reading
from ingestion.pipeline.matching import (
    article_match,
    article_rematch,
    current_matcher,
    mentioned_ids,
    mentions_record,
)
from ingestion.pipeline.poll import (
    article_queue,
    article_submit,
    feed_poll,
    feeds_claim_due,
    parse_feed,
)
from ingestion.pipeline.process import article_process
from ingestion.pipeline.suggest import article_suggest, suggestions_replace

__all__ = [
    "RetryLater",
    "article_advance",
    "article_fail",
    "article_match",
    "article_match_and_suggest",
    "article_process",
    "article_queue",
    "article_rematch",
    "article_retry",
    "article_submit",
    "article_suggest",
    "articles_claim_stuck",
    "feed_poll",
    "feeds_claim_due",
    "parse_feed",
    "suggestions_replace",
]


def article_match_and_suggest(*, article: Article) -> str:
    """Extracted (or matched) -> in review: article_match then article_suggest, in one
    transaction under one row lock, the suggestions taken from the mentions just found."""
    matcher = current_matcher()
    with transaction.atomic():
        # The rest of the row is the instance's: only the guarded steps write it.
        locked = lock_state(
            article.pk, [ArticleState.EXTRACTED, ArticleState.MATCHED], extra=HAS_MATCHES
        )
        if locked is None:
            article.refresh_from_db()  # another delivery moved it on
            return article.state
        state, has_mentions, has_suggestions = locked
        mentioned = None  # already matched: suggest from the stored mentions
        if state == ArticleState.EXTRACTED:
            hits = mentions_record(article=article, matcher=matcher, clear=has_mentions)
            mentioned = mentioned_ids(hits)
        suggestions_replace(article=article, mentioned=mentioned, clear=has_suggestions)
        save_changes(
            article,
            relevance=article.relevance,
            relevance_terms=article.relevance_terms,
            state=ArticleState.IN_REVIEW,
        )
    return article.state


def article_advance(*, article: Article, final_attempt: bool = True) -> str:
    """Run every remaining step for one article; return the state it ends in."""

    # A fetched page goes on to matching and suggestions in the transaction that stores
    # it: one write of the article's row (and its sixteen indexes) instead of two.
    def process() -> str:
        return article_process(article=article, final_attempt=final_attempt, then_match=True)

    steps = {
        ArticleState.QUEUED: process,
        ArticleState.FETCHED: process,
        ArticleState.EXTRACTED: lambda: article_match_and_suggest(article=article),
        ArticleState.MATCHED: lambda: article_match_and_suggest(article=article),
    }
    with one_reading():  # the steps see the curated rows as of one moment
        while article.state in steps:
            before = article.state
            after = steps[before]()
            if after == before:
                break
    return article.state


def articles_claim_stuck(*, now: dt.datetime | None = None, limit: int = 500) -> list[int]:
    """Ids of articles left in an intermediate state for too long (a worker died, the
    broker lost a message). Touching updated_at claims them, so the next sweep does not
    enqueue them again while the re-enqueued task waits in the queue. An article found
    stuck too often (a page that kills its worker every time) is failed instead."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=settings.INGESTION_STUCK_AFTER_SECONDS)
    stuck = Article.objects.intermediate().filter(updated_at__lt=cutoff).order_by("updated_at")
    claimed = []
    for pk, updated_at, sweeps in stuck.values_list("pk", "updated_at", "sweeps")[:limit]:
        won = Article.objects.filter(pk=pk, updated_at=updated_at).update(
            updated_at=now, sweeps=F("sweeps") + 1
        )
        if not won:
            continue
        if sweeps + 1 > settings.INGESTION_MAX_SWEEPS:
            article_fail(
                article=Article(pk=pk),
                reason=f"Abandoned: still unfinished after {sweeps + 1} attempts.",
                from_states=INTERMEDIATE_STATES,
            )
        else:
            claimed.append(pk)
    return claimed


def article_retry(*, article: Article) -> bool:
    """Send a failed article through the pipeline again (a curator asked to)."""
    updated = Article.objects.filter(pk=article.pk, state=ArticleState.FAILED).update(
        state=ArticleState.QUEUED, failure_reason="", sweeps=0, updated_at=timezone.now()
    )
    article.refresh_from_db()
    return bool(updated)
