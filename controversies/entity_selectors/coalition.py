"""Reads for a coalition's page."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from controversies.models import Campaign, Coalition, CoalitionMembership, Event, EventActor
from controversies.models.controversy import home_controversy


@dataclass
class CoalitionPage:
    coalition: Coalition
    memberships: list[CoalitionMembership]
    actions: list[Event]
    campaigns: list[Campaign]


def coalition_page(slug: str) -> CoalitionPage:
    """A coalition with its members (joined/left dates) and the actions it signed: 5 queries."""
    coalition = get_object_or_404(Coalition, slug=slug)
    memberships = list(
        coalition.memberships.select_related("organization", "source").order_by(
            "organization__name", "id"
        )
    )
    actions = list(
        coalition.actions.annotate(**home_controversy())
        .prefetch_related(
            Prefetch(
                "event_actors",
                queryset=EventActor.objects.select_related("organization").order_by("id"),
            )
        )
        .order_by("occurred_on", "id")
    )
    campaigns = list(coalition.campaigns.order_by("-started_on", "name"))
    return CoalitionPage(coalition, memberships, actions, campaigns)
