"""What the ingestion pipeline reads from the curated data: the names to look for in an
article, the topics, and the controversies an article's mentions point at.

Ingestion reads curated rows only through these functions, so the domain's tables can
change without a search through another app's SQL.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Hashable
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Max

from controversies.models import Controversy, Organization, Product, Topic, split_aliases

NamedEntity = tuple[int, list[str]]  # (pk, [name, *aliases])

_COMPANY_LINKS = Controversy.companies.through
_PRODUCT_LINKS = Controversy.products.through
_TOPIC_LINKS = Controversy.topics.through


def matchable_names() -> tuple[list[NamedEntity], list[NamedEntity]]:
    """Every organisation's and every product's name followed by its aliases."""
    organizations = [
        (pk, [name, *split_aliases(aliases)])
        for pk, name, aliases in Organization.objects.values_list("pk", "name", "aliases")
    ]
    products = [
        (pk, [name, *split_aliases(aliases)])
        for pk, name, aliases in Product.objects.values_list("pk", "name", "aliases")
    ]
    return organizations, products


def matchable_names_stamp() -> Hashable:
    """Changes whenever matchable_names() may have: a row added, removed or saved."""
    stamp: list = []
    for model in (Organization, Product):
        found = model.objects.aggregate(n=Count("pk"), last=Max("updated_at"))
        stamp += [found["n"], found["last"]]
    return tuple(stamp)


def topic_names() -> list[tuple[int, str]]:
    """(pk, name) of every curated topic."""
    return list(Topic.objects.values_list("pk", "name"))


@dataclass(frozen=True)
class Weights:
    """What each shared link adds to a candidate's score, and what a latest event (or a
    start, for a controversy without events) within ``near`` or else ``far`` of the
    article's date adds: (how far, weight)."""

    company: float
    product: float
    topic: float
    near: tuple[dt.timedelta, float]
    far: tuple[dt.timedelta, float]


@dataclass
class Candidate:
    """A controversy sharing a company or product with an article, its score, and the
    names of what it shares by kind ("company", "product", "topic")."""

    pk: int
    score: float
    last_event_on: dt.date | None
    started_on: dt.date | None
    shared: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))


def _table(model: type) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _column(model: type, field: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(field).column)


def _in(column: str, ids: Collection[int]) -> tuple[str, list]:
    return f"{column} IN ({', '.join(['%s'] * len(ids))})", sorted(ids)


def _links_sql(
    organization_ids: Collection[int], product_ids: Collection[int], topic_ids: Collection[int]
) -> tuple[str, list]:
    """(controversy_id, kind, name) of every link to a mentioned company or product, and
    to a named topic of a controversy that has one of those. Table and column names come
    from the models' meta; every value is a parameter."""
    sql, params = [], []
    for kind, links, target, entity, ids in (
        ("company", _COMPANY_LINKS, "organization", Organization, organization_ids),
        ("product", _PRODUCT_LINKS, "product", Product, product_ids),
    ):
        if ids:
            column = _column(links, target)
            condition, values = _in(f"link.{column}", ids)
            sql.append(
                f"SELECT link.{_column(links, 'controversy')} AS controversy_id, "  # noqa: S608
                f"'{kind}' AS kind, entity.{_column(entity, 'name')} AS name "
                f"FROM {_table(links)} AS link "
                f"JOIN {_table(entity)} AS entity "
                f"ON entity.{_column(entity, 'id')} = link.{column} "
                f"WHERE {condition}"
            )
            params += values
    entity_links = " UNION ALL ".join(sql)
    if topic_ids:
        column = _column(_TOPIC_LINKS, "topic")
        controversy = _column(_TOPIC_LINKS, "controversy")
        condition, values = _in(f"link.{column}", topic_ids)
        entity_links += (
            f" UNION ALL SELECT link.{controversy}, 'topic', topic.{_column(Topic, 'name')} "  # noqa: S608
            f"FROM {_table(_TOPIC_LINKS)} AS link "
            f"JOIN {_table(Topic)} AS topic ON topic.{_column(Topic, 'id')} = link.{column} "
            f"WHERE {condition} AND link.{controversy} IN "
            f"(SELECT controversy_id FROM ({entity_links}) AS candidate)"
        )
        params += values + params
    return entity_links, params


# The best few candidates, scored, each with its links, in one statement and one round
# trip per article (it runs for every article). Written out, rather than as a queryset
# (a counting subquery per kind, a CASE on dates, a union for the names), for the bench
# target "ingestion >= 70% of trafilatura alone" (bench/targets.py).
_SCORED_SQL = """
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
          FROM link JOIN {controversies} AS controversy
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


def _date_bounds(article_date: dt.date | None, weights: Weights) -> list:
    """The BETWEEN bounds and weights of _SCORED_SQL's date CASE (NULLs: no date)."""
    params = []
    for limit, weight in (weights.near, weights.far):
        low = high = None
        if article_date is not None:
            low, high = article_date - limit, article_date + limit
        adapt = connection.ops.adapt_datefield_value
        params += [adapt(low), adapt(high), weight]
    return params


def _as_date(value) -> dt.date | None:
    # SQLite returns a date read through a CTE as its text.
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def suggestion_candidates(
    *,
    organization_ids: Collection[int],
    product_ids: Collection[int],
    topic_ids: Collection[int],
    article_date: dt.date | None,
    weights: Weights,
    limit: int,
) -> list[Candidate]:
    """The ``limit`` best controversies that share a company (among ``organization_ids``)
    or a product with an article, best first, ties by title. A topic (among
    ``topic_ids``, those the article names) adds to a candidate's score but does not
    make one. The database scores every candidate and returns only the best with their
    links: a big company has thousands."""
    if not organization_ids and not product_ids:
        return []
    links, params = _links_sql(organization_ids, product_ids, topic_ids)
    params += [weights.company, weights.product, weights.topic]
    params += _date_bounds(article_date, weights)
    params.append(limit)
    sql = _SCORED_SQL.format(links=links, controversies=_table(Controversy))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    candidates: dict[int, Candidate] = {}  # in score order
    for pk, score, last_event_on, started_on, kind, name in rows:
        if pk not in candidates:
            candidates[pk] = Candidate(
                pk=pk,
                score=float(score),
                last_event_on=_as_date(last_event_on),
                started_on=_as_date(started_on),
            )
        candidates[pk].shared[kind].append(name)
    return list(candidates.values())
