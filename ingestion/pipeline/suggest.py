"""Which controversies an article probably belongs to, and why.

A controversy is a candidate when it shares a company or product with the article's
mentions; its score adds the shared entities, the controversy's topics named in the text,
and how close the article's date is to the controversy's latest event. The reasons are
stored with the score, so curators see why it was suggested.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from controversies.models import Controversy
from ingestion.models import Article, ArticleState, Suggestion
from ingestion.pipeline.common import copy_row, lock_article
from ingestion.pipeline.relevance import terms_in

ORGANIZATION_WEIGHT = 3.0
PRODUCT_WEIGHT = 4.0
TOPIC_WEIGHT = 1.5
NEAR_DATE = (dt.timedelta(days=30), 2.0)
SAME_YEAR = (dt.timedelta(days=365), 1.0)


def _date_reason(article_date: dt.date | None, controversy: Controversy) -> tuple[float, str]:
    anchor = controversy.last_event_on or controversy.started_on
    if article_date is None or anchor is None:
        return 0.0, ""
    gap = abs(article_date - anchor)
    for limit, weight in (NEAR_DATE, SAME_YEAR):
        if gap <= limit:
            side = "after" if article_date >= anchor else "before"
            what = "its latest event" if controversy.last_event_on else "it started"
            return weight, f"Published {gap.days} days {side} {what} ({anchor:%d %b %Y})"
    return 0.0, ""


def _mentioned_ids(article: Article) -> tuple[set[int], set[int]]:
    org_ids, product_ids = set(), set()
    for org_id, product_id in article.mentions.values_list("organization_id", "product_id"):
        if org_id:
            org_ids.add(org_id)
        if product_id:
            product_ids.add(product_id)
    return org_ids, product_ids


def suggestions_for(
    article: Article, *, mentioned: tuple[set[int], set[int]] | None = None
) -> list[tuple[Controversy, float, list[str]]]:
    """Scored candidate controversies for an article whose mentions are recorded (or,
    when the caller has just matched it, for the ``mentioned`` organisation and product
    ids)."""
    org_ids, product_ids = mentioned if mentioned is not None else _mentioned_ids(article)
    if not org_ids and not product_ids:
        return []
    candidates = (
        Controversy.objects.filter(Q(companies__in=org_ids) | Q(products__in=product_ids))
        .distinct()
        .prefetch_related("companies", "products", "topics")
    )
    text = "\n".join(filter(None, [article.title or article.feed_title, article.text]))
    scored = []
    for controversy in candidates:
        reasons: list[str] = []
        score = 0.0
        for company in controversy.companies.all():
            if company.pk in org_ids:
                score += ORGANIZATION_WEIGHT
                reasons.append(f"Mentions {company.name} (company)")
        for product in controversy.products.all():
            if product.pk in product_ids:
                score += PRODUCT_WEIGHT
                reasons.append(f"Mentions {product.name} (product)")
        topics = terms_in(text, [topic.name for topic in controversy.topics.all()])
        for name in topics:
            score += TOPIC_WEIGHT
            reasons.append(f"Topic: {name}")
        date_score, date_reason = _date_reason(article.best_date, controversy)
        if date_reason:
            score += date_score
            reasons.append(date_reason)
        scored.append((controversy, round(score, 2), reasons))
    scored.sort(key=lambda item: (-item[1], item[0].title))
    return scored[: settings.INGESTION_MAX_SUGGESTIONS]


def suggestions_replace(
    *,
    article: Article,
    mentioned: tuple[set[int], set[int]] | None = None,
    clear: bool = True,
) -> list[Suggestion]:
    """Store the article's suggestions; ``clear=False`` when it has none yet."""
    if clear:
        article.suggestions.all().delete()
    return Suggestion.objects.bulk_create(
        Suggestion(article=article, controversy=controversy, score=score, reasons=reasons)
        for controversy, score, reasons in suggestions_for(article, mentioned=mentioned)
    )


def article_suggest(*, article: Article) -> str:
    """Matched -> in review, with suggested controversies."""
    with transaction.atomic():
        locked = lock_article(article.pk, [ArticleState.MATCHED])
        if locked is None:
            article.refresh_from_db()  # another delivery moved it on
            return article.state
        suggestions_replace(article=locked)
        locked.state = ArticleState.IN_REVIEW
        locked.save(update_fields=["state", "updated_at"])
    copy_row(locked, to=article)
    return article.state
