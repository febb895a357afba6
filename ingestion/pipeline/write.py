"""Step 7, write: the one place the pipeline writes an article and moves its state.

Every function here takes what the steps found, locks the article's row if it is still
in a state the write applies to (another delivery of the same task may have moved it
on, and then nothing is written), and writes the row and its mentions and suggestions
in one transaction. The hot path (store_page, store_matches) sends its statements
through ``sql``, which names the bench target that needs them; the rest is the ORM.

The states:
- queued: waiting to be fetched (a feed poll or a curator put it there);
- fetched, extracted, matched: only rows written by earlier versions, which stopped
  between steps; the runner takes them on from their text (fetched: from the page);
- in review: extracted, not a copy, with its mentions, relevance and suggestions;
- duplicate (linked to its original) or failed (with the reason): the pipeline's ends.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ingestion.models import INTERMEDIATE_STATES, Article, ArticleState, Mention, Suggestion
from ingestion.pipeline import dedupe, sql
from ingestion.pipeline.extract import Extracted
from ingestion.pipeline.fetch import Page
from ingestion.pipeline.matching import ORGANIZATION, PRODUCT, Matches
from ingestion.pipeline.suggest import Suggested

FETCH_STATES = (ArticleState.QUEUED, ArticleState.FETCHED)
MATCH_STATES = (ArticleState.EXTRACTED, ArticleState.MATCHED)
MAX_REASON_LENGTH = 2000


@dataclass(frozen=True)
class Found:
    """What the match and suggest steps found for an article."""

    matches: Matches
    suggestions: list[Suggested]


def extracted_fields(page: Page, extracted: Extracted, fingerprint: dedupe.Fingerprint) -> dict:
    """The article's fields as its fetch, extraction and fingerprint leave them."""
    return {
        **page.learnt(),
        "title": extracted.title,
        "author": extracted.author,
        "published_on": extracted.published_on,
        "date_source": extracted.date_source,
        "site_name": extracted.site_name,
        "language": extracted.language,
        "text": extracted.text,
        "content_hash": fingerprint.content_hash,
        "minhash": fingerprint.minhash_bytes(),
    }


def store_page(
    *,
    article: Article,
    page: Page,
    extracted: Extracted,
    fingerprint: dedupe.Fingerprint,
    found: Found,
) -> str:
    """Queued (or fetched) -> in review with what was found, or duplicate if the dedupe
    step, run here under the lock, finds the original. Returns the new state, or the
    current one if another delivery won."""
    changes = extracted_fields(page, extracted, fingerprint)
    canonical = dedupe.page_canonical_url(
        article=article, final_url=page.result.final_url, declared=extracted.declared_canonical
    )
    reads = dedupe.reads(article=article, canonical_url=canonical, found=fingerprint)
    with transaction.atomic():
        # The dedupe step's reads go with the lock, in its round trip (it is held until
        # the commit, and every other worker's dedupe waits for it).
        locked, rows = sql.lock_state_then(
            article.pk, FETCH_STATES, reads, has_matches=True, serialise_dedupe=True
        )
        if locked is None:
            article.refresh_from_db()  # another delivery moved it on
            return article.state
        # Only this write, under this lock, changes the row from here: the instance is
        # the row as fetched, so it is not read again.
        verdict = dedupe.check(
            article=article, canonical_url=canonical, found=fingerprint, rows=rows
        )
        statements = []
        if verdict.original is None:
            changes["canonical_url"] = verdict.canonical_url  # unique: a copy keeps its own
            if fingerprint.signature is not None:
                changes["minhash_seq"] = sql.next_minhash_seq()
            statements = _matches_replaced(article, found, *locked[1:3])
            changes.update(_matched_fields(found), state=ArticleState.IN_REVIEW)
        else:
            original = verdict.original
            changes.update(
                duplicate_of=original,
                duplicate_reason=f"{verdict.reason} as article #{original.pk}"[:200],
                state=ArticleState.DUPLICATE,
            )
        _save(article, statements, changes)
    return article.state


