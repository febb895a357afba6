"""Reads for the feeds, the exports and the API: querysets with everything prefetched,
so a page of results costs a fixed number of queries."""

from __future__ import annotations

from collections.abc import Mapping

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest

from controversies.models import (
    Campaign,
    Coalition,
    Controversy,
    Event,
    EventActor,
    EventSource,
    Organization,
    ShareholderResolution,
    VoteResult,
)
from opendata.api.filtersets import EventFilter
from opendata.filters import validate_filters

FEED_SIZE = 50
# The case page's timeline filters, which its feed and timeline export take too.
TIMELINE_FILTERS = ("kind", "actor")


def _citations() -> Prefetch:
    return Prefetch(
        "citations",
        queryset=EventSource.objects.select_related("source").order_by("position", "id"),
    )


def _actors() -> Prefetch:
    return Prefetch(
        "event_actors",
        queryset=EventActor.objects.select_related("organization").order_by("id"),
    )


def events_with_sources(events: QuerySet[Event]) -> QuerySet[Event]:
    return events.with_controversies().prefetch_related(_actors(), _citations())


def latest_events(*, controversies: QuerySet[Controversy] | None = None) -> QuerySet[Event]:
    """Newest events first, optionally only on the given controversies."""
    events = Event.objects.all()
    if controversies is not None:
        events = events.on(controversies.values("pk"))
    return events_with_sources(events.order_by("-occurred_on", "-id"))


def company_events(company: Organization) -> QuerySet[Event]:
    """Events on the controversies that target the company."""
    return latest_events(controversies=Controversy.objects.filter(companies=company))


def organization_events(organization: Organization) -> QuerySet[Event]:
    """Events the organisation took part in, or on controversies that target it."""
    events = Event.objects.filter(
        Q(pk__in=EventActor.objects.filter(organization=organization).values("event_id"))
        | Q(
            pk__in=Event.objects.on(Controversy.objects.filter(companies=organization).values("pk"))
        )
    )
    return events_with_sources(events.order_by("-occurred_on", "-id"))


def coalition_controversies(coalition: Coalition) -> QuerySet[Controversy]:
    """Controversies the coalition acted on: it signed one of their events or organised
    one of their campaigns (the list filter's ``coalition``)."""
    signed = Event.controversies.through.objects.filter(event__coalitions=coalition)
    organised = Campaign.controversies.through.objects.filter(
        campaign__organising_coalition=coalition
    )
    return Controversy.objects.filter(
        Q(pk__in=signed.values("controversy_id")) | Q(pk__in=organised.values("controversy_id"))
    )


def timeline_filtered(controversy: Controversy, params: Mapping[str, str]) -> QuerySet[Event]:
    """The controversy's events, narrowed by the case page's timeline filters (``kind``,
    ``actor``) when given. Refuses a value of no kind or organisation with
    ``InvalidFilters`` before any row is read."""
    data = {name: params[name] for name in TIMELINE_FILTERS if params.get(name)}
    events = Event.objects.on([controversy.pk])
    return validate_filters(EventFilter(data, queryset=events)).qs


def controversies_for_export(controversies: QuerySet[Controversy]) -> QuerySet[Controversy]:
    return controversies.order_by("-last_event_on", "title", "id").prefetch_related(
        "companies", "products", "topics"
    )


def timeline_for_export(events: QuerySet[Event]) -> QuerySet[Event]:
    return events_with_sources(events.order_by("occurred_on", "id"))


def resolutions_for_export(resolutions: QuerySet[ShareholderResolution]) -> QuerySet:
    return (
        resolutions.select_related(
            "meeting__company", "lead_filer", "organiser", "controversy", "campaign", "vote__source"
        )
        .prefetch_related("co_filers", "topics")
        .order_by("-meeting__held_on", "meeting__company__name", "item_number", "id")
    )


def resolutions_for_feed(resolutions: QuerySet[ShareholderResolution]) -> QuerySet:
    """The feed's entries, newest meeting first (as the export), each with ``changed_at``:
    its last edit or its vote's, whichever is later, since recording or correcting a
    vote changes the entry as much as an edit of the resolution does. A vote's edits
    are the rows of its history."""
    vote_edits = (
        VoteResult.history.model.objects.filter(resolution_id=OuterRef("pk"))
        .order_by("-history_date")
        .values("history_date")[:1]
    )
    return (
        resolutions.select_related("meeting__company", "vote")
        .annotate(changed_at=Greatest("updated_at", Coalesce(Subquery(vote_edits), "updated_at")))
        .order_by("-meeting__held_on", "meeting__company__name", "item_number", "id")
    )
