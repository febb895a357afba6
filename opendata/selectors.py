"""Reads for the feeds, the exports and the API: querysets with everything prefetched,
so a page of results costs a fixed number of queries."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from controversies.models import (
    Controversy,
    Event,
    EventActor,
    EventSource,
    Organization,
    ShareholderResolution,
)

FEED_SIZE = 50


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


def controversies_for_export(controversies: QuerySet[Controversy]) -> QuerySet[Controversy]:
    return controversies.order_by("-last_event_on", "title", "id").prefetch_related(
        "companies", "products", "topics"
    )


def timeline_for_export(controversy: Controversy) -> QuerySet[Event]:
    return events_with_sources(controversy.events.order_by("occurred_on", "id"))


def resolutions_for_export(resolutions: QuerySet[ShareholderResolution]) -> QuerySet:
    return (
        resolutions.select_related(
            "meeting__company", "lead_filer", "organiser", "controversy", "campaign", "vote__source"
        )
        .prefetch_related("co_filers", "topics")
        .order_by("-meeting__held_on", "meeting__company__name", "item_number", "id")
    )
