"""Write the demo case from its data files into the database, idempotently and all or
nothing.

``files.read_demo`` reads and checks every file first, so a mistake in one writes
nothing; the writing then runs in one transaction. The demo owns what it writes: its
events' actors and citations, its coalition's members, its campaigns' organisers and
targets and its resolutions' co-filers are brought to exactly what the files say, and
rows an older demo wrote that the files dropped are removed (``retired.yaml``). A second
run with unchanged files changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.db import models, transaction

from controversies import services
from controversies.canonical import canonicalize_url
from controversies.models import (
    Campaign,
    Coalition,
    CoalitionMembership,
    Controversy,
    Demand,
    DemandStatus,
    Event,
    EventActor,
    EventSource,
    Organization,
    Product,
    ProxyAdviserRecommendation,
    ShareholderMeeting,
    ShareholderResolution,
    Source,
    Topic,
    VoteResult,
)

from .files import FILES, DemoData, label, read_demo
from .specs import (
    CampaignSpec,
    CoalitionSpec,
    ControversySpec,
    EventRef,
    EventSpec,
    MeetingSpec,
    OrgSpec,
    ProductSpec,
    ResolutionSpec,
    RetiredSpec,
    SourceSpec,
    TopicSpec,
)
from .upsert import LoadReport, add_missing, set_exactly, upsert


class _Loaded:
    """Rows written so far, by the keys the specs use to refer to them."""

    def __init__(self) -> None:
        self.orgs: dict[str, Organization] = {}
        self.products: dict[str, Product] = {}
        self.topics: dict[str, Topic] = {}
        self.sources: dict[str, Source] = {}
        self.controversies: dict[str, Controversy] = {}
        self.coalitions: dict[str, Coalition] = {}
        self.campaigns: dict[str, Campaign] = {}
        self.meetings: dict[str, ShareholderMeeting] = {}

    def org_id(self, slug: str) -> int | None:
        return self.orgs[slug].pk if slug else None

    def source_id(self, key: str) -> int | None:
        return self.sources[key].pk if key else None

    def event(self, ref: EventRef | EventSpec) -> Event:
        return Event.objects.get(occurred_on=ref.occurred_on, title=ref.title)


def load_demo(directory: Path | None = None) -> LoadReport:
    """Load the Amazon Rekognition case and its neighbouring threads from the files in
    ``directory`` (default ``files.DATA_DIR``).

    Raises ``files.DemoDataError`` (naming file, record and field) before writing
    anything when a file is wrong; a row the database refuses rolls the whole load back.
    """
    return _write(read_demo(directory))


@transaction.atomic
def _write(data: DemoData) -> LoadReport:
    report = LoadReport()
    loaded = _Loaded()
    _remove_retired_events(data.retired, report)
    # The files' sections in their order: each refers only to records of earlier ones.
    for file, sections in FILES.items():
        for section in sections:
            write = WRITERS[section]
            for index, spec in enumerate(getattr(data, section)):
                with _record(file, section, index, spec):
                    write(spec, loaded, report)
    for controversy in loaded.controversies.values():
        services.controversy_refresh_last_event(controversy=controversy)
    _remove_retired_rows(data.retired, report)
    return report


@contextmanager
def _record(file: str, section: str, index: int, spec: object) -> Iterator[None]:
    """Name the record being written on any error the database or ``upsert`` raises."""
    try:
        yield
    except Exception as exc:
        exc.add_note(f"While loading {file}, {label(section, index, spec)}.")
        raise


def _remove_retired_events(retired: RetiredSpec, report: LoadReport) -> None:
    """Delete the events and resolutions an older demo wrote that the files dropped,
    before anything else, so the controversies' last-event dates are computed without
    them."""
    for ref in retired.events:
        for event in Event.objects.filter(occurred_on=ref.occurred_on, title=ref.title):
            event.delete()
            report.note(Event, removed=True)
    for slug in retired.resolutions:
        for resolution in ShareholderResolution.objects.filter(slug=slug):
            resolution.delete()
            report.note(ShareholderResolution, removed=True)


def _remove_retired_rows(retired: RetiredSpec, report: LoadReport) -> None:
    """Delete the organisations and sources an older demo wrote, once the demo no longer
    uses them, unless something else (a curator's record) still refers to them."""
    for organization in Organization.objects.filter(slug__in=retired.organisations):
        if _unreferenced(organization):
            organization.delete()
            report.note(Organization, removed=True)
    for url in retired.sources:
        source = Source.objects.filter(canonical_url=canonicalize_url(url)).first()
        if source is not None and _unreferenced(source):
            source.delete()
            report.note(Source, removed=True)


def _unreferenced(obj: models.Model) -> bool:
    """True when no row of another table points at ``obj``. History rows and the
    archive's copies of a source belong to the row itself and do not count."""
    for relation in obj._meta.related_objects:
        model = relation.related_model
        if model._meta.app_label == "archive" or model.__name__.startswith("Historical"):
            continue
        if relation.many_to_many:
            if getattr(obj, relation.get_accessor_name()).exists():
                return False
        elif model._default_manager.filter(**{relation.field.name: obj}).exists():
            return False
    return True


def _load_organization(spec: OrgSpec, loaded: _Loaded, report: LoadReport) -> None:
    # A parent is listed before its subsidiaries (``files`` checks), so it is loaded.
    loaded.orgs[spec.slug] = upsert(
        Organization,
        report,
        lookup={"slug": spec.slug},
        values={
            "name": spec.name,
            "kind": spec.kind,
            "aliases": "\n".join(spec.aliases),
            "description": spec.description,
            "website": spec.website,
            "country": spec.country,
            "parent_id": loaded.org_id(spec.parent),
            "ticker": spec.ticker,
            "sec_cik": spec.sec_cik,
            "wikidata_id": spec.wikidata_id,
        },
    )


def _load_product(spec: ProductSpec, loaded: _Loaded, report: LoadReport) -> None:
    loaded.products[spec.slug] = upsert(
        Product,
        report,
        lookup={"slug": spec.slug},
        values={
            "name": spec.name,
            "developer_id": loaded.org_id(spec.developer),
            "aliases": "\n".join(spec.aliases),
            "description": spec.description,
            "website": spec.website,
        },
    )


def _load_topic(spec: TopicSpec, loaded: _Loaded, report: LoadReport) -> None:
    loaded.topics[spec.slug] = upsert(
        Topic,
        report,
        lookup={"slug": spec.slug},
        values={"name": spec.name, "description": spec.description},
    )


def _load_source(spec: SourceSpec, loaded: _Loaded, report: LoadReport) -> None:
    values = {
        "title": spec.title,
        "publisher": spec.publisher,
        "published_on": spec.published_on,
        "excerpt": spec.excerpt,
    }
    source, created = services.source_get_or_create(url=spec.url, language="en", **values)
    report.note(Source, created=created)
    if not created:
        # The demo's own wording wins over what an older demo or an editor wrote.
        source = upsert(Source, report, lookup={"pk": source.pk}, values=values)
    loaded.sources[spec.key] = source


def _load_controversy(spec: ControversySpec, loaded: _Loaded, report: LoadReport) -> None:
    controversy = upsert(
        Controversy,
        report,
        lookup={"slug": spec.slug},
        values={
            "title": spec.title,
            "summary": spec.summary,
            "status": spec.status,
            "started_on": spec.started_on,
        },
    )
    add_missing(controversy.companies, [loaded.orgs[s] for s in spec.companies])
    add_missing(controversy.products, [loaded.products[s] for s in spec.products])
    add_missing(controversy.topics, [loaded.topics[s] for s in spec.topics])
    loaded.controversies[spec.slug] = controversy


def _load_event(spec: EventSpec, loaded: _Loaded, report: LoadReport) -> None:
    """An event is keyed on (date, title); new ones go through event_create. A shared
    event is one row on each of its controversies."""
    controversies = [loaded.controversies[slug] for slug in spec.controversies]
    actors = [(loaded.orgs[actor.organisation], actor.role) for actor in spec.actors]
    event = Event.objects.filter(occurred_on=spec.occurred_on, title=spec.title).first()
    if event is None:
        event = services.event_create(
            controversy=controversies,
            occurred_on=spec.occurred_on,
            title=spec.title,
            precision=spec.precision,
            kind=spec.kind,
            summary=spec.summary,
            actors=actors,
        )
        report.note(Event, created=True)
    else:
        event = upsert(
            Event,
            report,
            lookup={"pk": event.pk},
            values={
                "occurred_on_precision": spec.precision,
                "kind": spec.kind,
                "summary": spec.summary,
            },
        )
        add_missing(event.controversies, controversies)
        wanted = {(organization.pk, role) for organization, role in actors}
        for actor in event.event_actors.all():
            if (actor.organization_id, actor.role) not in wanted:
                actor.delete()
                report.note(EventActor, removed=True)
        for organization, role in actors:
            _, created = EventActor.objects.get_or_create(
                event=event, organization=organization, role=role
            )
            report.note(EventActor, created=created)
    _cite_exactly(event, spec, loaded, report)


def _cite_exactly(event: Event, spec: EventSpec, loaded: _Loaded, report: LoadReport) -> None:
    """The event cites the spec's sources, numbered in the spec's order, and no other."""
    wanted = [loaded.sources[cite.source] for cite in spec.sources]
    for citation in event.citations.exclude(source__in=wanted):
        citation.delete()
        report.note(EventSource, removed=True)
    for position, (cite, source) in enumerate(zip(spec.sources, wanted, strict=True), 1):
        if not event.citations.filter(source=source).exists():
            services.source_attach(event=event, source=source, locator=cite.locator)
            report.note(EventSource, created=True)
        upsert(
            EventSource,
            report,
            lookup={"event_id": event.pk, "source_id": source.pk},
            values={"position": position, "locator": cite.locator},
        )


def _load_coalition(spec: CoalitionSpec, loaded: _Loaded, report: LoadReport) -> None:
    coalition = upsert(
        Coalition,
        report,
        lookup={"slug": spec.slug},
        values={"name": spec.name, "description": spec.description, "formed_on": spec.formed_on},
    )
    members = [loaded.orgs[member.organisation] for member in spec.members]
    for membership in coalition.memberships.exclude(organization__in=members):
        membership.delete()
        report.note(CoalitionMembership, removed=True)
    for member in spec.members:
        upsert(
            CoalitionMembership,
            report,
            lookup={
                "coalition_id": coalition.pk,
                "organization_id": loaded.org_id(member.organisation),
            },
            values={
                "role": member.role,
                "joined_on": member.joined_on,
                "source_id": loaded.source_id(member.source),
            },
        )
    set_exactly(coalition.actions, [loaded.event(ref) for ref in spec.actions], report)
    loaded.coalitions[spec.slug] = coalition


def _load_campaign(spec: CampaignSpec, loaded: _Loaded, report: LoadReport) -> None:
    coalition = loaded.coalitions.get(spec.organising_coalition)
    campaign = upsert(
        Campaign,
        report,
        lookup={"slug": spec.slug},
        values={
            "name": spec.name,
            "summary": spec.summary,
            "started_on": spec.started_on,
            "outcome": spec.outcome,
            "organising_coalition_id": coalition.pk if coalition else None,
            "source_id": loaded.source_id(spec.source),
        },
    )
    set_exactly(campaign.organisers, [loaded.orgs[s] for s in spec.organisers], report)
    set_exactly(campaign.targets, [loaded.orgs[s] for s in spec.targets], report)
    add_missing(campaign.controversies, [loaded.controversies[s] for s in spec.controversies])
    for demand_spec in spec.demands:
        demand = upsert(
            Demand,
            report,
            lookup={"campaign_id": campaign.pk, "position": demand_spec.position},
            values={"text": demand_spec.text},
        )
        for status in demand_spec.statuses:
            upsert(
                DemandStatus,
                report,
                lookup={"demand_id": demand.pk, "status": status.status, "on": status.date},
                values={"note": status.note, "source_id": loaded.source_id(status.source)},
            )
    loaded.campaigns[spec.slug] = campaign


def _load_meeting(spec: MeetingSpec, loaded: _Loaded, report: LoadReport) -> None:
    loaded.meetings[spec.key] = upsert(
        ShareholderMeeting,
        report,
        lookup={
            "company_id": loaded.org_id(spec.company),
            "held_on": spec.held_on,
            "kind": spec.kind,
        },
        values={"location": spec.location},
    )


def _load_resolution(spec: ResolutionSpec, loaded: _Loaded, report: LoadReport) -> None:
    campaign = loaded.campaigns.get(spec.campaign)
    resolution = upsert(
        ShareholderResolution,
        report,
        lookup={"slug": spec.slug},
        values={
            "meeting_id": loaded.meetings[spec.meeting].pk,
            "item_number": spec.item_number,
            "title": spec.title,
            "ask": spec.ask,
            "status": spec.status,
            "board_recommendation": spec.board_recommendation,
            "controversy_id": loaded.controversies[spec.controversy].pk,
            "lead_filer_id": loaded.org_id(spec.lead_filer),
            "organiser_id": loaded.org_id(spec.organiser),
            "campaign_id": campaign.pk if campaign else None,
            "filed_on": spec.filed_on,
        },
    )
    set_exactly(resolution.co_filers, [loaded.orgs[s] for s in spec.co_filers], report)
    add_missing(resolution.topics, [loaded.topics[s] for s in spec.topics])
    for advice in spec.advisers:
        upsert(
            ProxyAdviserRecommendation,
            report,
            lookup={"resolution_id": resolution.pk, "adviser_id": loaded.org_id(advice.adviser)},
            values={
                "recommendation": advice.recommendation,
                "source_id": loaded.source_id(advice.source),
            },
        )
    if spec.vote:
        upsert(
            VoteResult,
            report,
            lookup={"resolution_id": resolution.pk},
            values={
                "reported_support_pct": spec.vote.reported_support_pct,
                "reported_basis": spec.vote.reported_basis,
                "passed": spec.vote.passed,
                "source_id": loaded.source_id(spec.vote.source),
            },
        )


# The writer of one record of each section of the files.
WRITERS: dict[str, Callable[[Any, _Loaded, LoadReport], None]] = {
    "organisations": _load_organization,
    "products": _load_product,
    "topics": _load_topic,
    "sources": _load_source,
    "controversies": _load_controversy,
    "events": _load_event,
    "coalitions": _load_coalition,
    "campaigns": _load_campaign,
    "meetings": _load_meeting,
    "resolutions": _load_resolution,
}
