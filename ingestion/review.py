"""Curators' decisions on articles in the review queue.

Accepting writes the domain records through controversies.services only; the article
keeps a link to the event and source it became.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from controversies import services
from controversies.dates import Precision
from controversies.models import (
    Controversy,
    Event,
    EventSource,
    Organization,
    Source,
    split_aliases,
)
from ingestion.matched_sentence import first_sentence_naming
from ingestion.models import Article, ArticleState


class ReviewError(ValueError):
    """The decision cannot be applied (the article already left the queue...)."""


REVIEWABLE = (ArticleState.IN_REVIEW,)


def _lock_for_review(article: Article) -> Article:
    locked = Article.objects.select_for_update().filter(pk=article.pk, state__in=REVIEWABLE).first()
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


@dataclass(frozen=True)
class Proposals:
    """What accepting an article offers the curator to keep: the organisations it matched
    (most mentioned first) as the event's actors, and the sentence naming one of the
    matched organisations or products as the citation's quote."""

    organizations: list[Organization]
    quote: str


def review_proposals(*, article: Article) -> Proposals:
    mentions = list(
        article.mentions.select_related("organization", "product").order_by("-count", "id")
    )
    names: list[str] = []
    for mention in mentions:
        entity = mention.entity
        names += [mention.alias, entity.name, *split_aliases(entity.aliases)]
    return Proposals(
        organizations=[m.organization for m in mentions if m.organization_id is not None],
        quote=first_sentence_naming(article.text, names),
    )


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
    actors: list[tuple[Organization, str]] | None = None,
    quote: str = "",
    user: AbstractBaseUser | None = None,
) -> Event:
    """Accept the article as the cited source (with ``quote``) of a new event on
    ``controversy``, with the ``actors`` (organisation, role) the curator confirmed."""
    locked = _lock_for_review(article)
    source = article_source(article=locked)
    event = services.event_create(
        controversy=controversy,
        occurred_on=occurred_on,
        precision=precision,
        kind=kind,
        title=title,
        summary=summary,
        actors=actors or [],
    )
    services.source_attach(event=event, source=source, quote=quote)
    _close(locked, ArticleState.ACCEPTED, user, accepted_event=event, accepted_source=source)
    article.refresh_from_db()
    return event


@transaction.atomic
def review_accept_existing_event(
    *,
    article: Article,
    event: Event,
    quote: str = "",
    actors: list[tuple[Organization, str]] | None = None,
    user: AbstractBaseUser | None = None,
) -> EventSource:
    """Accept the article as one more source of an existing event; the ``actors`` the
    curator confirmed join the event's actors."""
    locked = _lock_for_review(article)
    source = article_source(article=locked)
    citation = services.source_attach(event=event, source=source, quote=quote)
    services.event_actors_add(event=event, actors=actors or [])
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
