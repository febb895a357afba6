"""Reads for the public pages. Each returns everything a page needs in a fixed number of
queries, whatever the number of rows."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from django.db import connection
from django.db.models import (
    Count,
    F,
    Model,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.shortcuts import get_object_or_404

from controversies import facets, rebuild
from controversies.models import (
    Campaign,
    Coalition,
    CoalitionMembership,
    Controversy,
    Demand,
    DemandStatus,
    Event,
    EventActor,
    EventSource,
    Organization,
    Product,
    ShareholderMeeting,
    ShareholderResolution,
    Source,
    Topic,
)


def timeline_events(controversy: Controversy) -> QuerySet[Event]:
    """The controversy's events in date order: enough for the overview and the year
    navigation. The events a page shows get the rest with timeline_details()."""
    return controversy.events.order_by("occurred_on", "id")


class Actor(NamedTuple):
    slug: str
    name: str


def timeline_actors(controversy: Controversy) -> dict[int, list[Actor]]:
    """Who acted in each of the controversy's events, by event id, as plain pairs: the
    actor filter needs them for every event, not whole rows."""
    actors: dict[int, list[Actor]] = {}
    rows = EventActor.objects.filter(event__controversies=controversy).order_by("id")
    for event_id, slug, name in rows.values_list(
        "event_id", "organization__slug", "organization__name"
    ):
        actors.setdefault(event_id, []).append(Actor(slug, name))
    return actors


def timeline_details(controversy: Controversy, events: list[Event]) -> None:
    """Adds to ``events`` (from timeline_events) their actors as ``actor_list``, their
    numbered sources as ``citation_list`` (plain lists: the template reads each a few
    times per event) and ``also_on``, the other controversies a shared event belongs to:
    three queries, however many events are shown."""
    prefetch_related_objects(
        events,
        Prefetch(
            "event_actors",
            queryset=EventActor.objects.select_related("organization").order_by("id"),
            to_attr="actor_list",
        ),
        Prefetch(
            "controversies",
            queryset=Controversy.objects.exclude(pk=controversy.pk)
            .only("id", "slug", "title")
            .order_by("title"),
            to_attr="also_on",
        ),
        Prefetch(
            "citations",
            # The source's preservation status (archive app) comes in the same query: the
            # timeline links the archived copy of a source that is gone.
            queryset=EventSource.objects.select_related(
                "source", "source__archive_status"
            ).order_by("position", "id"),
            to_attr="citation_list",
        ),
    )


def case_sources(controversy: Controversy, shown: int) -> tuple[list[Source], int]:
    """Each document the controversy's timeline cites, once, in the order the timeline
    first cites it: the first ``shown`` of them, and how many there are in all."""
    order = EventSource.objects.filter(event__controversies=controversy).order_by(
        "event__occurred_on", "event_id", "position", "id"
    )
    ids = list(dict.fromkeys(order.values_list("source_id", flat=True)))
    first = ids[:shown]
    rows = Source.objects.select_related("archive_status").in_bulk(first)
    return [rows[pk] for pk in first if pk in rows], len(ids)


def controversy_get(slug: str) -> Controversy:
    """The controversy with its companies, products and topics, or a 404."""
    return get_object_or_404(
        Controversy.objects.prefetch_related("companies", "products", "topics"), slug=slug
    )


class ReferenceCount(NamedTuple):
    """How many rows of ``model`` point at an organisation through ``field``."""

    model: type[Model]
    field: str
    count: int

    @property
    def text(self) -> str:
        meta = self.model._meta
        name = meta.verbose_name if self.count == 1 else meta.verbose_name_plural
        return f"{self.count} {name} ({meta.get_field(self.field).verbose_name})"


def organization_reference_counts(organization: Organization) -> list[ReferenceCount]:
    """What points at ``organization``, one entry per relation with a non-zero count.

    Relations are read from the model, like the merge service does, so the merge
    confirmation page lists exactly what the merge will move.
    """
    counts = []
    for rel in Organization._meta.related_objects:
        if rel.many_to_many and not rel.through._meta.auto_created:
            continue  # counted through the explicit through model's foreign key
        model = rel.related_model
        n = model._base_manager.filter(**{rel.field.name: organization}).count()
        if n:
            counts.append(ReferenceCount(model, rel.field.name, n))
    return counts


# --- Controversy page ------------------------------------------------------------------


def _demand_count(status: str | None = None) -> Coalesce:
    """How many of a campaign's demands there are, or how many stand at ``status`` (the
    status of a demand is its latest dated step)."""
    demands = Demand.objects.filter(campaign=OuterRef("pk"))
    if status is not None:
        latest = (
            DemandStatus.objects.filter(demand=OuterRef("pk"))
            .order_by("-on", "-id")
            .values("status")[:1]
        )
        demands = demands.annotate(now=Subquery(latest)).filter(now=status)
    counted = demands.order_by().values("campaign").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted), 0)


def controversy_campaigns(controversy: Controversy) -> QuerySet[Campaign]:
    """Campaigns about the controversy, with the coalition that ran each and how many of
    their demands there are (``demands_total``), met and broken (one query)."""
    return (
        controversy.campaigns.select_related("organising_coalition")
        .annotate(
            demands_total=_demand_count(),
            demands_met=_demand_count(DemandStatus.Status.MET),
            demands_broken=_demand_count(DemandStatus.Status.BROKEN),
        )
        .order_by("started_on", "name")
    )


def controversy_coalitions(controversy: Controversy) -> QuerySet[Coalition]:
    """Coalitions that signed one of its events or organised one of its campaigns, with
    the number of members recorded (``member_count``, as the coalition page counts them)."""
    # Subqueries rather than joins: no DISTINCT over every coalition-event-campaign row.
    signed = Coalition.actions.through.objects.filter(event__controversies=controversy)
    organised = Campaign.objects.filter(controversies=controversy)
    members = (
        CoalitionMembership.objects.filter(coalition=OuterRef("pk"))
        .order_by()
        .values("coalition")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Coalition.objects.filter(
            Q(pk__in=signed.values("coalition_id"))
            | Q(pk__in=organised.values("organising_coalition_id"))
        )
        .annotate(member_count=Coalesce(Subquery(members), 0))
        .order_by("name")
    )


def controversy_resolutions(controversy: Controversy) -> QuerySet[ShareholderResolution]:
    """Its shareholder resolutions with meeting, company, filer, vote and the vote's
    source (one query)."""
    return controversy.resolutions.select_related(
        "meeting__company", "vote__source", "lead_filer", "organiser"
    ).order_by("meeting__held_on", "item_number")


# --- Controversy list ------------------------------------------------------------------


# The list's order. Index controversy_list_order_idx holds exactly these columns in this
# order, so a page's ids are read from the index, however deep the page.
LIST_ORDER = (F("last_event_on").desc(nulls_last=True), "title", "pk")


def controversy_list_ids(queryset: QuerySet[Controversy]) -> QuerySet:
    """The ids of a filtered set in the list's order (newest activity first): what the
    paginator counts and slices."""
    return queryset.order_by(*LIST_ORDER).values("pk")


def controversy_list_rows(page_ids: QuerySet) -> QuerySet[Controversy]:
    """The rows of one page of the list (``page_ids``: a slice of ``controversy_list_ids``)
    in its order, with event counts and the names of each row's companies, products and
    topics as plain lists ``company_list``, ``product_list``, ``topic_list`` (three
    prefetch queries per page, into plain lists: the template never builds a related
    manager per row and relation).

    The slice stays a subquery of the same query: PostgreSQL computes a value of the
    SELECT list for every row an OFFSET skips, so the event counts are only asked for
    once the page's ids are known."""
    events = (
        Event.controversies.through.objects.filter(controversy=OuterRef("pk"))
        .order_by()
        .values("controversy")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Controversy.objects.filter(pk__in=page_ids)
        .annotate(event_count=Coalesce(Subquery(events), 0))
        .prefetch_related(
            Prefetch("companies", Organization.objects.only("name"), to_attr="company_list"),
            Prefetch("products", Product.objects.only("name"), to_attr="product_list"),
            Prefetch("topics", Topic.objects.only("name"), to_attr="topic_list"),
        )
        .order_by(*LIST_ORDER)
    )