def store_matches(*, article: Article, found: Found) -> str:
    """Extracted (or matched) -> in review with what was found."""
    with transaction.atomic():
        locked = sql.lock_state(article.pk, MATCH_STATES, has_matches=True)
        if locked is None:
            article.refresh_from_db()  # another delivery moved it on
            return article.state
        statements = _matches_replaced(article, found, *locked[1:3])
        _save(article, statements, {**_matched_fields(found), "state": ArticleState.IN_REVIEW})
    return article.state


def replace_matches(*, article: Article, found: Found) -> None:
    """Replace an article's mentions, relevance and suggestions, in any state (a re-match
    after aliases changed); its state stays. Under the row lock, so two re-matches of one
    article replace one after the other; nothing is written if the article is gone."""
    with transaction.atomic():
        if sql.lock_state(article.pk, ArticleState.values) is None:
            return
        # Whatever an earlier re-match committed while this one waited is deleted: each
        # statement after the lock sees it (the lock's own read may not).
        _save(article, _matches_replaced(article, found, True, True), _matched_fields(found))


def fail(
    *, article: Article, reason: str, from_states: tuple[str, ...], also: dict | None = None
) -> bool:
    """Record a failure with its reason (and the fields in ``also``, such as what the
    fetch learnt), unless the article already left ``from_states``."""
    reason = (reason or "Unknown failure").strip()[:MAX_REASON_LENGTH]
    changes = {**(also or {}), "state": ArticleState.FAILED, "failure_reason": reason}
    updated = Article.objects.filter(pk=article.pk, state__in=from_states).update(
        **changes, updated_at=timezone.now()
    )
    if updated:
        for name, value in changes.items():
            setattr(article, name, value)
    return bool(updated)


def claim_stuck(*, now: dt.datetime | None = None, limit: int = 500) -> list[int]:
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
            fail(
                article=Article(pk=pk),
                reason=f"Abandoned: still unfinished after {sweeps + 1} attempts.",
                from_states=INTERMEDIATE_STATES,
            )
        else:
            claimed.append(pk)
    return claimed


def retry(*, article: Article) -> bool:
    """Failed -> queued, for a curator who asks to try again."""
    updated = Article.objects.filter(pk=article.pk, state=ArticleState.FAILED).update(
        state=ArticleState.QUEUED, failure_reason="", sweeps=0, updated_at=timezone.now()
    )
    article.refresh_from_db()
    return bool(updated)


def _matched_fields(found: Found) -> dict:
    return {
        "relevance": found.matches.relevance,
        "relevance_terms": found.matches.relevance_terms,
    }


def _matches_replaced(
    article: Article, found: Found, has_mentions: bool, has_suggestions: bool
) -> list[sql.Statement | None]:
    """Clear what an article had (a retried one may have mentions or suggestions) and
    return the INSERTs of what was found, to send with the article's UPDATE."""
    if has_mentions:
        Mention.objects.filter(article_id=article.pk).delete()
    if has_suggestions:
        Suggestion.objects.filter(article_id=article.pk).delete()
    hits = found.matches.hits
    mentions = [
        (
            article.pk,
            hit.pk if hit.kind == ORGANIZATION else None,
            hit.pk if hit.kind == PRODUCT else None,
            hit.alias[:200],
            hit.count,
        )
        for hit in hits
    ]
    suggestions = [(article.pk, s.controversy_id, s.score, s.reasons) for s in found.suggestions]
    return [
        sql.insert_statement(
            Mention, ("article", "organization", "product", "alias", "count"), mentions
        ),
        sql.insert_statement(
            Suggestion, ("article", "controversy", "score", "reasons"), suggestions
        ),
    ]


def _save(article: Article, statements: list, changes: dict) -> None:
    """Write ``changes`` (and a new updated_at) to the article's row after
    ``statements``, then to ``article`` itself: the instance stays as it was if the
    write fails. A value computed by the database (an expression) is left for the
    instance to load when it is read."""
    changes["updated_at"] = timezone.now()
    sql.execute_together([*statements, sql.update_statement(article.pk, changes)])
    for name, value in changes.items():
        if hasattr(value, "resolve_expression"):
            article.__dict__.pop(Article._meta.get_field(name).attname, None)  # deferred
        else:
            setattr(article, name, value)
