"""Fetch a queued article, extract it, settle its canonical URL and check for copies."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from ingestion.fetch import FetchError, FetchResult, fetch_page
from ingestion.models import Article, ArticleState
from ingestion.pipeline import dedupe
from ingestion.pipeline.common import (
    RetryLater,
    article_fail,
    describe_fetch_error,
    lock_state,
    save_changes,
)
from ingestion.pipeline.extract import Extracted, ExtractionError, extract_page

logger = logging.getLogger(__name__)

FETCH_STATES = (ArticleState.QUEUED, ArticleState.FETCHED)


def article_fetch(*, article: Article, final_attempt: bool = True) -> FetchResult | None:
    """Download the page and mark the article fetched; None if it failed or moved on."""
    if article.state not in FETCH_STATES:
        return None
    try:
        result = fetch_page(article.url)
    except FetchError as exc:
        if exc.transient and not final_attempt:
            raise RetryLater(exc) from exc
        article_fail(
            article=article,
            reason=describe_fetch_error(exc, retried=exc.transient),
            from_states=FETCH_STATES,
        )
        return None
    now = timezone.now()
    changes = {
        "state": ArticleState.FETCHED,
        "fetched_at": now,
        "final_url": result.final_url[:2000],
        "content_type": result.content_type[:100],
        "updated_at": now,
    }
    updated = Article.objects.filter(pk=article.pk, state__in=FETCH_STATES).update(**changes)
    if not updated:
        return None
    for name, value in changes.items():
        setattr(article, name, value)
    return result


def article_store_extraction(*, article: Article, extracted: Extracted, final_url: str) -> str:
    """Save what was extracted and either move on (extracted) or link the original
    (duplicate). Returns the new state, or the current one if another delivery won."""
    normalised = dedupe.normalise_text(extracted.text)  # once, for both fingerprints
    text_hash = dedupe.content_hash(extracted.text, normalised=normalised)
    signature = dedupe.minhash_of(extracted.text, normalised=normalised)
    with transaction.atomic():
        dedupe.serialise_dedupe()
        if lock_state(article.pk, [ArticleState.FETCHED]) is None:
            article.refresh_from_db()  # another delivery moved it on
            return article.state
        # Only this step, under this lock, changes the row from here: the instance is
        # the row as fetched, so it is not read again.
        canonical = dedupe.page_canonical_url(
            article=article, final_url=final_url, declared=extracted.declared_canonical
        )
        holders = dedupe.url_and_text_holders(
            article=article, canonical_url=canonical, text_hash=text_hash
        )
        if holders[0] is not None and holders[0].state == ArticleState.FAILED:
            # A failed row cannot be an original, but it owns the URL: keep ours.
            canonical = article.canonical_url
        duplicate = dedupe.find_duplicate(
            article=article,
            canonical_url=canonical,
            text_hash=text_hash,
            signature=signature,
            holders=holders,
        )
        changes = {
            "title": extracted.title,
            "author": extracted.author,
            "published_on": extracted.published_on,
            "date_source": extracted.date_source,
            "site_name": extracted.site_name,
            "language": extracted.language,
            "text": extracted.text,
            "content_hash": text_hash,
            "minhash": dedupe.minhash_to_bytes(signature) if signature else None,
        }
        if duplicate is None:
            changes.update(canonical_url=canonical, state=ArticleState.EXTRACTED)
        else:
            original, reason = duplicate
            changes.update(
                duplicate_of=original,
                duplicate_reason=f"{reason} as article #{original.pk}"[:200],
                state=ArticleState.DUPLICATE,
            )
        save_changes(article, **changes)
    return article.state


def article_process(*, article: Article, final_attempt: bool = True) -> str:
    """Queued or fetched -> extracted (or duplicate, or failed with the reason)."""
    result = article_fetch(article=article, final_attempt=final_attempt)
    if result is None:
        article.refresh_from_db()
        return article.state
    feed_date = article.feed_published_at.date() if article.feed_published_at else None
    try:
        extracted = extract_page(
            result.content,
            url=result.final_url,
            content_type=result.content_type,
            charset=result.charset,
            feed_date=feed_date,
        )
    except ExtractionError as exc:
        article_fail(article=article, reason=str(exc), from_states=[ArticleState.FETCHED])
        return article.state
    return article_store_extraction(
        article=article, extracted=extracted, final_url=result.final_url
    )
