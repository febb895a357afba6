"""Fetch a queued article, extract it, settle its canonical URL and check for copies
(and, when asked, go on to match and suggest in the same transaction)."""

from __future__ import annotations

import copy
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
from ingestion.pipeline.matching import (
    Matches,
    current_matcher,
    matches_of,
    mentioned_ids,
    mentions_insert,
)
from ingestion.pipeline.suggest import suggestions_for, suggestions_insert

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
    # Matching and scoring suggestions read only the text and curated rows: done before
    # the lock, which makes every worker's dedupe wait (only a copy's are thrown away).
    matched = _matched(article, changes) if then_match else None
    with transaction.atomic():
        extra = (HAS_MATCHES if then_match else "") + dedupe.serialising_column()
        locked = lock_state(article.pk, FETCH_STATES, extra=extra)
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
        inserts = []
        if duplicate is None:
            changes.update(canonical_url=canonical, state=ArticleState.EXTRACTED)
            if signature is not None:
                changes.update(minhash_seq=dedupe.next_minhash_seq())
            if matched is not None:
                has_mentions, has_suggestions = locked[1:3]
                if has_mentions:  # a retried article
                    article.mentions.all().delete()
                if has_suggestions:
                    article.suggestions.all().delete()
                matches, suggestions = matched
                inserts = [
                    mentions_insert(article, matches.hits),
                    suggestions_insert(article, suggestions),
                ]
                changes.update(
                    relevance=matches.relevance,
                    relevance_terms=matches.relevance_terms,
                    state=ArticleState.IN_REVIEW,
                )
        else:
            original, reason = duplicate
            changes.update(
                duplicate_of=original,
                duplicate_reason=f"{reason} as article #{original.pk}"[:200],
                state=ArticleState.DUPLICATE,
            )
        save_changes(article, also=inserts, **changes)
    return article.state


def _matched(article: Article, changes: dict) -> tuple[Matches, list]:
    """The mentions, relevance and suggestions of the article as ``changes`` (its
    extraction) will leave it, worked out on a copy: the instance changes only when the
    row does."""
    draft = copy.copy(article)
    for name, value in changes.items():
        setattr(draft, name, value)
    matches = matches_of(draft, current_matcher())
    return matches, suggestions_for(draft, mentioned=mentioned_ids(matches.hits))


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
