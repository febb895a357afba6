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
from django.db import connection, transaction

from ingestion.models import Article, ArticleState, Suggestion
from ingestion.pipeline.common import (
    Statement,
    copy_row,
    execute_together,
    insert_statement,
    lock_article,
)
from ingestion.pipeline.relevance import curated_topics, terms_in

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


def _in(column: str, ids) -> tuple[str, list]:
    return f"{column} IN ({', '.join(['%s'] * len(ids))})", sorted(ids)


def _links_sql(org_ids, product_ids, topic_ids) -> tuple[str, list]:
    """(controversy_id, kind, name) of every link to a mentioned company or product, and
    to a topic named in the text for a controversy that has one of those."""
    sql, params = [], []
    for kind, links, column, entities, ids in (
        ("company", "controversy_companies", "organization_id", "organization", org_ids),
        ("product", "controversy_products", "product_id", "product", product_ids),
    ):
        if ids:
            condition, values = _in(f"link.{column}", ids)
            sql.append(
                ENTITY_LINKS.format(
                    kind=kind, links=links, column=column, entities=entities, condition=condition
                )
            )
            params += values
    entity = " UNION ALL ".join(sql)
    if topic_ids:
        condition, values = _in("link.topic_id", topic_ids)
        entity += TOPIC_LINKS.format(condition=condition, entity=entity)
        params += values + params
    return entity, params


# Filled in with our own table and column names only (every value is a parameter).
ENTITY_LINKS = """
    SELECT link.controversy_id, '{kind}' AS kind, entity.name
      FROM controversies_{links} AS link
      JOIN controversies_{entities} AS entity ON entity.id = link.{column}
     WHERE {condition}"""
TOPIC_LINKS = """
    UNION ALL
    SELECT link.controversy_id, 'topic' AS kind, topic.name
      FROM controversies_controversy_topics AS link
      JOIN controversies_topic AS topic ON topic.id = link.topic_id
     WHERE {condition}
       AND link.controversy_id IN (SELECT controversy_id FROM ({entity}) AS candidate)"""

# The best few candidates, scored as the reasons say, each with its links. Written out:
# as a queryset (three counting subqueries, a CASE on dates, a union) it cost more to
# compile than to run.
SCORED_SQL = """
    WITH link AS ({links}),
    best AS (
        SELECT controversy.id, controversy.title, controversy.last_event_on,
               controversy.started_on,
               SUM(CASE link.kind WHEN 'company' THEN %s WHEN 'product' THEN %s ELSE %s END)
               + CASE WHEN COALESCE(controversy.last_event_on, controversy.started_on)
                           BETWEEN %s AND %s THEN %s
                      WHEN COALESCE(controversy.last_event_on, controversy.started_on)
                           BETWEEN %s AND %s THEN %s
                      ELSE 0 END AS score
          FROM link JOIN controversies_controversy AS controversy
            ON controversy.id = link.controversy_id
         GROUP BY controversy.id, controversy.title, controversy.last_event_on,
                  controversy.started_on
         ORDER BY score DESC, controversy.title, controversy.id
         LIMIT %s
    )
    SELECT best.id, best.score, best.last_event_on, best.started_on, link.kind, link.name
      FROM best JOIN link ON link.controversy_id = best.id
     ORDER BY best.score DESC, best.title, best.id
"""


def _date_bounds(article_date: dt.date | None) -> list:
    """The BETWEEN bounds and weights of SCORED_SQL's date CASE (NULLs: no date)."""
    params = []
    for limit, weight in (NEAR_DATE, SAME_YEAR):
        low = high = None
        if article_date is not None:
            low, high = article_date - limit, article_date + limit
        adapt = connection.ops.adapt_datefield_value
        params += [adapt(low), adapt(high), weight]
    return params


def _as_date(value) -> dt.date | None:
    # SQLite returns a date read through a CTE as its text.
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def suggestions_for(
    article: Article, *, mentioned: tuple[set[int], set[int]] | None = None
) -> list[tuple[int, float, list[str]]]:
    """Scored candidate controversies (by id) for an article whose mentions are recorded
    (or, when the caller has just matched it, for the ``mentioned`` organisation and
    product ids), best first.

    The database scores every candidate and returns only the best few with their
    links: an article about a big company has hundreds of candidates, and loading each
    with its links cost more than extracting the article. Ties go by title.
    """
    org_ids, product_ids = mentioned if mentioned is not None else _mentioned_ids(article)
    if not org_ids and not product_ids:
        return []
    text = "\n".join(filter(None, [article.title or article.feed_title, article.text]))
    topics = curated_topics()
    named = set(terms_in(text, [name for _, name in topics]))
    links, params = _links_sql(org_ids, product_ids, [pk for pk, name in topics if name in named])
    params += [ORGANIZATION_WEIGHT, PRODUCT_WEIGHT, TOPIC_WEIGHT]
    params += _date_bounds(article.best_date)
    params.append(settings.INGESTION_MAX_SUGGESTIONS)
    with connection.cursor() as cursor:
        cursor.execute(SCORED_SQL.format(links=links), params)
        rows = cursor.fetchall()

    best: dict[int, tuple] = {}  # in score order
    found: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for pk, score, last_event_on, started_on, kind, name in rows:
        best.setdefault(pk, (score, _as_date(last_event_on), _as_date(started_on)))
        found[pk][kind].append(name)
    suggestions = []
    for pk, (score, last_event_on, started_on) in best.items():
        names = {kind: sorted(names) for kind, names in found[pk].items()}
        reasons = [f"Mentions {name} (company)" for name in names.get("company", [])]
        reasons += [f"Mentions {name} (product)" for name in names.get("product", [])]
        reasons += [f"Topic: {name}" for name in names.get("topic", [])]
        _weight, date_reason = _date_reason(article.best_date, last_event_on, started_on)
        if date_reason:
            reasons.append(date_reason)
        suggestions.append((pk, round(float(score), 2), reasons))
    return suggestions


def suggestions_insert(
    article: Article, suggestions: list[tuple[int, float, list[str]]]
) -> Statement | None:
    """The INSERT of what suggestions_for() found (None for nothing)."""
    return insert_statement(
        Suggestion,
        ("article", "controversy", "score", "reasons"),
        [(article.pk, pk, score, reasons) for pk, score, reasons in suggestions],
    )


def suggestions_replace(
    *,
    article: Article,
    mentioned: tuple[set[int], set[int]] | None = None,
    clear: bool = True,
) -> None:
    """Find and store the article's suggestions; ``clear=False`` when it has none yet."""
    if clear:
        article.suggestions.all().delete()
    execute_together([suggestions_insert(article, suggestions_for(article, mentioned=mentioned))])


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
