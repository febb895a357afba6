"""Facet counts for a set of controversies: how many involve each company, product,
organisation, coalition, topic, status and year.

One query over every controversy (a UNION ALL of small (facet, key, label, controversy)
selects) builds an index of which values each controversy has
(``controversies.facet_index``); the counts for any filtered list are a tally of the
index over the list's ids, so a filter nobody asked for before costs the ids query and
no count query. The index and the counts are cached with the "generation" number that
signals bump whenever curated data changes (see ``controversies.signals``). After an
edit one process (a worker, when there is one) rebuilds the index while the others serve
the previous copy (``controversies.rebuild``).
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connections
from django.db.models import CharField, F, QuerySet, Value
from django.db.models.functions import Cast, ExtractYear

from controversies import rebuild
from controversies.facet_index import FACETS, FacetIndex, FacetValue
from controversies.models import Campaign, Controversy, Event

__all__ = ["FACETS", "FacetValue", "all_choices", "all_facets", "facet_counts", "labels"]

GENERATION_KEY = "facets:generation"
CACHE_SECONDS = 15 * 60


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


def _build_index() -> FacetIndex:
    """The index over every controversy, from one query: a row per facet value with the
    ids of the controversies that have it (a row per pair would hold every value's
    label hundreds of times over)."""
    union = _union_for(None)
    sql, params = union.query.sql_with_params()
    connection = connections[union.db]
    postgres = connection.vendor == "postgresql"
    members = "array_agg(DISTINCT f_cid)" if postgres else "group_concat(DISTINCT f_cid)"
    status_labels = dict(Controversy.Status.choices)
    # The inner SQL is Django's own, with parameters kept apart.
    grouped = f"SELECT f_facet, f_key, MAX(f_label), {members} FROM ({sql}) t"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(grouped + " GROUP BY f_facet, f_key", params)
        rows = cursor.fetchall()
    return FacetIndex.from_values(
        (
            facet,
            key,
            status_labels.get(key, key) if facet == "status" else label,
            ids if postgres else map(int, ids.split(",")),
        )
        for facet, key, label, ids in rows
    )


@dataclass(frozen=True)
class Everything:
    """What the list needs of every controversy, built together once per generation."""

    index: FacetIndex
    counts: dict[str, list[FacetValue]]


def _build_everything() -> Everything:
    index = _build_index()
    return Everything(index=index, counts=index.counts())


# The index over every controversy: the edit that makes it stale claims its rebuild and
# queues it (controversies.signals, controversies.tasks).
EVERYTHING = "facets:index"


def queue_rebuild_of_everything() -> None:
    """Claim the rebuild of the index for the current generation and queue it for a
    worker. Only the first edit of a generation queues a task; if the queueing fails,
    the claim is let go and a visitor rebuilds."""
    from controversies.tasks import rebuild_facets

    current = generation()
    if rebuild.claim(EVERYTHING, current) and not rebuild.queue(rebuild_facets, current):
        rebuild.release(EVERYTHING, current)


def rebuild_everything(current: int) -> None:
    """Rebuild the index and store it for generation ``current`` (the holder of its
    lock, a worker)."""
    rebuild.store(EVERYTHING, current, _build_everything, CACHE_SECONDS)


# The index is read on every list request and unpickled from the cache at most once per
# generation: each process keeps the last copy it read, with the counts over every
# controversy as (value, label) choices for the filter form and as a value -> label
# mapping for the filters' lookups, for as long as the generation is unchanged. While
# another process rebuilds it the previous copy is served, and derived once. While the
# cache is unreachable (generation None) the process keeps the copy it has.
Choices = dict[str, list[tuple[str, str]]]
Labels = dict[str, dict[str, str]]


@dataclass(frozen=True)
class _Held:
    generation: int | None
    everything: Everything
    choices: Choices
    labels: Labels


_held: _Held | None = None


def _remembered() -> _Held:
    global _held
    current = generation()
    if _held is None or _held.generation != current:
        held, everything = rebuild.fresh_or_previous(
            EVERYTHING, current, _build_everything, CACHE_SECONDS
        )
        if _held is not None and _held.generation == held:
            return _held
        choices = {
            facet: [(v.value, v.label) for v in values]
            for facet, values in everything.counts.items()
        }
        labels = {facet: dict(pairs) for facet, pairs in choices.items()}
        _held = _Held(held, everything, choices, labels)
    return _held


def facet_counts(
    queryset: QuerySet, *, cache_key: str, limit: int | None = None
) -> dict[str, list[FacetValue]]:
    """Facet values with counts for ``queryset``, tallied from the index over its ids
    and cached under ``cache_key`` (which must identify the filter that produced the
    queryset) for the generation of the index they came from. With ``limit``, only the
    first values of each facet are kept, but always every status (their counts add up
    to the number of results): what an entry holds, and so what a request unpickles,
    stays bounded however many organisations a filtered list involves."""
    held = _remembered()
    key = _key(cache_key, limit)
    found = cache.get(key) if held.generation is not None else None
    if found is not None and found[0] == held.generation:
        return found[1]
    counts = _compute(held.everything.index, queryset, limit)
    if held.generation is not None:
        cache.set(key, (held.generation, counts), CACHE_SECONDS)
    return counts


def _compute(
    index: FacetIndex, queryset: QuerySet, limit: int | None
) -> dict[str, list[FacetValue]]:
    return index.counts(queryset.order_by().values_list("pk", flat=True), limit=limit)


def _key(cache_key: str, limit: int | None) -> str:
    digest = hashlib.sha256(f"{cache_key}|{limit}".encode()).hexdigest()[:32]
    return f"facets:{digest}"


def all_facets() -> dict[str, list[FacetValue]]:
    """Facet values over every controversy: the options the filters suggest. Shared by
    every caller in the process: do not modify the lists."""
    return _remembered().everything.counts


def all_choices() -> Choices:
    """``all_facets()`` as (value, label) pairs, most involved first, for form fields.
    Shared like ``all_facets()``."""
    return _remembered().choices


def labels(facet: str) -> dict[str, str]:
    """Value -> label of every value of ``facet`` over every controversy: slugs known to
    exist, with their names, at no query. Shared like ``all_facets()``."""
    return _remembered().labels[facet]
