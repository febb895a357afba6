"""Which controversies an article probably belongs to, and why.

A controversy is a candidate when it shares a company or product with the article's
mentions; its score adds the shared entities, the controversy's topics named in the text,
and how close the article's date is to the controversy's latest event. The reasons are
stored with the score, so curators see why it was suggested.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.db import transaction

from controversies.models import Controversy
from ingestion.models import Article, ArticleState, Suggestion
from ingestion.pipeline.common import copy_row, lock_article
from ingestion.pipeline.relevance import terms_in

ORGANIZATION_WEIGHT = 3.0
PRODUCT_WEIGHT = 4.0
TOPIC_WEIGHT = 1.5
NEAR_DATE = (dt.timedelta(days=30), 2.0)
SAME_YEAR = (dt.timedelta(days=365), 1.0)


def _date_reason(
    article_date: dt.date | None, last_event_on: dt.date | None, started_on: dt.date | None
) -> tuple[float, str]:
    anchor = last_event_on or started_on
    if article_date is None or anchor is None:
        return 0.0, ""
    gap = abs(article_date - anchor)
    for limit, weight in (NEAR_DATE, SAME_YEAR):
        if gap <= limit:
            side = "after" if article_date >= anchor else "before"
            what = "its latest event" if last_event_on else "it started"
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


def _by_controversy(rows) -> dict[int, list[str]]:
    """(controversy id, name) rows as each controversy's names, sorted as the models
    sort them (by name)."""
    names: dict[int, list[str]] = defaultdict(list)
    for controversy_id, name in rows:
        names[controversy_id].append(name)
    return {pk: sorted(found) for pk, found in names.items()}


def suggestions_for(
    article: Article, *, mentioned: tuple[set[int], set[int]] | None = None
) -> list[tuple[int, float, list[str]]]:
    """Scored candidate controversies (by id) for an article whose mentions are recorded
    (or, when the caller has just matched it, for the ``mentioned`` organisation and
    product ids), best first.

    Read as plain values, only the links that count: an article about a big company has
    hundreds of candidates, and loading each with all its companies, products and
    topics as model rows cost more than extracting the article.
    """
    org_ids, product_ids = mentioned if mentioned is not None else _mentioned_ids(article)
    if not org_ids and not product_ids:
        return []
    companies = _by_controversy(
        Controversy.companies.through.objects.filter(organization_id__in=org_ids).values_list(
            "controversy_id", "organization__name"
        )
    )
    products = _by_controversy(
        Controversy.products.through.objects.filter(product_id__in=product_ids).values_list(
            "controversy_id", "product__name"
        )
    )
    candidates = list(companies.keys() | products.keys())
    topics = _by_controversy(
        Controversy.topics.through.objects.filter(controversy_id__in=candidates).values_list(
            "controversy_id", "topic__name"
        )
    )
    text = "\n".join(filter(None, [article.title or article.feed_title, article.text]))
    named = set(terms_in(text, sorted({name for names in topics.values() for name in names})))
    rows = Controversy.objects.filter(pk__in=candidates).values_list(
        "pk", "title", "last_event_on", "started_on"
    )
    scored = []
    for pk, title, last_event_on, started_on in rows:
        reasons = [f"Mentions {name} (company)" for name in companies.get(pk, [])]
        reasons += [f"Mentions {name} (product)" for name in products.get(pk, [])]
        found = [name for name in topics.get(pk, []) if name in named]
        reasons += [f"Topic: {name}" for name in found]
        score = (
            ORGANIZATION_WEIGHT * len(companies.get(pk, []))
            + PRODUCT_WEIGHT * len(products.get(pk, []))
            + TOPIC_WEIGHT * len(found)
        )
        date_score, date_reason = _date_reason(article.best_date, last_event_on, started_on)
        if date_reason:
            score += date_score
            reasons.append(date_reason)
        scored.append((title, pk, round(score, 2), reasons))
    scored.sort(key=lambda item: (-item[2], item[0]))
    return [(pk, score, reasons) for _, pk, score, reasons in scored][
        : settings.INGESTION_MAX_SUGGESTIONS
    ]


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
        Suggestion(article=article, controversy_id=pk, score=score, reasons=reasons)
        for pk, score, reasons in suggestions_for(article, mentioned=mentioned)
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
