"""Typed records of the demo data, as ``files`` reads them from ``data/*.yaml``.

Every record names its natural key (a slug, a canonical URL, or a date plus title) so a
second load finds what the first one wrote instead of adding a copy. A field whose
metadata names ``choices`` takes only the values that model field allows.

Field names are the keys curators write in the files, so they keep the files' spelling
(``organisation``, ``organisations``) where the code elsewhere says ``organization``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal


def choices(model: str, name: str) -> dict[str, tuple[str, str]]:
    """Field metadata: the value must be one of ``model.name``'s choices."""
    return {"choices": (model, name)}


@dataclass(frozen=True)
class OrgSpec:
    slug: str
    name: str
    kind: str = field(metadata=choices("Organization", "kind"))
    aliases: tuple[str, ...] = ()
    description: str = ""
    website: str = ""
    country: str = ""
    parent: str = ""  # slug of an organisation listed before this one
    ticker: str = ""
    sec_cik: str = ""
    wikidata_id: str = ""  # only where certain; blank beats invented


@dataclass(frozen=True)
class ProductSpec:
    slug: str
    name: str
    developer: str  # organisation slug
    aliases: tuple[str, ...] = ()
    description: str = ""
    website: str = ""


@dataclass(frozen=True)
class TopicSpec:
    slug: str
    name: str
    description: str = ""


@dataclass(frozen=True)
class SourceSpec:
    key: str  # how the other records refer to this source
    url: str
    title: str
    publisher: str
    published_on: dt.date | None = None
    excerpt: str = ""  # a short note in our own words, never a quotation


@dataclass(frozen=True)
class Cite:
    source: str  # SourceSpec.key
    locator: str = ""


@dataclass(frozen=True)
class ControversySpec:
    slug: str
    title: str
    summary: str
    status: str = field(metadata=choices("Controversy", "status"))
    started_on: dt.date | None
    companies: tuple[str, ...] = ()
    products: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()


@dataclass(frozen=True)
class ActorSpec:
    organisation: str
    role: str = field(metadata=choices("EventActor", "role"))


@dataclass(frozen=True)
class EventSpec:
    controversies: tuple[str, ...]  # slugs: every case whose timeline shows the event
    occurred_on: dt.date  # first day of the period for fuzzy dates
    precision: str = field(metadata=choices("Event", "occurred_on_precision"))
    kind: str = field(metadata=choices("Event", "kind"))
    title: str
    summary: str
    actors: tuple[ActorSpec, ...] = ()
    sources: tuple[Cite, ...] = ()


@dataclass(frozen=True)
class EventRef:
    """Points at an event by its natural key (date, title)."""

    occurred_on: dt.date
    title: str


@dataclass(frozen=True)
class MemberSpec:
    organisation: str
    role: str = "member"
    joined_on: dt.date | None = None
    source: str = ""  # SourceSpec.key of the document naming the member


@dataclass(frozen=True)
class CoalitionSpec:
    slug: str
    name: str
    description: str
    formed_on: dt.date | None
    members: tuple[MemberSpec, ...]
    actions: tuple[EventRef, ...]


@dataclass(frozen=True)
class StatusSpec:
    status: str = field(metadata=choices("DemandStatus", "status"))
    date: dt.date
    note: str
    source: str = ""  # SourceSpec.key


@dataclass(frozen=True)
class DemandSpec:
    position: int
    text: str
    statuses: tuple[StatusSpec, ...]


@dataclass(frozen=True)
class CampaignSpec:
    slug: str
    name: str
    summary: str
    started_on: dt.date | None
    organisers: tuple[str, ...]
    targets: tuple[str, ...]
    controversies: tuple[str, ...]
    demands: tuple[DemandSpec, ...]
    organising_coalition: str = ""
    outcome: str = ""
    source: str = ""  # SourceSpec.key of the document that dates the campaign


@dataclass(frozen=True)
class MeetingSpec:
    key: str
    company: str
    held_on: dt.date
    kind: str = field(default="annual", metadata=choices("ShareholderMeeting", "kind"))
    location: str = ""


@dataclass(frozen=True)
class AdviserSpec:
    adviser: str  # organisation slug
    recommendation: str = field(metadata=choices("ProxyAdviserRecommendation", "recommendation"))
    source: str = ""


@dataclass(frozen=True)
class VoteSpec:
    reported_support_pct: Decimal
    reported_basis: str
    passed: bool
    source: str = ""


@dataclass(frozen=True)
class ResolutionSpec:
    slug: str
    meeting: str  # MeetingSpec.key
    item_number: str
    title: str
    ask: str
    status: str = field(metadata=choices("ShareholderResolution", "status"))
    board_recommendation: str = field(
        metadata=choices("ShareholderResolution", "board_recommendation")
    )
    controversy: str
    lead_filer: str = ""
    co_filers: tuple[str, ...] = ()
    organiser: str = ""
    campaign: str = ""
    filed_on: dt.date | None = None
    topics: tuple[str, ...] = ()
    advisers: tuple[AdviserSpec, ...] = ()
    vote: VoteSpec | None = None


@dataclass(frozen=True)
class RetiredSpec:
    """Rows an older demo wrote that the files no longer have (see retired.yaml)."""

    events: tuple[EventRef, ...] = ()
    resolutions: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()  # URLs
