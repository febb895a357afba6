"""Facet counts for a set of controversies: how many involve each company, product,
organisation, coalition, topic, status and year.

Every facet is computed in one query: a UNION ALL of small (facet, key, label, controversy)
selects, grouped and counted by the database. Results are cached with the "generation"
number that signals bump whenever curated data changes (see ``controversies.signals``),
so a page view normally costs no facet query at all. After an edit one process rebuilds
a set of counts while the others serve the previous copy (``controversies.rebuild``).
"""

from __future__ import annotations

import hashlib
import time
from collections import defaultdict
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connections
from django.db.models import CharField, F, QuerySet, Value
from django.db.models.functions import Cast, ExtractYear

from controversies import rebuild
from controversies.models import Campaign, Controversy, Event

FACETS = ("company", "product", "organisation", "coalition", "topic", "status", "year")
GENERATION_KEY = "facets:generation"
CACHE_SECONDS = 15 * 60
# Up to this many matching controversies are given to the count query as a list of ids.
MAX_LISTED_IDS = 2_000


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int


def generation() -> int | None:
    """The current cache generation. A missing key (evicted, new cache) starts from the
    clock, so entries written under an earlier generation can never be read again. None
    while the cache is unreachable (config/cache.py): nothing is stored under it then."""
    current = cache.get(GENERATION_KEY)
    if current is None:
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        current = cache.get(GENERATION_KEY)
    return current


def invalidate() -> None:
    """Forget every cached facet count (called when curated data changes)."""
    cache.set(GENERATION_KEY, time.time_ns(), timeout=None)


def _text(expression: object) -> Cast:
    return Cast(expression, output_field=CharField())


def _label(name: str) -> Value:
    return Value(name, output_field=CharField())


def _branch(queryset: QuerySet, facet: str, key: object, label: object, cid: str) -> QuerySet:
    return (
        queryset.order_by()
        .annotate(f_facet=_label(facet), f_key=_text(key), f_label=_text(label), f_cid=F(cid))
        .values_list("f_facet", "f_key", "f_label", "f_cid")
    )


def _union_for(ids: list[int] | QuerySet | None) -> QuerySet:
    """(facet, key, label, controversy id) rows for the controversies in ``ids`` (None:
    every controversy)."""
    where = {} if ids is None else {"controversy_id__in": ids}
    companies = Controversy.companies.through.objects.filter(**where)
    products = Controversy.products.through.objects.filter(**where)
    topics = Controversy.topics.through.objects.filter(**where)
    campaign_links = Campaign.controversies.through.objects.filter(**where)
    event_links = Event.controversies.through.objects.filter(**where)
    statuses = Controversy.objects.filter(**({} if ids is None else {"pk__in": ids}))
    branches = [
        _branch(
            companies, "company", F("organization__slug"), F("organization__name"), "controversy_id"
        ),
        _branch(products, "product", F("product__slug"), F("product__name"), "controversy_id"),
        _branch(topics, "topic", F("topic__slug"), F("topic__name"), "controversy_id"),
        _branch(statuses, "status", F("status"), F("status"), "pk"),
        _branch(
            event_links,
            "year",
            ExtractYear("event__occurred_on"),
            ExtractYear("event__occurred_on"),
            "controversy_id",
        ),
        # An organisation counts if it acted in an event, organised a campaign, or belongs
        # to a coalition that signed an event or organised a campaign on the controversy.
        _branch(
            event_links.filter(event__event_actors__isnull=False),
            "organisation",
            F("event__event_actors__organization__slug"),
            F("event__event_actors__organization__name"),
            "controversy_id",
        ),
        _branch(
            campaign_links.filter(campaign__organisers__isnull=False),
            "organisation",
            F("campaign__organisers__slug"),
            F("campaign__organisers__name"),
            "controversy_id",
        ),
        _branch(
            event_links.filter(event__coalitions__memberships__isnull=False),
            "organisation",
            F("event__coalitions__memberships__organization__slug"),
            F("event__coalitions__memberships__organization__name"),
            "controversy_id",
        ),
        _branch(
            campaign_links.filter(campaign__organising_coalition__memberships__isnull=False),
            "organisation",
            F("campaign__organising_coalition__memberships__organization__slug"),
            F("campaign__organising_coalition__memberships__organization__name"),
            "controversy_id",
        ),
        _branch(
            event_links.filter(event__coalitions__isnull=False),
            "coalition",
            F("event__coalitions__slug"),
            F("event__coalitions__name"),
            "controversy_id",
        ),
        _branch(
            campaign_links.filter(campaign__organising_coalition__isnull=False),
            "coalition",
            F("campaign__organising_coalition__slug"),
            F("campaign__organising_coalition__name"),
            "controversy_id",
        ),
    ]
    first, *rest = branches
    # UNION ALL (no sort to drop duplicates here); the outer query counts DISTINCT
    # controversies, so an organisation reached by two paths still counts once.
    return first.union(*rest, all=True)


