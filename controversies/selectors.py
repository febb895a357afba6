"""Reads for the public pages. Each returns everything a page needs in a fixed number of
queries, whatever the number of rows."""

from __future__ import annotations

from typing import NamedTuple

from django.db.models import Model, Prefetch, QuerySet
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
