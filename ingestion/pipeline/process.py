"""Fetch a queued article, extract it, settle its canonical URL and check for copies
(and, when asked, go on to match and suggest in the same transaction)."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from ingestion.fetch import FetchError, FetchResult, fetch_page
from ingestion.models import Article, ArticleState
from ingestion.pipeline import dedupe
from ingestion.pipeline.common import (
    HAS_MATCHES,
    RetryLater,
    article_fail,
    describe_fetch_error,
    lock_state,
    save_changes,
)
from ingestion.pipeline.extract import Extracted, ExtractionError, extract_page
from ingestion.pipeline.matching import current_matcher, mentioned_ids, mentions_record
from ingestion.pipeline.suggest import suggestions_replace

logger = logging.getLogger(__name__)

FETCH_STATES = (ArticleState.QUEUED, ArticleState.FETCHED)


def article_fetch(*, article: Article, final_attempt: bool = True) -> FetchResult | None:
    """Download the page; None if that failed (recorded) or the article moved on.

    What the fetch learnt is set on ``article`` and written with the extraction, in the
    same UPDATE: a separate write of a "fetched" state kept nothing a replay could use
    (the bytes are not stored, so a fetched article is fetched again) and cost a write
    of the row and every index on it.
    """
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
    article.fetched_at = timezone.now()
    article.final_url = result.final_url[:2000]
    article.content_type = result.content_type[:100]
    return result


def _fetched(article: Article) -> dict:
    return {
        "fetched_at": article.fetched_at,
        "final_url": article.final_url,
        "content_type": article.content_type,
    }


def article_store_extraction(
    *, article: Article, extracted: Extracted, final_url: str, then_match: bool = False
) -> str:
    """Save what was extracted and either move on (extracted; with ``then_match``, on to
    review with its mentions and suggestions) or link the original (duplicate). Returns
    the new state, or the current one if another delivery won."""
    normalised = dedupe.normalise_text(extracted.text)  # once, for both fingerprints
    text_hash = dedupe.content_hash(extracted.text, normalised=normalised)
    signature = dedupe.minhash_of(extracted.text, normalised=normalised)
    matcher = current_matcher() if then_match else None  # built outside any lock
    with transaction.atomic():
        matches = HAS_MATCHES if then_match else ""
        locked = lock_state(article.pk, FETCH_STATES, extra=matches + dedupe.serialising_column())
        if locked is None:
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
            **_fetched(article),
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
            if matcher is not None:
                changes.update(_matched(article, changes, matcher, has_matches=locked[1:3]))
        else:
            original, reason = duplicate
            changes.update(
                duplicate_of=original,
                duplicate_reason=f"{reason} as article #{original.pk}"[:200],
                state=ArticleState.DUPLICATE,
            )
        save_changes(article, **changes)
    return article.state


def _matched(article: Article, changes: dict, matcher, *, has_matches: tuple) -> dict:
    """The article's mentions and suggestions, stored, and the fields that say so (its
    relevance; in review), for an article whose extraction is in ``changes``."""
    for name, value in changes.items():
        setattr(article, name, value)  # matching reads the title and text
    has_mentions, has_suggestions = has_matches
    hits = mentions_record(article=article, matcher=matcher, clear=has_mentions)
    suggestions_replace(article=article, mentioned=mentioned_ids(hits), clear=has_suggestions)
    return {
        "relevance": article.relevance,
        "relevance_terms": article.relevance_terms,
        "state": ArticleState.IN_REVIEW,
    }


def article_process(
    *, article: Article, final_attempt: bool = True, then_match: bool = False
) -> str:
    """Queued or fetched -> extracted (or duplicate, or failed with the reason); with
    ``then_match``, an extracted article goes on to review in the same transaction."""
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
        article_fail(
            article=article, reason=str(exc), from_states=FETCH_STATES, also=_fetched(article)
        )
        return article.state
    return article_store_extraction(
        article=article, extracted=extracted, final_url=result.final_url, then_match=then_match
    )
