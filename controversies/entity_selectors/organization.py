"""Reads for an organisation's page (a company's page too): the controversies aimed at it
and those it acted in, its events, products, campaigns, coalitions and scorecard.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from controversies import facets, rebuild
from controversies.models import (
    Campaign,
    CoalitionMembership,
    Controversy,
    Demand,
    DemandStatus,
    Event,
    EventActor,
    Organization,
    Product,
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

from .rows import EVENT_CAP, LIST_CAP
from .shareholders import shareholder_links

INVOLVEMENT_CACHE_SECONDS = 15 * 60


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


def involvement_key(org_pk: int) -> str:
    return f"org-involvement:{org_pk}"


def _involvement(org: Organization) -> Involvement:
    """Kept with facets.generation(), which every edit of a controversy, its companies,
    an event or an event's actors bumps; after an edit one process recounts it while
    the others (and, with a worker, every visitor) see the previous copy
    (controversies.rebuild). Stored as plain values and ids (never model rows), so a
    deploy that changes a model cannot read stale rows: read, it costs the two queries
    that load the rows by id; counted here, two more.
    """
    counted: list[Involvement] = []

    def compute() -> tuple:
        counted.append(count_involvement(org))
        return _plain(counted[0])

    def in_background(current: int) -> bool:
        from controversies.tasks import rebuild_involvement

        return rebuild.queue(rebuild_involvement, org.pk, current)

    _generation, cached = rebuild.fresh_or_previous(
        involvement_key(org.pk),
        facets.generation(),
        compute,
        INVOLVEMENT_CACHE_SECONDS,
        in_background=in_background,
    )
    if counted:
        return counted[0]
    (asked, answered, days), declined, policy_change_count, acted_in, policy_changes = cached
    return Involvement(
        AnswerSummary(asked, answered, days),
        declined,
        policy_change_count,
        _in_order(Controversy.objects.all(), acted_in),
        _in_order(Event.objects.annotate(**home_controversy()), policy_changes),
    )


def rebuild_involvement(org: Organization, current: int) -> None:
    """Recount ``org``'s involvement for generation ``current`` (a worker's task; the
    visitor that queued it holds the lock)."""
    rebuild.store(
        involvement_key(org.pk),
        current,
        lambda: _plain(count_involvement(org)),
        INVOLVEMENT_CACHE_SECONDS,
    )


def _plain(involvement: Involvement) -> tuple:
    answers = involvement.answers
    return (
        (answers.asked, answers.answered, answers.days),
        involvement.declined,
        involvement.policy_change_count,
        [c.pk for c in involvement.acted_in],
        [e.pk for e in involvement.policy_changes],
    )


def count_involvement(org: Organization) -> Involvement:
    """Read every event ``org`` is involved in (four queries)."""
    # Controversies it took part in without being their target (an advocacy group's
    # work). NULLS LAST (every row here has events, so no date is null) keeps PostgreSQL
    # from walking the whole activity index hoping to find the rows early: for a
    # company that acts mostly in its own controversies there are none to find.
    acted = Event.controversies.through.objects.filter(
        event__event_actors__organization=org
    ).values("controversy_id")
    answers, declined, policy_change_count = _answers_to_controversies(org)
    return Involvement(
        answers=answers,
        declined=declined,
        policy_change_count=policy_change_count,
        acted_in=list(
            Controversy.objects.filter(pk__in=acted)
            .exclude(companies=org)
            .order_by(F("last_event_on").desc(nulls_last=True), "title")[:LIST_CAP]
        ),
        policy_changes=list(
            Event.objects.annotate(**home_controversy())
            .on(Controversy.objects.filter(companies=org).values("pk"))
            .filter(_answered_by(org), kind=Event.Kind.POLICY_CHANGE)
            .order_by("-occurred_on", "-id")[:LIST_CAP]
        ),
    )


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
    shareholder_record = len(shareholder_links(org))
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
