"""Thin Celery wrappers: each task takes ids, reloads the rows and calls the pipeline.

acks_late and reject_on_worker_lost are global (config/settings.py), so a task whose
worker dies goes back to the queue; replaying it is safe because every step checks the
row's state first. Only transient fetch failures (timeouts, connection errors, 5xx, 429)
are retried, with exponential back-off and jitter; anything else is recorded at once.
"""

from __future__ import annotations

import logging

import kombu.exceptions
from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction

from ingestion import pipeline
from ingestion.models import INTERMEDIATE_STATES, Article, ArticleState, Feed
from ingestion.pipeline import RetryLater

logger = logging.getLogger(__name__)

RETRY_OPTIONS = {
    "autoretry_for": (RetryLater,),
    "retry_backoff": settings.INGESTION_RETRY_BACKOFF_SECONDS,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": settings.INGESTION_MAX_RETRIES,
}
# Well below the broker's visibility timeout, so a slow task is killed before Redis
# assumes it lost and hands it to a second worker.
TIME_LIMITS = {
    "soft_time_limit": settings.INGESTION_TASK_SOFT_TIME_LIMIT,
    "time_limit": settings.INGESTION_TASK_TIME_LIMIT,
}


def enqueue_on_commit(task: Task, *ids: int) -> None:
    """Queue ``task(*ids)`` once the open transaction commits (at once outside one), for
    requests such as admin actions. A broker that cannot be reached is logged, not
    raised: the rows are already committed and nothing is lost, because the sweeper
    re-enqueues queued articles and beat polls due feeds once Redis is back."""

    def send() -> None:
        try:
            task.delay(*ids)
        except kombu.exceptions.OperationalError as exc:
            logger.error(
                "Could not queue %s%r: the broker is unreachable (%s); the sweeper or the "
                "next due-feed poll will queue it once it is back",
                task.name,
                ids,
                exc,
            )

    transaction.on_commit(send)


def _with_retries(task, step):
    """Run ``step(final_attempt)``. On a worker, a RetryLater escapes to autoretry_for,
    which re-queues the task with back-off. Without a broker (eager mode: commands and
    admin actions on a first-run install) nothing could run the retry later, so the
    attempts are made here, one after the other."""
    if not task.request.is_eager:
        return step(task.request.retries >= task.max_retries)
    for attempt in range(task.max_retries + 1):
        try:
            return step(attempt >= task.max_retries)
        except RetryLater as exc:
            logger.info("Attempt %d failed (%s); retrying in-process", attempt + 1, exc)
    raise AssertionError("the final attempt records failures instead of raising")


@shared_task(bind=True, **RETRY_OPTIONS, **TIME_LIMITS)
def advance_article(self, article_id: int) -> str | None:
    article = Article.objects.filter(pk=article_id).first()
    if article is None:
        logger.info("Article %s is gone; nothing to do", article_id)
        return None
    try:
        return _with_retries(
            self, lambda final: pipeline.article_advance(article=article, final_attempt=final)
        )
    except SoftTimeLimitExceeded:
        pipeline.article_fail(
            article=article,
            reason=f"Gave up after {self.soft_time_limit} seconds (task time limit).",
            from_states=INTERMEDIATE_STATES,
        )
        return ArticleState.FAILED


@shared_task(bind=True, **RETRY_OPTIONS, **TIME_LIMITS)
def poll_feed(self, feed_id: int) -> int:
    feed = Feed.objects.filter(pk=feed_id).first()
    if feed is None:
        logger.info("Feed %s is gone; nothing to do", feed_id)
        return 0
    _run, new_ids = _with_retries(
        self, lambda final: pipeline.feed_poll(feed=feed, final_attempt=final)
    )
    for article_id in new_ids:
        advance_article.delay_on_commit(article_id)
    return len(new_ids)


@shared_task(**TIME_LIMITS)
def poll_due_feeds() -> int:
    """Beat: claim every due feed and enqueue one poll for each."""
    feed_ids = pipeline.feeds_claim_due()
    for feed_id in feed_ids:
        poll_feed.delay_on_commit(feed_id)
    return len(feed_ids)


@shared_task(**TIME_LIMITS)
def sweep_stuck_articles() -> int:
    """Beat: re-enqueue articles stuck between steps, so none is lost."""
    article_ids = pipeline.articles_claim_stuck()
    for article_id in article_ids:
        advance_article.delay_on_commit(article_id)
    if article_ids:
        logger.info("Re-enqueued %d stuck articles", len(article_ids))
    return len(article_ids)
