"""Response shapes. Related records appear as small references (slug and name) so a
listing never grows with the size of the graph; detail endpoints add the nested parts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from controversies.models import (
    Campaign,
    Coalition,
    Controversy,
    Event,
    Organization,
    Product,
    ShareholderResolution,
)
from opendata.links import page_url


class Ref(Schema):
    slug: str
    name: str


class OrganizationRef(Ref):
    kind: str


class ControversyRef(Schema):
    slug: str
    title: str


class SourceOut(Schema):
    id: int
    url: str
    canonical_url: str
    title: str
    publisher: str
    author: str
    published_on: dt.date | None
    language: str
    excerpt: str
    archive_url: str
    aiid_report_number: int | None


# Facts other than events cite one document each; a fact without one is unsourced.
FACT_SOURCE = "The document that backs this fact; null when none is attached yet."


class CitationOut(Schema):
    position: int
    quote: str
    locator: str
    source: SourceOut


class ActorOut(Schema):
    organization: OrganizationRef
    role: str


class EventOut(Schema):
    id: int
    # An event can be on several controversies. ``controversy`` is the first it was filed
    # on (Event.home), kept for clients written before events were shared.
    controversies: list[ControversyRef]
    controversy: ControversyRef | None
    occurred_on: dt.date
    precision: str
    display_date: str
    kind: str
    title: str
    summary: str
    actors: list[ActorOut]
    sources: list[CitationOut]
    url: str

    @staticmethod
    def resolve_precision(obj: Event) -> str:
        return obj.occurred_on_precision

    @staticmethod
    def resolve_actors(obj: Event) -> list:
        return list(obj.event_actors.all())

    @staticmethod
    def resolve_sources(obj: Event) -> list:
        return list(obj.citations.all())

    @staticmethod
    def resolve_url(obj: Event) -> str:
        return obj.url_on()

    @staticmethod
    def resolve_controversies(obj: Event) -> list:
        return list(obj.controversies.all())

    @staticmethod
    def resolve_controversy(obj: Event) -> Controversy | None:
        return obj.home


class ControversyOut(Schema):
    slug: str
    title: str
    summary: str
    status: str
    started_on: dt.date | None
    last_event_on: dt.date | None
    companies: list[OrganizationRef]
    products: list[Ref]
    topics: list[Ref]
    aiid_incident_id: int | None
    aiaaic_id: str | None
    url: str

    @staticmethod
    def resolve_companies(obj: Controversy) -> list:
        return list(obj.companies.all())

    @staticmethod
    def resolve_products(obj: Controversy) -> list:
        return list(obj.products.all())

    @staticmethod
    def resolve_topics(obj: Controversy) -> list:
        return list(obj.topics.all())

    @staticmethod
    def resolve_url(obj: Controversy) -> str:
        return obj.get_absolute_url()


class ControversyDetailOut(ControversyOut):
    events: list[EventOut]

    @staticmethod
    def resolve_events(obj: Controversy) -> list:
        return list(obj.events.all())


class OrganizationOut(Schema):
    slug: str
    name: str
    kind: str
    aliases: list[str]
    description: str
    website: str
    country: str
    parent: OrganizationRef | None
    ticker: str
    sec_cik: str
    wikidata_id: str
    aiid_slug: str
    url: str

    @staticmethod
    def resolve_aliases(obj: Organization) -> list[str]:
        return obj.alias_list

    @staticmethod
    def resolve_url(obj: Organization) -> str:
        return page_url("controversies:organization", obj.slug)


class ProductOut(Schema):
    slug: str
    name: str
    developer: OrganizationRef | None
    aliases: list[str]
    description: str
    website: str
    launched_on: dt.date | None
    url: str

    @staticmethod
    def resolve_aliases(obj: Product) -> list[str]:
        return obj.alias_list

    @staticmethod
    def resolve_url(obj: Product) -> str:
        return page_url("controversies:product", obj.slug)


class MembershipOut(Schema):
    organization: OrganizationRef
    role: str
    joined_on: dt.date | None
    left_on: dt.date | None
    source: SourceOut | None = Field(None, description=FACT_SOURCE)


class CoalitionOut(Schema):
    slug: str
    name: str
    description: str
    formed_on: dt.date | None
    website: str
    members: list[MembershipOut]
    url: str

    @staticmethod
    def resolve_members(obj: Coalition) -> list:
        return list(obj.memberships.all())

    @staticmethod
    def resolve_url(obj: Coalition) -> str:
        return page_url("controversies:coalition", obj.slug)


class DemandStatusOut(Schema):
    status: str
    on: dt.date
    note: str
    source: SourceOut | None = Field(None, description=FACT_SOURCE)


class DemandOut(Schema):
    position: int
    text: str
    statuses: list[DemandStatusOut]

    @staticmethod
    def resolve_statuses(obj: object) -> list:
        return list(obj.statuses.all())


class CampaignOut(Schema):
    slug: str
    name: str
    summary: str
    organisers: list[OrganizationRef]
    organising_coalition: Ref | None
    targets: list[OrganizationRef]
    controversies: list[ControversyRef]
    started_on: dt.date | None
    ended_on: dt.date | None
    outcome: str
    source: SourceOut | None = Field(
        None, description="The document that dates the campaign; null when none is attached."
    )
    demands: list[DemandOut]
    url: str

    @staticmethod
    def resolve_organisers(obj: Campaign) -> list:
        return list(obj.organisers.all())

    @staticmethod
    def resolve_targets(obj: Campaign) -> list:
        return list(obj.targets.all())

    @staticmethod
    def resolve_controversies(obj: Campaign) -> list:
        return list(obj.controversies.all())

    @staticmethod
    def resolve_demands(obj: Campaign) -> list:
        return list(obj.demands.all())

    @staticmethod
    def resolve_url(obj: Campaign) -> str:
        return page_url("controversies:campaign", obj.slug)


class VoteOut(Schema):
    votes_for: int | None
    votes_against: int | None
    abstentions: int | None
    broker_non_votes: int | None
    shares_outstanding: int | None
    reported_support_pct: Decimal | None
    reported_basis: str
    support_for_against_pct: Decimal | None
    support_with_abstentions_pct: Decimal | None
    passed: bool | None
    source: SourceOut | None = Field(None, description=FACT_SOURCE)

    @staticmethod
    def resolve_support_for_against_pct(obj: object) -> Decimal | None:
        return obj.support_for_against

    @staticmethod
    def resolve_support_with_abstentions_pct(obj: object) -> Decimal | None:
        return obj.support_with_abstentions


class AdviserRecommendationOut(Schema):
    adviser: OrganizationRef
    recommendation: str
    source: SourceOut | None = Field(None, description=FACT_SOURCE)


class ResolutionOut(Schema):
    slug: str
    title: str
    company: OrganizationRef
    meeting_on: dt.date
    meeting_kind: str
    item_number: str
    ask: str
    status: str
    filed_on: dt.date | None
    board_recommendation: str
    lead_filer: OrganizationRef | None
    co_filers: list[OrganizationRef]
    organiser: OrganizationRef | None
    topics: list[Ref]
    controversy: ControversyRef | None
    campaign: Ref | None
    vote: VoteOut | None
    adviser_recommendations: list[AdviserRecommendationOut]
    url: str

    @staticmethod
    def resolve_company(obj: ShareholderResolution) -> Organization:
        return obj.meeting.company

    @staticmethod
    def resolve_meeting_on(obj: ShareholderResolution) -> dt.date:
        return obj.meeting.held_on

    @staticmethod
    def resolve_meeting_kind(obj: ShareholderResolution) -> str:
        return obj.meeting.kind

    @staticmethod
    def resolve_co_filers(obj: ShareholderResolution) -> list:
        return list(obj.co_filers.all())

    @staticmethod
    def resolve_topics(obj: ShareholderResolution) -> list:
        return list(obj.topics.all())

    @staticmethod
    def resolve_vote(obj: ShareholderResolution) -> object:
        return getattr(obj, "vote", None)

    @staticmethod
    def resolve_adviser_recommendations(obj: ShareholderResolution) -> list:
        return list(obj.adviser_recommendations.all())

    @staticmethod
    def resolve_url(obj: ShareholderResolution) -> str:
        return page_url("controversies:resolution", obj.slug)


class TrackedOut(Schema):
    url: str
    canonical_url: str
    tracked: bool
    source: SourceOut | None
    controversies: list[ControversyRef]
    events: list[EventOut]


class ErrorOut(Schema):
    detail: str
