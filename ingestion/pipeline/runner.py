"""The runner: the steps in order for one article, then the writer. The Celery task
(``ingestion.tasks.advance_article``), the management commands and the tests all call
these."""

from __future__ import annotations

import copy

from ingestion.models import Article
from ingestion.pipeline import dedupe, matching, suggest, write
from ingestion.pipeline.curated import one_reading
from ingestion.pipeline.errors import StepFailed
from ingestion.pipeline.extract import ExtractionError, extract
from ingestion.pipeline.fetch import fetch
from ingestion.pipeline.write import FETCH_STATES, MATCH_STATES, Found


def article_advance(*, article: Article, final_attempt: bool = True) -> str:
    """Take one article as far as it goes: queued -> in review, duplicate or failed.
    Returns the state it ends in; an article past the pipeline is left as it is.
    Raises RetryLater for a transient fetch failure while retries remain."""
    with one_reading():  # the steps see the curated rows as of one moment
        if article.state in FETCH_STATES:
            return _from_the_page(article, final_attempt)
        if article.state in MATCH_STATES:
            return write.store_matches(article=article, found=_find(article))
    return article.state


def article_rematch(*, article: Article) -> matching.Matches:
    """Match and suggest again for an article in any state past extraction (the aliases
    changed); its state stays."""
    with one_reading():
        found = _find(article)
    write.replace_matches(article=article, found=found)
    return found.matches


def _from_the_page(article: Article, final_attempt: bool) -> str:
    try:
        page = fetch(article, final_attempt=final_attempt)
    except StepFailed as failed:
        return _failed(article, str(failed))
    try:
        extracted = extract(article, page)
    except ExtractionError as failed:
        return _failed(article, str(failed), also=page.learnt())
    fingerprint = dedupe.fingerprint(extracted.text)
    # Matching and suggesting read only the text and curated rows: done before the
    # writer's lock, which makes every other worker's dedupe wait.
    as_stored = copy.copy(article)
    for name, value in write.extracted_fields(page, extracted, fingerprint).items():
        setattr(as_stored, name, value)
    return write.store_page(
        article=article,
        page=page,
        extracted=extracted,
        fingerprint=fingerprint,
        found=_find(as_stored),
    )


def _find(article: Article) -> Found:
    matches = matching.match(article)
    return Found(matches=matches, suggestions=suggest.suggest(article, matches))


def _failed(article: Article, reason: str, *, also: dict | None = None) -> str:
    if not write.fail(article=article, reason=reason, from_states=FETCH_STATES, also=also):
        article.refresh_from_db()  # another delivery moved it on
    return article.state
