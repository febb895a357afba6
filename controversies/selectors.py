"""Reads for the public pages. Each returns everything a page needs in a fixed number of
queries, whatever the number of rows."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from controversies.models import Controversy, Event, EventActor, EventSource, Organization


def timeline_events(controversy: Controversy) -> QuerySet[Event]:
    """The controversy's events in date order with their actors and numbered sources."""
    return controversy.events.order_by("occurred_on", "id").prefetch_related(
        Prefetch(
            "event_actors",
            queryset=EventActor.objects.select_related("organization").order_by("id"),
        ),
        Prefetch(
            "citations",
            queryset=EventSource.objects.select_related("source").order_by("position", "id"),
        ),
    )


def controversy_get(slug: str) -> Controversy:
    """The controversy with its companies, products and topics, or a 404."""
    return get_object_or_404(
        Controversy.objects.prefetch_related("companies", "products", "topics"), slug=slug
    )


def organization_reference_counts(organization: Organization) -> list[tuple[str, int]]:
    """What points at ``organization``, as (relation, count) pairs with a non-zero count.

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
            name = model._meta.verbose_name_plural if n > 1 else model._meta.verbose_name
            counts.append((f"{name} ({rel.field.verbose_name})", n))
    return counts