# --- Home page -------------------------------------------------------------------------


def headline_counts() -> dict[str, int]:
    """Row counts of the main tables in a single query."""
    tables = {
        "controversies": Controversy,
        "events": Event,
        "organizations": Organization,
        "sources": Source,
        "resolutions": ShareholderResolution,
    }
    # Table names come from model metadata, never from input.
    selects = ", ".join(
        f"(SELECT COUNT(*) FROM {connection.ops.quote_name(model._meta.db_table)})"  # noqa: S608
        for model in tables.values()
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {selects}")  # noqa: S608
        row = cursor.fetchone()
    return dict(zip(tables, row, strict=True))


def latest_events(*, limit: int = 8) -> list[Event]:
    """The newest events across every controversy."""
    return list(Event.objects.with_controversies().order_by("-occurred_on", "-id")[:limit])


def most_active_controversies(*, until: dt.date, days: int = 365, limit: int = 6) -> list:
    """Controversies with the most events in the ``days`` before ``until``."""
    since = until - dt.timedelta(days=days)
    # Filtering the join (not Count(filter=...)) lets the database read only the window's
    # events from the date index instead of joining every event of every controversy.
    return list(
        Controversy.objects.filter(events__occurred_on__gt=since)
        .annotate(recent_events=Count("events"))
        .prefetch_related("companies")
        .order_by("-recent_events", F("last_event_on").desc(nulls_last=True), "title")[:limit]
    )


def events_per_month(*, first: dt.date, last: dt.date) -> dict[dt.date, int]:
    """Event counts keyed by the first day of each month between two dates."""
    rows = (
        Event.objects.filter(occurred_on__gte=first, occurred_on__lte=last)
        .annotate(month=TruncMonth("occurred_on"))
        .values("month")
        .annotate(n=Count("id"))
        .order_by("month")
    )
    return {_as_date(row["month"]): row["n"] for row in rows}


# Counts, the busiest controversies and the monthly chart read every row, so they are
# cached. Events and controversies bump facets.generation() when edited, which shows
# those edits once one process has recounted (the others show the previous figures
# meanwhile: controversies.rebuild); sources and resolutions do not, so their counts may lag by
# HOME_CACHE_SECONDS.
HOME_CACHE_SECONDS = 5 * 60


class HomeFigures(NamedTuple):
    counts: dict[str, int]
    month_counts: dict[dt.date, int]
    active: list[Controversy]


def home_figures(*, newest: dt.date, first_month: dt.date) -> HomeFigures:
    """The home page's aggregates, cached: no query while the cache is warm but the two
    that load the most active controversies."""

    def compute() -> dict:
        active = most_active_controversies(until=newest)
        return {
            "counts": headline_counts(),
            "month_counts": events_per_month(first=first_month, last=newest),
            # Ids, not pickled rows: a deploy that changes the model never reads stale rows.
            "active": [(c.pk, c.recent_events) for c in active],
        }

    # After an edit one process recounts; the others show the previous figures meanwhile.
    key = f"home:{newest.isoformat()}:{first_month.isoformat()}"
    _held, cached = rebuild.fresh_or_previous(key, facets.generation(), compute, HOME_CACHE_SECONDS)
    recent = dict(cached["active"])
    rows = Controversy.objects.filter(pk__in=recent).prefetch_related("companies")
    by_pk = {c.pk: c for c in rows}
    active = []
    for pk in recent:  # dicts keep the ranking order
        if pk in by_pk:  # deleted since it was cached
            by_pk[pk].recent_events = recent[pk]
            active.append(by_pk[pk])
    return HomeFigures(cached["counts"], cached["month_counts"], active)


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def upcoming_meetings(*, today: dt.date, limit: int = 5) -> list[ShareholderMeeting]:
    """Meetings from today on that have resolutions on the ballot, with those resolutions."""
    on_ballot = ShareholderResolution.objects.filter(
        status=ShareholderResolution.Status.ON_BALLOT
    ).select_related("controversy")
    return list(
        ShareholderMeeting.objects.filter(
            held_on__gte=today, resolutions__status=ShareholderResolution.Status.ON_BALLOT
        )
        .distinct()
        .select_related("company")
        .prefetch_related(Prefetch("resolutions", queryset=on_ballot, to_attr="on_ballot"))
        .order_by("held_on")[:limit]
    )


def recent_votes(*, limit: int = 5) -> list[ShareholderResolution]:
    """The latest resolutions with a vote result."""
    return list(
        ShareholderResolution.objects.filter(vote__isnull=False)
        .select_related("meeting__company", "vote", "controversy")
        .order_by("-meeting__held_on", "item_number")[:limit]
    )
