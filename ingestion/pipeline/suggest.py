"""Step 6, suggest: which controversies an article probably belongs to, and why.

A controversy is a candidate when it shares a company or product with the article's
mentions; its score adds the shared entities, the controversy's topics named in the text,
and how close the article's date is to the controversy's latest event. The reasons are
stored with the score, so curators see why it was suggested.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings

from controversies.ingestion_selectors import Weights, suggestion_candidates
from ingestion.models import Article
from ingestion.pipeline.matching import Matches, article_text
from ingestion.pipeline.relevance import curated_topics, terms_in

ORGANIZATION_WEIGHT = 3.0
PRODUCT_WEIGHT = 4.0
TOPIC_WEIGHT = 1.5
NEAR_DATE = (dt.timedelta(days=30), 2.0)
SAME_YEAR = (dt.timedelta(days=365), 1.0)
WEIGHTS = Weights(
    company=ORGANIZATION_WEIGHT,
    product=PRODUCT_WEIGHT,
    topic=TOPIC_WEIGHT,
    near=NEAR_DATE,
    far=SAME_YEAR,
)


@dataclass(frozen=True)
class Suggested:
    controversy_id: int
    score: float
    reasons: list[str]


def _date_reason(
    article_date: dt.date | None, last_event_on: dt.date | None, started_on: dt.date | None
) -> str:
    anchor = last_event_on or started_on
    if article_date is None or anchor is None:
        return ""
    gap = abs(article_date - anchor)
    for limit, _weight in (NEAR_DATE, SAME_YEAR):
        if gap <= limit:
            side = "after" if article_date >= anchor else "before"
            what = "its latest event" if last_event_on else "it started"
            return f"Published {gap.days} days {side} {what} ({anchor:%d %b %Y})"
    return ""


def suggest(article: Article, matches: Matches) -> list[Suggested]:
    """The suggest step: the best scored controversies for an article whose mentions are
    ``matches``, best first (ties by title), each with the reasons for its score. Reads
    the article's title, text and date; writes nothing."""
    org_ids, product_ids = matches.mentioned_ids()
    if not org_ids and not product_ids:
        return []
    topics = curated_topics()
    named = set(terms_in(article_text(article), [name for _pk, name in topics]))
    candidates = suggestion_candidates(
        organization_ids=org_ids,
        product_ids=product_ids,
        topic_ids=[pk for pk, name in topics if name in named],
        article_date=article.best_date,
        weights=WEIGHTS,
        limit=settings.INGESTION_MAX_SUGGESTIONS,
    )
    suggestions = []
    for candidate in candidates:
        shared = {kind: sorted(names) for kind, names in candidate.shared.items()}
        reasons = [f"Mentions {name} (company)" for name in shared.get("company", [])]
        reasons += [f"Mentions {name} (product)" for name in shared.get("product", [])]
        reasons += [f"Topic: {name}" for name in shared.get("topic", [])]
        date_reason = _date_reason(article.best_date, candidate.last_event_on, candidate.started_on)
        if date_reason:
            reasons.append(date_reason)
        suggestions.append(Suggested(candidate.pk, round(candidate.score, 2), reasons))
    return suggestions
