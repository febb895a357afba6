"""Reads for the organisation, product, coalition and campaign pages.

Each page function returns everything its template needs in a fixed number of queries,
whatever the number of rows; long lists are capped and say so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, Min, OuterRef, Prefetch, Q, Subquery
from django.shortcuts import get_object_or_404

from controversies.models import (
    Campaign,
    Coalition,
    CoalitionMembership,
    Controversy,
    Demand,
    DemandStatus,
    Event,
    EventActor,
    Organization,
    Product,
    ProxyAdviserRecommendation,
    ShareholderResolution,
)
from controversies.scorecard import (
    ANSWER_STATUSES,
    RESPONSE_KINDS,
    Answer,
    Scorecard,
    scorecard_build,
)
from controversies.support_chart import SupportChart, SupportPoint, support_chart

LIST_CAP = 50
RESOLUTION_CAP = 200
EVENT_CAP = 30


def _resolution_rows() -> Any:
    return ShareholderResolution.objects.select_related(
        "meeting__company", "lead_filer", "organiser", "vote"
    )


@dataclass
class OrganizationPage:
    organization: Organization
    controversies: list[Controversy]
    acted_in: list[Controversy]
    events: list[EventActor]
    products: list[Product]
    campaigns: list[Campaign]
    memberships: list[CoalitionMembership]
    resolutions_at_meetings: list[ShareholderResolution]
    resolutions_filed: list[ShareholderResolution]
    advice: list[ProxyAdviserRecommendation]
    policy_changes: list[Event]
    scorecard: Scorecard
    chart: SupportChart | None
    cap: int = LIST_CAP
    event_cap: int = EVENT_CAP

    @property
    def is_company(self) -> bool:
        return self.organization.kind == Organization.Kind.COMPANY


def organization_page(slug: str) -> OrganizationPage:
    """Everything on an organisation's page (a company's page too): 11 queries."""
    org = get_object_or_404(Organization.objects.select_related("parent"), slug=slug)

    response_filter = Q(events__kind__in=RESPONSE_KINDS) & (
        Q(events__event_actors__organization=org) | Q(events__event_actors__isnull=True)
    )
    # Controversies aimed at it, each with the date it was first raised and first answered.
    controversies = list(
        Controversy.objects.filter(companies=org)
        .annotate(
            first_event_on=Min("events__occurred_on"),
            first_response_on=Min("events__occurred_on", filter=response_filter),
            declined_count=Count(
                "events",
                filter=response_filter & Q(events__kind=Event.Kind.NO_COMMENT),
                distinct=True,
            ),
            policy_change_count=Count(
                "events",
                filter=response_filter & Q(events__kind=Event.Kind.POLICY_CHANGE),
                distinct=True,
            ),
        )
        .order_by("-last_event_on", "title")
    )
    # Controversies it took part in without being their target (an advocacy group's work).
    acted_in = list(
        Controversy.objects.filter(events__event_actors__organization=org)
        .exclude(companies=org)
        .distinct()
        .order_by("-last_event_on", "title")[:LIST_CAP]
    )
    events = list(
        EventActor.objects.filter(organization=org)
        .select_related("event__controversy")
        .order_by("-event__occurred_on", "-event_id")[:EVENT_CAP]
    )
    products = list(org.products.order_by("name")[:LIST_CAP])
    campaigns = list(
        Campaign.objects.filter(
            Q(targets=org)
            | Q(organisers=org)
            | Q(organising_coalition__memberships__organization=org)
        )
        .annotate(
            aimed_at=Exists(
                Campaign.targets.through.objects.filter(
                    campaign_id=OuterRef("pk"), organization_id=org.pk
                )
            )
        )
        .select_related("organising_coalition")
        .distinct()
        .order_by("-started_on", "name")[:LIST_CAP]
    )
    memberships = list(
        org.coalition_memberships.select_related("coalition").order_by("joined_on", "id")
    )
    # One query for both the votes at its own meetings and the resolutions it filed,
    # co-filed or organised elsewhere; split below.
    cofiled = ShareholderResolution.co_filers.through.objects.filter(
        shareholderresolution_id=OuterRef("pk"), organization_id=org.pk
    )
    resolutions = list(
        _resolution_rows()
        .annotate(cofiled=Exists(cofiled))
        .filter(Q(meeting__company=org) | Q(lead_filer=org) | Q(organiser=org) | Q(cofiled=True))
        .order_by("-meeting__held_on", "item_number")[:RESOLUTION_CAP]
    )
    at_meetings = [r for r in resolutions if r.meeting.company_id == org.pk]
    filed = []
    for resolution in resolutions:
        if resolution.lead_filer_id == org.pk:
            resolution.role_of_viewed = "lead filer"
        elif resolution.organiser_id == org.pk:
            resolution.role_of_viewed = "organiser"
        elif resolution.cofiled:
            resolution.role_of_viewed = "co-filer"
        else:
            continue
        filed.append(resolution)
    advice = list(
        ProxyAdviserRecommendation.objects.filter(adviser=org)
        .select_related("resolution__meeting__company", "resolution__vote")
        .order_by("-resolution__meeting__held_on", "resolution__item_number")[:LIST_CAP]
    )
    policy_changes = list(
        Event.objects.filter(
            Q(event_actors__organization=org) | Q(event_actors__isnull=True),
            controversy__companies=org,
            kind=Event.Kind.POLICY_CHANGE,
        )
        .select_related("controversy")
        .distinct()
        .order_by("-occurred_on", "-id")[:LIST_CAP]
    )
    latest_status = DemandStatus.objects.filter(demand=OuterRef("pk")).order_by("-on", "-id")
    demands = list(
        Demand.objects.filter(campaign__targets=org)
        .annotate(
            made_on=Min("statuses__on", filter=Q(statuses__status=DemandStatus.Status.MADE)),
            answered_on=Min("statuses__on", filter=Q(statuses__status__in=ANSWER_STATUSES)),
            latest=Subquery(latest_status.values("status")[:1]),
        )
        .values("id", "made_on", "answered_on", "campaign__started_on", "latest")
    )
    scorecard = scorecard_build(
        controversy_answers=[Answer(c.first_event_on, c.first_response_on) for c in controversies],
        demand_answers=[
            Answer(d["made_on"] or d["campaign__started_on"], d["answered_on"]) for d in demands
        ],
        demand_latest_statuses=[d["latest"] for d in demands],
        # Counted over every controversy; the list on the page is capped.
        policy_changes=sum(c.policy_change_count for c in controversies),
        declined_to_comment=sum(c.declined_count for c in controversies),
    )
    chart = support_chart(
        [
            SupportPoint(
                year=r.meeting.held_on.year,
                support=r.vote.headline_support,
                label=f"{r.meeting.held_on:%Y}: {r.title}",
                url=r.get_absolute_url(),
            )
            for r in at_meetings
            if hasattr(r, "vote") and r.vote.headline_support is not None
        ]
    )
    return OrganizationPage(
        organization=org,
        controversies=controversies[:LIST_CAP],
        acted_in=acted_in,
        events=events,
        products=products,
        campaigns=campaigns,
        memberships=memberships,
        resolutions_at_meetings=at_meetings,
        resolutions_filed=filed,
        advice=advice,
        policy_changes=policy_changes,
        scorecard=scorecard,
        chart=chart,
    )


@dataclass
class ProductPage:
    product: Product
    controversies: list[Controversy]
    events: list[Event]
    resolutions: list[ShareholderResolution]
    cap: int = LIST_CAP
    event_cap: int = EVENT_CAP


def product_page(slug: str) -> ProductPage:
    """A product, the controversies about it, their latest events and resolutions: 4 queries."""
    product = get_object_or_404(Product.objects.select_related("developer"), slug=slug)
    controversies = list(product.controversies.order_by("-last_event_on", "title")[:LIST_CAP])
    events = list(
        Event.objects.filter(controversy__products=product)
        .select_related("controversy")
        .order_by("-occurred_on", "-id")[:EVENT_CAP]
    )
    resolutions = list(
        _resolution_rows()
        .filter(controversy__products=product)
        .order_by("-meeting__held_on", "item_number")[:LIST_CAP]
    )
    return ProductPage(product, controversies, events, resolutions)


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
        coalition.memberships.select_related("organization").order_by("organization__name", "id")
    )
    actions = list(
        coalition.actions.select_related("controversy")
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


def campaign_page(slug: str) -> Campaign:
    """A campaign with organisers, targets, controversies, resolutions and each demand's
    status history: 7 queries."""
    campaign = get_object_or_404(
        Campaign.objects.select_related("organising_coalition").prefetch_related(
            Prefetch("organisers", queryset=Organization.objects.order_by("name")),
            Prefetch("targets", queryset=Organization.objects.order_by("name")),
            Prefetch("controversies", queryset=Controversy.objects.order_by("title")),
            Prefetch(
                "resolutions",
                queryset=_resolution_rows().order_by("-meeting__held_on", "item_number"),
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