def _compute(queryset: QuerySet | None) -> dict[str, list[FacetValue]]:
    """Counts over ``queryset`` (None: every controversy, with no filter at all). A
    filtered set's ids are fetched once and given to every branch as values: as a
    subquery, the filter's own joins would run again in each of the eleven branches
    (and make a bigger plan to build), where a list of ids is an index lookup per
    branch. A broad filter stays a subquery: a list that long costs more to send."""
    ids: list[int] | QuerySet | None = None
    if queryset is not None:
        ids = list(queryset.order_by().values_list("pk", flat=True)[: MAX_LISTED_IDS + 1])
        if not ids:
            return {facet: [] for facet in FACETS}
        if len(ids) > MAX_LISTED_IDS:  # a broad filter: one subquery rather than a long list
            ids = queryset.order_by().values("pk")
    union = _union_for(ids)
    sql, params = union.query.sql_with_params()
    # Count in the database: only one row per facet value comes back, however many
    # controversies match. The inner SQL is Django's own, with parameters kept apart.
    with connections[union.db].cursor() as cursor:
        grouped = f"SELECT f_facet, f_key, MAX(f_label), COUNT(DISTINCT f_cid) FROM ({sql}) t"  # noqa: S608
        cursor.execute(grouped + " GROUP BY f_facet, f_key", params)
        rows = cursor.fetchall()
    counts = {(facet, key): count for facet, key, _label, count in rows}
    labels = {(facet, key): label for facet, key, label, _count in rows}
    status_labels = dict(Controversy.Status.choices)
    result: dict[str, list[FacetValue]] = defaultdict(list)
    for (facet, key), count in counts.items():
        label = status_labels.get(key, key) if facet == "status" else labels[(facet, key)]
        result[facet].append(FacetValue(value=key, label=label, count=count))
    for facet in FACETS:
        values = result[facet]
        if facet == "year":
            values.sort(key=lambda v: v.value, reverse=True)
        else:
            values.sort(key=lambda v: (-v.count, v.label.casefold()))
    return {facet: result[facet] for facet in FACETS}


def facet_counts(
    queryset: QuerySet, *, cache_key: str, limit: int | None = None
) -> dict[str, list[FacetValue]]:
    """Facet values with counts for ``queryset``, cached under ``cache_key`` (which must
    identify the filter that produced the queryset). With ``limit``, only the first values
    of each facet are kept, but always every status (their counts add up to the number of
    results): what an entry holds, and so what a request unpickles, stays bounded however
    many organisations a filtered list involves."""
    return _cached(queryset, cache_key, generation(), limit=limit)[1]


def _key(cache_key: str, limit: int | None) -> str:
    digest = hashlib.sha256(f"{cache_key}|{limit}".encode()).hexdigest()[:32]
    return f"facets:{digest}"


def _cached(
    queryset: QuerySet | None, cache_key: str, current: int | None, *, limit: int | None = None
) -> tuple[int | None, dict[str, list[FacetValue]]]:
    """(generation the counts were computed under, counts): see controversies.rebuild."""

    def compute() -> dict[str, list[FacetValue]]:
        found = _compute(queryset)
        if limit is None:
            return found
        return {
            facet: values if facet == "status" else values[:limit]
            for facet, values in found.items()
        }

    return rebuild.fresh_or_previous(_key(cache_key, limit), current, compute, CACHE_SECONDS)


# The counts over every controversy: the edit that makes them stale claims their rebuild
# and queues it (controversies.signals, controversies.tasks).
EVERYTHING = "all"


def queue_rebuild_of_everything() -> None:
    """Claim the rebuild of the counts over every controversy for the current generation
    and queue it for a worker. Only the first edit of a generation queues a task; if the
    queueing fails, the claim is let go and a visitor rebuilds."""
    from controversies.tasks import rebuild_facets

    current = generation()
    key = _key(EVERYTHING, None)
    if rebuild.claim(key, current) and not rebuild.queue(rebuild_facets, current):
        rebuild.release(key, current)


def rebuild_everything(current: int) -> None:
    """Recount every controversy and store the counts for generation ``current`` (the
    holder of its lock, a worker)."""
    rebuild.store(_key(EVERYTHING, None), current, lambda: _compute(None), CACHE_SECONDS)


# The facets over every controversy (thousands of values at scale) are read on every list
# request and unpickled from the cache at most once per generation: each process keeps
# the last copy it read, with the same values as (value, label) choices for the filter
# form and as a value -> label mapping for the filters' lookups, for as long as the
# generation is unchanged (bench target ``list p95 <= 100 ms at large``). While another
# process rebuilds them the previous copy is served, and derived once. While the cache is
# unreachable (generation None) the process keeps the copy it has.
Choices = dict[str, list[tuple[str, str]]]
Labels = dict[str, dict[str, str]]
_everything: tuple[int | None, dict[str, list[FacetValue]], Choices, Labels] | None
_everything = None


def _remembered() -> tuple[dict[str, list[FacetValue]], Choices, Labels]:
    global _everything
    current = generation()
    if _everything is None or _everything[0] != current:
        held, found = _cached(None, EVERYTHING, current)
        if _everything is not None and _everything[0] == held:
            return _everything[1], _everything[2], _everything[3]
        choices = {facet: [(v.value, v.label) for v in values] for facet, values in found.items()}
        labels = {facet: dict(pairs) for facet, pairs in choices.items()}
        _everything = (held, found, choices, labels)
    return _everything[1], _everything[2], _everything[3]


def all_facets() -> dict[str, list[FacetValue]]:
    """Facet values over every controversy: the options the filters suggest. Shared by
    every caller in the process: do not modify the lists."""
    return _remembered()[0]


def all_choices() -> Choices:
    """``all_facets()`` as (value, label) pairs, most involved first, for form fields.
    Shared like ``all_facets()``."""
    return _remembered()[1]


def labels(facet: str) -> dict[str, str]:
    """Value -> label of every value of ``facet`` over every controversy: slugs known to
    exist, with their names, at no query. Shared like ``all_facets()``."""
    return _remembered()[2][facet]
