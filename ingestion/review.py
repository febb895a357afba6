"""Curators' decisions on articles in the review queue.

Accepting writes the domain records through controversies.services only; the article
keeps a link to the event and source it became.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from controversies import services
from controversies.dates import Precision
from controversies.models import Controversy, Event, EventSource, Source
from ingestion.models import Article, ArticleState
from ingestion.pipeline.common import lock_article


class ReviewError(ValueError):
    """The decision cannot be applied (the article already left the queue...)."""


REVIEWABLE = (ArticleState.IN_REVIEW,)


def _lock_for_review(article: Article) -> Article:
    locked = lock_article(article.pk, REVIEWABLE)
    if locked is None:
        article.refresh_from_db()
        raise ReviewError(
            f"“{article.display_title}” is no longer in review "
            f"(it is {article.get_state_display().lower()})."
        )
    return locked


def _close(article: Article, state: str, user: AbstractBaseUser | None, **fields) -> None:
    article.state = state
    article.reviewed_by = user if user and user.is_authenticated else None
    article.reviewed_at = timezone.now()
    for key, value in fields.items():
        setattr(article, key, value)
    article.save()


def article_source(*, article: Article) -> Source:
    """The Source for an article, created from what was extracted (blanks filled only)."""
    source, _ = services.source_get_or_create(
        url=article.canonical_url,
        title=article.display_title[:500],
        publisher=article.site_name[:200],
        author=article.author[:300],
        published_on=article.best_date,
        language=article.language[:12],
        text_hash=article.content_hash,
    )
    return source


@transaction.atomic
def review_accept_new_event(
    *,
    article: Article,
    controversy: Controversy,
    occurred_on: dt.date,
    title: str,
    precision: str = Precision.DAY,
    kind: str = Event.Kind.REPORT,
    summary: str = "",
    user: AbstractBaseUser | None = None,
) -> Event:
    """Accept the article as the source of a new event on ``controversy``."""
    locked = _lock_for_review(article)
    source = article_source(article=locked)
    event = services.event_create(
        controversy=controversy,
        occurred_on=occurred_on,
        precision=precision,
        kind=kind,
        title=title,
        summary=summary,
        sources=[source],
    )
    _close(locked, ArticleState.ACCEPTED, user, accepted_event=event, accepted_source=source)
    article.refresh_from_db()
    return event


@transaction.atomic
def review_accept_existing_event(
    *, article: Article, event: Event, quote: str = "", user: AbstractBaseUser | None = None
) -> EventSource:
    """Accept the article as one more source of an existing event."""
    locked = _lock_for_review(article)
    source = article_source(article=locked)
    citation = services.source_attach(event=event, source=source, quote=quote)
    _close(locked, ArticleState.ACCEPTED, user, accepted_event=event, accepted_source=source)
    article.refresh_from_db()
    return citation


@transaction.atomic
def review_reject(*, article: Article, user: AbstractBaseUser | None = None) -> None:
    _close(_lock_for_review(article), ArticleState.REJECTED, user)
    article.refresh_from_db()


@transaction.atomic
def review_mark_duplicate(
    *, article: Article, original: Article | None = None, user: AbstractBaseUser | None = None
) -> None:
    """Take the article out of the queue as a copy, linked to ``original`` when known."""
    if original is not None and original.pk == article.pk:
        raise ReviewError("An article cannot be a duplicate of itself.")
    _close(
        _lock_for_review(article),
        ArticleState.DUPLICATE,
        user,
        duplicate_of=original,
        duplicate_reason="Marked as a duplicate by a curator",
    )
    article.refresh_from_db()
