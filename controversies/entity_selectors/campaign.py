"""Reads for a campaign's page."""

from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from controversies.models import Campaign, Controversy, Demand, DemandStatus, Organization

from .rows import resolution_rows


def campaign_page(slug: str) -> Campaign:
    """A campaign with organisers, targets, controversies, resolutions and each demand's
    status history: 7 queries."""
    campaign = get_object_or_404(
        Campaign.objects.select_related("organising_coalition", "source").prefetch_related(
            Prefetch("organisers", queryset=Organization.objects.order_by("name")),
            Prefetch("targets", queryset=Organization.objects.order_by("name")),
            Prefetch("controversies", queryset=Controversy.objects.order_by("title")),
            Prefetch(
                "resolutions",
                queryset=resolution_rows().order_by("-meeting__held_on", "item_number"),
            ),
            Prefetch(
                "demands",
                queryset=Demand.objects.order_by("position", "id").prefetch_related(
                    Prefetch(
                        "statuses",
                        queryset=DemandStatus.objects.select_related("source").order_by("on", "id"),
                    )
                ),
            ),
        ),
        slug=slug,
    )
    for demand in campaign.demands.all():
        # A list (the prefetched queryset cannot be indexed from the end in a template).
        demand.status_history = list(demand.statuses.all())
    return campaign
