"""Reads for an organisation's shareholder record: the resolutions at its meetings, those it
filed, co-filed or organised, and the proxy advice it gave.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import CharField, QuerySet, Value
from django.shortcuts import get_object_or_404

from controversies.models import Organization, ProxyAdviserRecommendation, ShareholderResolution
from controversies.support_chart import SupportChart, SupportPoint, support_chart

from .rows import LIST_CAP, RESOLUTION_CAP, resolution_rows

ROLE_ORDER = ("lead filer", "organiser", "co-filer")


def _linked(queryset: QuerySet, field: str, role: str) -> QuerySet:
    """(resolution id, the organisation's role in it) rows, for a UNION."""
    return queryset.annotate(role=Value(role, output_field=CharField())).values_list(field, "role")


def shareholder_links(org: Organization) -> dict[int, set[str]]:
    """Every resolution tied to ``org`` and how: at its own meetings (""), as lead
    filer, organiser or co-filer, or advised on as a proxy adviser ("adviser"). One
    UNION of indexed lookups, each planned on its own: neither an OR over the joined
    columns nor a query wrapped around the UNION (bench target ``company p95 <= 100 ms
    at large``)."""
    co_filed = ShareholderResolution.co_filers.through.objects.filter(organization=org)
    advised = ProxyAdviserRecommendation.objects.filter(adviser=org)
    rows = ShareholderResolution.objects.order_by()
    linked = _linked(rows.filter(meeting__company=org), "pk", "").union(
        _linked(rows.filter(lead_filer=org), "pk", "lead filer"),
        _linked(rows.filter(organiser=org), "pk", "organiser"),
        _linked(co_filed.order_by(), "shareholderresolution_id", "co-filer"),
        _linked(advised.order_by(), "resolution_id", "adviser"),
        all=True,
    )
    roles: dict[int, set[str]] = {}
    for pk, role in linked:
        roles.setdefault(pk, set()).add(role)
    return roles


@dataclass
class OrganizationVotes:
    organization: Organization
    resolutions_at_meetings: list[ShareholderResolution]
    resolutions_filed: list[ShareholderResolution]
    advice: list[ProxyAdviserRecommendation]
    chart: SupportChart | None


def organization_votes_page(slug: str) -> OrganizationVotes:
    """The votes at an organisation's meetings (with the support chart), the resolutions
    it filed, co-filed or organised elsewhere, and its proxy advice: 4 queries (3 for
    an organisation that gave no advice)."""
    org = get_object_or_404(Organization, slug=slug)
    roles = shareholder_links(org)
    resolutions = list(
        resolution_rows()
        .filter(pk__in=list(roles))
        .order_by("-meeting__held_on", "item_number")[:RESOLUTION_CAP]
    )
    at_meetings = [r for r in resolutions if r.meeting.company_id == org.pk]
    filed = []
    for resolution in resolutions:
        # The strongest part it played: lead filer, organiser, co-filer. Set on every
        # row: a template's failed lookup costs a dir() of the instance.
        role = next((r for r in ROLE_ORDER if r in roles[resolution.pk]), None)
        resolution.role_of_viewed = role
        if role:
            filed.append(resolution)
    advice = []
    if any("adviser" in played for played in roles.values()):
        advice = list(
            ProxyAdviserRecommendation.objects.filter(adviser=org)
            .select_related("resolution__meeting__company", "resolution__vote", "source")
            .order_by("-resolution__meeting__held_on", "resolution__item_number")[:LIST_CAP]
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
    return OrganizationVotes(org, at_meetings, filed, advice, chart)
