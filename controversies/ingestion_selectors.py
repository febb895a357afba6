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
    organization_ids: Collection[int],
    product_ids: Collection[int],
    topic_ids: Collection[int],
    weights: Weights,
) -> tuple[str, list]:
    """(controversy_id, kind, entity_id, weight) of every link to a mentioned company or
    product, and to a named topic of a controversy that has one of those. Only the link
    tables are read: names are looked up for the best few candidates alone. Table and
    column names come from the models' meta; every value is a parameter."""
    sql, params = [], []
    for kind, links, target, ids, weight in (
        ("company", _COMPANY_LINKS, "organization", organization_ids, weights.company),
        ("product", _PRODUCT_LINKS, "product", product_ids, weights.product),
    ):
        if ids:
            column = _column(links, target)
            condition, values = _in(column, ids)
            # A weight as a float: PostgreSQL takes a bare 3.0 for a numeric, whose sums
            # over a big company's thousands of links cost more than reading them.
            sql.append(
                f"SELECT {_column(links, 'controversy')} AS controversy_id, "  # noqa: S608
                f"'{kind}' AS kind, {column} AS entity_id, CAST(%s AS DOUBLE PRECISION) AS weight "
                f"FROM {_table(links)} WHERE {condition}"
            )
            params += [float(weight), *values]
    entity_links = " UNION ALL ".join(sql)
    if topic_ids:
        column = _column(_TOPIC_LINKS, "topic")
        controversy = _column(_TOPIC_LINKS, "controversy")
        condition, values = _in(column, topic_ids)
        entity_links += (
            f" UNION ALL SELECT {controversy}, 'topic', {column}, CAST(%s AS DOUBLE PRECISION) "  # noqa: S608
            f"FROM {_table(_TOPIC_LINKS)} WHERE {condition} AND {controversy} IN "
            f"(SELECT controversy_id FROM ({entity_links}) AS candidate)"
        )
        params += [float(weights.topic), *values, *params]
    return entity_links, params


# The best few candidates, scored, each with its links, in one statement and one round
# trip per article (it runs for every article). Written out rather than as a queryset for
# the bench target "ingestion's own cost <= 15 ms" (bench/targets.py). The date adds at
# most its largest weight to what the links add, so a controversy whose links add less
# than the limit-th best links' sum minus that weight cannot be among the best: only the
# others have their dates read, and names are looked up for the best few alone.
_SCORED_SQL = """
    WITH link AS ({links}),
    shared AS (SELECT controversy_id, SUM(weight) AS weight FROM link GROUP BY controversy_id),
    best AS (
        SELECT controversy.id, controversy.title, controversy.last_event_on,
               controversy.started_on,
               shared.weight
               + CASE WHEN COALESCE(controversy.last_event_on, controversy.started_on)
                           BETWEEN %s AND %s THEN %s
                      WHEN COALESCE(controversy.last_event_on, controversy.started_on)
                           BETWEEN %s AND %s THEN %s
                      ELSE 0 END AS score
          FROM shared JOIN {controversies} AS controversy
            ON controversy.id = shared.controversy_id
         WHERE shared.weight >= COALESCE((SELECT weight FROM shared ORDER BY weight DESC
                                          LIMIT 1 OFFSET %s), 0) - %s
         ORDER BY score DESC, controversy.title, controversy.id
         LIMIT %s
    )
    SELECT best.id, best.score, best.last_event_on, best.started_on, link.kind,
           COALESCE(company.name, product.name, topic.name)
      FROM best JOIN link ON link.controversy_id = best.id
      LEFT JOIN {organizations} AS company
        ON link.kind = 'company' AND company.id = link.entity_id
      LEFT JOIN {products} AS product ON link.kind = 'product' AND product.id = link.entity_id
      LEFT JOIN {topics} AS topic ON link.kind = 'topic' AND topic.id = link.entity_id
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
    links, params = _links_sql(organization_ids, product_ids, topic_ids, weights)
    params += _date_bounds(article_date, weights)
    # The limit-th best links' sum, less the most a date can add (see _SCORED_SQL), and a
    # margin for a float sum's rounding, so a candidate tied at the bound is still read.
    params += [limit - 1, max(weights.near[1], weights.far[1], 0.0) + 1e-6, limit]
    sql = _SCORED_SQL.format(
        links=links,
        controversies=_table(Controversy),
        organizations=_table(Organization),
        products=_table(Product),
        topics=_table(Topic),
    )
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
