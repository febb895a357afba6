"""Reads for the organisation, product, coalition and campaign pages.

Each page function returns everything its template needs in a fixed number of queries,
whatever the number of rows; long lists are capped and say so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.shortcuts import get_object_or_404

from controversies import facets
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
from controversies.models.controversy import home_controversy
from controversies.scorecard import (
    ANSWER_STATUSES,
    RESPONSE_KINDS,
    Answer,
    AnswerSummary,
    Scorecard,
    scorecard_build,
)
from controversies.support_chart import SupportChart, SupportPoint, support_chart

# Each list on an entity page shows its most recent rows; the page stays quick to read and
# to render for a company with a thousand controversies (full lists are a link away).
LIST_CAP = 20
INVOLVEMENT_CACHE_SECONDS = 15 * 60
RESOLUTION_CAP = 200
EVENT_CAP = 20


ROLE_ORDER = ("lead filer", "organiser", "co-filer")


def _linked(queryset: QuerySet, field: str, role: str) -> QuerySet:
    """(resolution id, the organisation's role in it) rows, for a UNION."""
    return queryset.annotate(role=Value(role, output_field=CharField())).values_list(field, "role")


def _link_only(relation: str) -> list[str]:
    """The columns of the organisation at ``relation`` that a link to it does not use,
    for defer(): every row of a resolution table joins three of them."""
    shown = {"id", "name", "slug"}
    return [
        f"{relation}__{field.name}"
        for field in Organization._meta.concrete_fields
        if field.name not in shown
    ]


def _resolution_rows() -> Any:
    """Resolutions as _resolution_rows.html and the support chart show them: with the
    meeting, the filers' links and the vote, and none of the long or unused columns
    (they made up most of what each row fetched and turned into objects)."""
    return (
        ShareholderResolution.objects.select_related(
            "meeting__company", "lead_filer", "organiser", "vote"
        ).defer(
            "ask",
            "filed_on",
            "board_recommendation",
            "created_at",
            "updated_at",
            "meeting__kind",
            "meeting__location",
            *_link_only("meeting__company"),
            *_link_only("lead_filer"),
            *_link_only("organiser"),
        )  # fmt: skip
    )


@dataclass
class OrganizationPage:
    organization: Organization
    controversies: list[Controversy]
    controversies_total: int
    acted_in: list[Controversy]
    events: list[EventActor]
    products: list[Product]
    campaigns: list[Campaign]
    memberships: list[CoalitionMembership]
    # Resolutions at its meetings or that it filed, and proxy advice it gave: counted
    # here, shown by organization_votes_page (their own request, see the view).
    shareholder_record: int
    policy_changes: list[Event]
    scorecard: Scorecard
    cap: int = LIST_CAP
    event_cap: int = EVENT_CAP

    @property
    def is_company(self) -> bool:
        return self.organization.kind == Organization.Kind.COMPANY


def _answered_by(org: Organization) -> Q:
    """Events that are the organisation's answer: a response, policy change or refusal to
    comment that it took part in, or that names no actor at all (the target's own)."""
    actors = EventActor.objects.filter(event=OuterRef("pk"))
    return Q(kind__in=RESPONSE_KINDS) & (Exists(actors.filter(organization=org)) | ~Exists(actors))


@dataclass(frozen=True)
class Involvement:
    """What reading every event an organisation is involved in yields: its answers to
    the controversies aimed at it (summarised for the scorecard), how often it declined
    to comment or changed policy there, the controversies it acted in and its policy
    changes (newest first, capped)."""

    answers: AnswerSummary
    declined: int
    policy_change_count: int
    acted_in: list[Controversy]
    policy_changes: list[Event]


def _answers_to_controversies(org: Organization) -> tuple[AnswerSummary, int, int]:
    """Over every controversy aimed at ``org``: when each began and was first answered,
    summarised, and how often it declined to comment or changed policy. Two grouped
    queries (first events; answers), so the scorecard covers every controversy while
    the page lists only some."""
    aimed = Controversy.objects.filter(companies=org)
    first_events = list(aimed.order_by().values_list("pk").annotate(Min("events__occurred_on")))
    if not first_events:
        return AnswerSummary(), 0, 0  # nothing aimed at it (an advocacy group, an investor)
    # The "is it its answer" test goes in WHERE, evaluated once per event, rather than
    # in each aggregate's FILTER.
    # Grouped per controversy through the event links: an answer shared by two of its
    # controversies answers (and counts for) each.
    answered = (
        Event.objects.filter(_answered_by(org), controversies__in=aimed.values("pk"))
        .order_by()
        .values(controversy_id=F("controversies"))
        .annotate(
            first=Min("occurred_on"),
            declined=Count("pk", filter=Q(kind=Event.Kind.NO_COMMENT)),
            policy_changes=Count("pk", filter=Q(kind=Event.Kind.POLICY_CHANGE)),
        )
    )
    by_controversy = {row["controversy_id"]: row for row in answered}
    answers = [
        Answer(first_event_on, by_controversy.get(pk, {}).get("first"))
        for pk, first_event_on in first_events
    ]
    rows = by_controversy.values()
    return (
        AnswerSummary.of(answers),
        sum(row["declined"] for row in rows),
        sum(row["policy_changes"] for row in rows),
    )


def _involvement(org: Organization) -> Involvement:
    """Cached under facets.generation(), which every edit of a controversy, its companies,
    an event or an event's actors bumps, so an edit shows at once. Stored as plain
    values and ids (never model rows), so a deploy that changes a model cannot read
    stale rows: warm, it costs the two queries that load the rows by id; cold, two more.
    """
    key = f"org-involvement:{facets.generation()}:{org.pk}"
    acted_rows = Controversy.objects.all()
    policy_rows = Event.objects.annotate(**home_controversy())
    cached = cache.get(key)
    if cached is not None:
        (asked, answered, days), declined, policy_change_count, acted_in, policy_changes = cached
        return Involvement(
            AnswerSummary(asked, answered, days),
            declined,
            policy_change_count,
            _in_order(acted_rows, acted_in),
            _in_order(policy_rows, policy_changes),
        )
    # Controversies it took part in without being their target (an advocacy group's
    # work). NULLS LAST (every row here has events, so no date is null) keeps PostgreSQL
    # from walking the whole activity index hoping to find the rows early: for a
    # company that acts mostly in its own controversies there are none to find.
    acted = Event.controversies.through.objects.filter(
        event__event_actors__organization=org
    ).values("controversy_id")
    answers, declined, policy_change_count = _answers_to_controversies(org)
    involvement = Involvement(
        answers=answers,
        declined=declined,
        policy_change_count=policy_change_count,
        acted_in=list(
            acted_rows.filter(pk__in=acted)
            .exclude(companies=org)
            .order_by(F("last_event_on").desc(nulls_last=True), "title")[:LIST_CAP]
        ),
        policy_changes=list(
            policy_rows.on(Controversy.objects.filter(companies=org).values("pk"))
            .filter(_answered_by(org), kind=Event.Kind.POLICY_CHANGE)
            .order_by("-occurred_on", "-id")[:LIST_CAP]
        ),
    )
    cache.set(
        key,
        (
            (answers.asked, answers.answered, answers.days),
            declined,
            policy_change_count,
            [c.pk for c in involvement.acted_in],
            [e.pk for e in involvement.policy_changes],
        ),
        INVOLVEMENT_CACHE_SECONDS,
    )
    return involvement


def _in_order(queryset: QuerySet, pks: list[int]) -> list:
    """The rows with these primary keys, in the order given. One query even for no
    keys (no row has id 0), so the page costs the same queries whatever its data."""
    rows = queryset.in_bulk(pks or [0])
    return [rows[pk] for pk in pks if pk in rows]


def organization_page(slug: str) -> OrganizationPage:
    """Everything on an organisation's page (a company's page too) but its shareholder
    record, which is only counted: 10 queries, and 2 more to read its involvement when
    the cache is cold."""
    org = get_object_or_404(Organization.objects.select_related("parent"), slug=slug)
    controversies = _aimed_controversies(org)
    involvement = _involvement(org)
    events = list(
        EventActor.objects.filter(organization=org)
        .select_related("event")
        .annotate(**home_controversy("event_id"))
        .order_by("-event__occurred_on", "-event_id")[:EVENT_CAP]
    )
    products = list(org.products.order_by("name")[:LIST_CAP])
    campaigns = _campaigns_of(org)
    memberships = list(
        org.coalition_memberships.select_related("coalition", "source").order_by("joined_on", "id")
    )
    shareholder_record = len(_shareholder_links(org))
    return OrganizationPage(
        organization=org,
        controversies=controversies,
        controversies_total=involvement.answers.asked,
        acted_in=involvement.acted_in,
        events=events,
        products=products,
        campaigns=campaigns,
        memberships=memberships,
        shareholder_record=shareholder_record,
        policy_changes=involvement.policy_changes,
        scorecard=_scorecard_of(org, involvement),
    )


def _aimed_controversies(org: Organization) -> list[Controversy]:
    """Controversies aimed at ``org``: the most recently active, each with when it began
    and was first answered (two correlated subqueries, evaluated for the listed rows
    only)."""
    events_of = Event.objects.filter(controversies=OuterRef("pk")).order_by("occurred_on")
    return list(
        Controversy.objects.filter(companies=org)
        .annotate(
            first_event_on=Subquery(events_of.values("occurred_on")[:1]),
            first_response_on=Subquery(
                events_of.filter(_answered_by(org)).values("occurred_on")[:1]
            ),
        )
        .order_by("-last_event_on", "title")[:LIST_CAP]
    )


def _campaigns_of(org: Organization) -> list[Campaign]:
    """Campaigns aimed at ``org``, organised by it or by a coalition it belongs to, each
    marked with whether it is aimed at ``org``."""
    # Subqueries rather than joins, so no DISTINCT over every campaign row is needed.
    targeted = Campaign.targets.through.objects.filter(organization=org)
    organised = Campaign.organisers.through.objects.filter(organization=org)
    return list(
        Campaign.objects.filter(
            Q(pk__in=targeted.values("campaign_id"))
            | Q(pk__in=organised.values("campaign_id"))
            | Q(organising_coalition__in=org.coalition_memberships.values("coalition_id"))
        )
        .annotate(
            aimed_at=Exists(
                Campaign.targets.through.objects.filter(
                    campaign_id=OuterRef("pk"), organization_id=org.pk
                )
            )
        )
        .select_related("organising_coalition")
        .order_by("-started_on", "name")[:LIST_CAP]
    )


def _scorecard_of(org: Organization, involvement: Involvement) -> Scorecard:
    """The scorecard from ``org``'s involvement in controversies and the demands that
    campaigns made of it (one query for the demands)."""
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
    return scorecard_build(
        controversy_answers=involvement.answers,
        demand_answers=[
            Answer(d["made_on"] or d["campaign__started_on"], d["answered_on"]) for d in demands
        ],
        demand_latest_statuses=[d["latest"] for d in demands],
        # Counted over every controversy; the list on the page is capped.
        policy_changes=involvement.policy_change_count,
        declined_to_comment=involvement.declined,
    )


def _shareholder_links(org: Organization) -> dict[int, set[str]]:
    """Every resolution tied to ``org`` and how: at its own meetings (""), as lead
    filer, organiser or co-filer, or advised on as a proxy adviser ("adviser"). One
    UNION of indexed lookups: a single query with the UNION inside took PostgreSQL
    three times as long to plan, and an OR over the joined columns made it expect
    thousands of rows and hash every organisation."""
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
    roles = _shareholder_links(org)
    resolutions = list(
        _resolution_rows()
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
        Event.objects.on(Controversy.objects.filter(products=product).values("pk"))
        .annotate(**home_controversy())
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
