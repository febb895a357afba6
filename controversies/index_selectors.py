"""Reads for the index pages of organisations, products, campaigns, coalitions and topics,
and for their feeds and downloads.

An index lists records most involved first (or by name), where involvement is the number
of distinct controversies a record takes part in:

- an organisation: a controversy names it as a company, it acted in one of its events,
  or it organised or was the target of one of its campaigns;
- a product or a topic: a controversy names it;
- a campaign: the controversies it is part of;
- a coalition: a controversy with an event it signed or a campaign it organised.

Its latest activity is the latest ``last_event_on`` of those controversies.

Counting that for every record takes a grouped scan of the link tables (hundreds of
thousands of event actors at scale), so each index's ``Standing`` (every record's count,
latest date and place in both orders) is computed once per facet cache generation, which
every curated edit bumps (``controversies.signals``), and kept in the cache and in the
process with each record's searchable text. A page then costs one query (its rows), and
two more when the standing is cold, whatever the number of records or search words.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import connections
from django.db.models import F, Model, QuerySet
from django.urls import reverse
from django.utils.http import urlencode

from controversies import facets, rebuild
from controversies.models import (
    Campaign,
    Coalition,
    Controversy,
    Event,
    EventActor,
    Organization,
    Product,
    Topic,
)

PAGE_SIZE = 50
Q_MAX_LENGTH = 200
# Words past this many are ignored (each one is a condition on every row).
MAX_WORDS = 8
SORTS = {"involvement": "most involved", "name": "name"}
DEFAULT_SORT = "involvement"
CACHE_SECONDS = 15 * 60
# Rows read per query when a download walks every listed record.
CHUNK_SIZE = 500


Link = tuple[QuerySet, str, str]  # rows, the path to the record id, to the controversy id


def _organization_links() -> list[Link]:
    campaign_links = Campaign.controversies.through.objects
    return [
        (Controversy.companies.through.objects, "organization_id", "controversy_id"),
        (EventActor.objects, "organization_id", "event__controversies"),
        (campaign_links, "campaign__organisers", "controversy_id"),
        (campaign_links, "campaign__targets", "controversy_id"),
    ]


def _coalition_links() -> list[Link]:
    return [
        (Event.controversies.through.objects, "event__coalitions", "controversy_id"),
        (
            Campaign.controversies.through.objects,
            "campaign__organising_coalition",
            "controversy_id",
        ),
    ]


@dataclass(frozen=True)
class Index:
    """One index page: which records, how they are searched and linked."""

    key: str  # the URL segment: "organizations"
    model: type[Model]
    title: str  # "Organisations"
    singular: str  # "organisation"
    plural: str
    # Where (record id, controversy id) pairs are read, one per way of being involved.
    links: Callable[[], list[Link]]
    search_fields: tuple[str, ...] = ("name",)
    has_kind: bool = False
    # The records' own page (by slug); topics have none and link to the filtered list.
    detail_route: str = ""
    api_route: str = ""

    def url_maker(self) -> Callable[[Any], str]:
        """A function giving a record's link: its page, or for a topic the list of its
        controversies (the list's address reversed once, not per row)."""
        if self.detail_route:
            return lambda record: record.get_absolute_url()
        listing = reverse("controversies:controversy_list")
        return lambda record: f"{listing}?{urlencode({'topic': record.slug})}"


INDEXES: dict[str, Index] = {
    index.key: index
    for index in (
        Index(
            key="organizations",
            model=Organization,
            title="Organisations",
            singular="organisation",
            plural="organisations",
            links=_organization_links,
            search_fields=("name", "aliases"),
            has_kind=True,
            detail_route="controversies:organization",
            api_route="api:organization_list",
        ),
        Index(
            key="products",
            model=Product,
            title="Products",
            singular="product",
            plural="products",
            links=lambda: [(Controversy.products.through.objects, "product_id", "controversy_id")],
            search_fields=("name", "aliases"),
            detail_route="controversies:product",
            api_route="api:product_list",
        ),
        Index(
            key="campaigns",
            model=Campaign,
            title="Campaigns",
            singular="campaign",
            plural="campaigns",
            links=lambda: [
                (Campaign.controversies.through.objects, "campaign_id", "controversy_id")
            ],
            detail_route="controversies:campaign",
            api_route="api:campaign_list",
        ),
        Index(
            key="coalitions",
            model=Coalition,
            title="Coalitions",
            singular="coalition",
            plural="coalitions",
            links=_coalition_links,
            detail_route="controversies:coalition",
            api_route="api:coalition_list",
        ),
        Index(
            key="topics",
            model=Topic,
            title="Topics",
            singular="topic",
            plural="topics",
            links=lambda: [(Controversy.topics.through.objects, "topic_id", "controversy_id")],
        ),
    )
}

KIND_LABELS = dict(Organization.Kind.choices)


# --- Standing: every record's involvement, computed once per generation ---------------


@dataclass(frozen=True)
class Standing:
    counts: dict[int, int]
    latest: dict[int, dt.date]
    by_involvement: tuple[int, ...]
    by_name: tuple[int, ...]
    # What search words are looked for in: the name and aliases, casefolded.
    texts: dict[int, str] = field(default_factory=dict)
    kinds: dict[int, str] = field(default_factory=dict)  # organisations only
    kind_totals: dict[str, int] = field(default_factory=dict)  # records of each kind


def _pairs(rows: QuerySet, record: str, controversy: str) -> QuerySet:
    return (
        rows.order_by()
        .filter(**{f"{record}__isnull": False})
        .annotate(ix_e=F(record), ix_c=F(controversy))
        .values_list("ix_e", "ix_c")
    )


def _involvement(index: Index) -> dict[int, tuple[int, dt.date | None]]:
    """record id -> (distinct controversies, their latest activity), in one grouped query
    over a UNION ALL of the link pairs (the outer query counts DISTINCT controversies, so
    a record involved in one controversy in two ways counts it once)."""
    first, *rest = [_pairs(*link) for link in index.links()]
    union = first.union(*rest, all=True) if rest else first
    sql, params = union.query.sql_with_params()
    connection = connections[union.db]
    quote = connection.ops.quote_name
    # The inner SQL is Django's own, with its parameters kept apart; only quoted names
    # are added around it.
    grouped = (
        f"SELECT t.ix_e, COUNT(DISTINCT t.ix_c), MAX(c.{quote('last_event_on')}) "  # noqa: S608
        f"FROM ({sql}) t JOIN {quote(Controversy._meta.db_table)} c "
        f"ON c.{quote('id')} = t.ix_c GROUP BY t.ix_e"
    )
    with connection.cursor() as cursor:
        cursor.execute(grouped, params)
        rows = cursor.fetchall()
    return {pk: (count, _as_date(latest)) for pk, count, latest in rows}


def _as_date(value: object) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _compute(index: Index) -> Standing:
    involved = _involvement(index)
    searched = len(index.search_fields)
    columns = ["pk", *index.search_fields] + (["kind"] if index.has_kind else [])
    records = list(index.model.objects.order_by().values_list(*columns))
    by_name = sorted(records, key=lambda r: (r[1].casefold(), r[0]))
    by_involvement = sorted(
        by_name, key=lambda r: -(involved[r[0]][0] if r[0] in involved else 0)
    )  # stable: equal counts stay in name order
    return Standing(
        counts={pk: count for pk, (count, _) in involved.items()},
        latest={pk: latest for pk, (_, latest) in involved.items() if latest is not None},
        by_involvement=tuple(r[0] for r in by_involvement),
        by_name=tuple(r[0] for r in by_name),
        texts={r[0]: "\n".join(r[1 : 1 + searched]).casefold() for r in records},
        kinds={r[0]: r[-1] for r in records} if index.has_kind else {},
        kind_totals=dict(Counter(r[-1] for r in records)) if index.has_kind else {},
    )


# Each process keeps the last standing it read per index, so a request unpickles a
# standing (tens of thousands of entries at scale) only when the generation changed.
# Serves bench target ``organizations p95 <= 100 ms at large``.
_remembered: dict[str, tuple[int | None, Standing]] = {}


def standing(index: Index) -> Standing:
    current = facets.generation()
    kept = _remembered.get(index.key)
    # While the cache is unreachable (no generation) the last standing read stands in,
    # as the facets' last copy does, rather than a recount on every request.
    if kept is not None and (current is None or kept[0] == current):
        return kept[1]
    # After an edit one process recounts; the others keep the previous standing meanwhile.
    key = f"index-standing:3:{index.key}"  # 3: the fields of Standing, and the layout
    held, found = rebuild.fresh_or_previous(key, current, lambda: _compute(index), CACHE_SECONDS)
    _remembered[index.key] = (held, found)
    return found


# --- The listing a request asks for -------------------------------------------------


class InvalidListing(ValueError):
    """A feed or download was asked for with a value the page would ignore."""

    def __init__(self, parameter: str, value: str) -> None:
        self.parameter, self.value = parameter, value
        super().__init__(f"Unknown value for {parameter}: “{value[:50]}”.")


@dataclass(frozen=True)
class Query:
    """The filters in force: the search words, the kind (organisations) and the order."""

    q: str = ""
    kind: str = ""
    sort: str = DEFAULT_SORT

    @property
    def words(self) -> list[str]:
        return self.q.split()[:MAX_WORDS]

    def params(self) -> dict[str, str]:
        """The non-default values, as a query string would carry them."""
        params = {"q": self.q, "kind": self.kind}
        if self.sort != DEFAULT_SORT:
            params["sort"] = self.sort
        return {key: value for key, value in params.items() if value}


def query_parse(
    index: Index, data: Mapping[str, str], *, strict: bool = False
) -> tuple[Query, list[str]]:
    """The query a request asks for and notices for what it ignored. With ``strict`` (the
    feeds and downloads) an unknown kind or sort raises InvalidListing instead."""
    notices: list[str] = []
    q = " ".join(str(data.get("q", "")).split())[:Q_MAX_LENGTH]
    kind = str(data.get("kind", "")).strip()
    sort = str(data.get("sort", "")).strip() or DEFAULT_SORT
    if kind and (not index.has_kind or kind not in KIND_LABELS):
        if strict:
            raise InvalidListing("kind", kind)
        notices.append(f"Unknown kind “{kind[:50]}” ignored: showing every kind.")
        kind = ""
    if sort not in SORTS:
        if strict:
            raise InvalidListing("sort", sort)
        notices.append(f"Unknown order “{sort[:50]}” ignored: most involved first.")
        sort = DEFAULT_SORT
    return Query(q=q, kind=kind, sort=sort), notices


@dataclass(frozen=True)
class KindCount:
    value: str
    label: str
    count: int


@dataclass(frozen=True)
class Listing:
    """The ordered ids of every listed record (all pages), with what the page needs to
    describe them."""

    index: Index
    query: Query
    ids: list[int]
    standing: Standing
    kind_counts: list[KindCount]
    searched_total: int  # matching the words, before the kind filter

    def rows(self, ids: list[int]) -> list[Any]:
        """The records with these ids, in the order given, each with ``involvement``,
        ``latest_activity`` and ``index_url`` set (one query)."""
        fields = ["id", "name", "slug"] + (["kind"] if self.index.has_kind else [])
        found = self.index.model.objects.only(*fields).in_bulk(ids or [0])
        rows, url = [], self.index.url_maker()
        for pk in ids:
            record = found.get(pk)
            if record is None:
                continue  # deleted since the standing was computed
            record.involvement = self.standing.counts.get(pk, 0)
            record.latest_activity = self.standing.latest.get(pk)
            record.index_url = url(record)
            rows.append(record)
        return rows

    def iter_rows(self) -> Iterator[Any]:
        """Every listed record, in order, read CHUNK_SIZE at a time."""
        for start in range(0, len(self.ids), CHUNK_SIZE):
            yield from self.rows(self.ids[start : start + CHUNK_SIZE])

    def by_activity(self, limit: int) -> list[Any]:
        """The listed records with any activity, latest first (then by name), at most
        ``limit``: a feed's entries."""
        latest = self.standing.latest
        listed = set(self.ids)
        dated = [pk for pk in self.standing.by_name if pk in listed and pk in latest]
        dated.sort(key=lambda pk: latest[pk], reverse=True)
        return self.rows(dated[:limit])


def listing(index: Index, query: Query) -> Listing:
    known = standing(index)
    order = known.by_name if query.sort == "name" else known.by_involvement
    # A record matches when its name or an alias contains every word, ignoring case.
    # Looked up in the standing's texts: a scan of a few characters per record, cheaper
    # than a query that cannot use an index for "contains".
    words = [word.casefold() for word in query.words]
    searched = order
    texts = known.texts
    for word in words:  # one plain pass per word: no generator per record
        searched = [pk for pk in searched if word in texts[pk]]
    kind_counts: list[KindCount] = []
    ids = list(searched)
    if index.has_kind:
        kinds = known.kinds
        tally = Counter(kinds[pk] for pk in searched) if words else known.kind_totals
        kind_counts = [
            KindCount(value, label, tally[value])
            for value, label in Organization.Kind.choices
            if tally.get(value) or value == query.kind
        ]
        if query.kind:
            ids = [pk for pk in searched if kinds.get(pk) == query.kind]
    return Listing(index, query, ids, known, kind_counts, len(searched))
