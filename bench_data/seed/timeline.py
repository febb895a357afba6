"""Controversies with their companies, products and topics; dated events with actors;
sources cited by the events. Written in chunks of controversies so memory stays flat."""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
from dataclasses import dataclass

import numpy as np
from django.utils.text import slugify

from bench_data.seed import words
from bench_data.seed.context import FIRST_DAY, SeedContext
from controversies.models import Controversy, Event, EventActor, EventSource, Source

CHUNK = 1_000
Role = EventActor.Role
Kind = Event.Kind
KINDS = [k for k in Kind.values]
KIND_WEIGHTS = [4 if k in ("report", "research", "company_response") else 1 for k in KINDS]
# (precision, share): most events are known to the day.
PRECISIONS = (("day", 0.80), ("month", 0.10), ("quarter", 0.05), ("year", 0.03), ("season", 0.02))
STATUSES = (("ongoing", 0.5), ("resolved", 0.3), ("dormant", 0.2))
OTHER_ROLES = (Role.SIGNATORY, Role.ORGANISER, Role.AUTHOR, Role.ACTOR, Role.REGULATOR)
OTHER_KINDS = ("advocacy_group", "union", "academic", "media", "government_agency", "investor")

CONTROVERSY_COLUMNS = (
    "id", "title", "slug", "summary", "status", "started_on", "last_event_on",
    "aiid_incident_id", "aiaaic_id", "created_at", "updated_at",
)  # fmt: skip
EVENT_COLUMNS = (
    "id", "occurred_on", "occurred_on_precision", "kind", "title", "summary", "created_at",
    "updated_at",
)  # fmt: skip
# The share of events also on a second controversy of the same company (a letter to
# several companies, one report about two of a company's products).
SHARED_EVENT_SHARE = 0.04
SOURCE_COLUMNS = (
    "id", "url", "canonical_url", "title", "publisher", "author", "published_on",
    "language", "excerpt", "text_hash", "archive_url", "tags", "aiid_report_number",
    "created_at", "updated_at",
)  # fmt: skip


def period_start(day: dt.date, precision: str) -> dt.date:
    """The first day of the period a fuzzy date stands for (see controversies.dates)."""
    if precision == "month":
        return day.replace(day=1)
    if precision == "quarter":
        return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    if precision == "season":
        if day.month in (1, 2):
            return dt.date(day.year - 1, 12, 1)
        return day.replace(month=day.month - (day.month % 3), day=1)
    if precision == "year":
        return day.replace(month=1, day=1)
    return day


def spread(total: int, buckets: int, rng: np.random.Generator, sigma: float = 1.0) -> np.ndarray:
    """``total`` split over ``buckets`` with a long tail: one each, the rest lognormal."""
    if buckets == 0:
        return np.zeros(0, dtype=np.int64)
    base = 1 if total >= buckets else 0
    weights = rng.lognormal(0.0, sigma, buckets)
    return base + rng.multinomial(total - base * buckets, weights / weights.sum())


def _choose(rng, pairs) -> str:
    return rng.choices([p for p, _ in pairs], weights=[w for _, w in pairs])[0]


def _publishers(ctx: SeedContext) -> list[tuple[str, str]]:
    names = []
    for n in range(max(20, ctx.scale.sources // 1_000)):
        name = f"{words.pseudo_word(ctx.rng, 2)} {ctx.rng.choice(words.PUBLISHER_WORDS)}"
        names.append((name, f"{slugify(name)}-{n}.example.com"))
    return names


def seed_timeline(ctx: SeedContext) -> None:
    scale, np_rng = ctx.scale, ctx.np_rng
    events_per = spread(scale.events, scale.controversies, np_rng, sigma=1.0)
    sources_per_event = spread(scale.sources, scale.events, np_rng, sigma=0.5)
    publishers = _publishers(ctx)
    controversy_id = event_id = source_id = 0
    while controversy_id < scale.controversies:
        first = controversy_id
        last = min(scale.controversies, first + CHUNK)
        batch = _Batch()
        for index in range(first, last):
            controversy_id = index + 1
            event_id, source_id = _controversy(
                ctx, batch, controversy_id, int(events_per[index]), event_id, source_id,
                sources_per_event, publishers,
            )  # fmt: skip
        batch.write(ctx)
    ctx.controversy_count, ctx.event_count, ctx.source_count = controversy_id, event_id, source_id


class _Batch:
    def __init__(self) -> None:
        self.controversies: list[tuple] = []
        self.companies: list[tuple] = []
        self.products: list[tuple] = []
        self.topics: list[tuple] = []
        self.events: list[tuple] = []
        self.event_links: list[tuple] = []
        # The newest event date per controversy, over its own and its shared events.
        self.last_event_on: dict[int, dt.date] = {}
        self.actors: list[tuple] = []
        self.sources: list[tuple] = []
        self.citations: list[tuple] = []

    def write(self, ctx: SeedContext) -> None:
        w = ctx.writer
        last = CONTROVERSY_COLUMNS.index("last_event_on")
        controversies = [
            (*row[:last], self.last_event_on.get(row[0], row[last]), *row[last + 1 :])
            for row in self.controversies
        ]
        w.write(Controversy, CONTROVERSY_COLUMNS, controversies)
        companies = Controversy.companies.through
        w.write(companies, ("controversy_id", "organization_id"), self.companies)
        w.write(Controversy.products.through, ("controversy_id", "product_id"), self.products)
        w.write(Controversy.topics.through, ("controversy_id", "topic_id"), self.topics)
        w.write(Event, EVENT_COLUMNS, self.events)
        w.write(Event.controversies.through, ("event_id", "controversy_id"), self.event_links)
        w.write(EventActor, ("event_id", "organization_id", "role"), self.actors)
        w.write(Source, SOURCE_COLUMNS, self.sources)
        w.write(
            EventSource, ("event_id", "source_id", "position", "quote", "locator"), self.citations
        )


@dataclass(frozen=True)
class _Story:
    """What every event of one controversy shares."""

    pk: int
    lead: str  # the lead company's name
    thing: str  # the product or system at issue
    companies: list[int]
    others: list[int]  # organisations that act on the companies
    # Earlier controversies of the lead company still in this batch (not yet written), so
    # a shared event can move their last-event date.
    siblings: list[int]


def _controversy(
    ctx: SeedContext,
    batch: _Batch,
    pk: int,
    n_events: int,
    event_id: int,
    source_id: int,
    sources_per_event: np.ndarray,
    publishers: list[tuple[str, str]],
) -> tuple[int, int]:
    rng = ctx.rng
    r = rng.random()
    companies = ctx.pick_companies(1 if r < 0.7 else 2 if r < 0.95 else 3)
    lead = ctx.org_names[companies[0]]
    own_products = [p for c in companies for p in ctx.products_by_company.get(c, [])]
    products = rng.sample(own_products, min(len(own_products), rng.choice((0, 1, 1, 2))))
    topics = rng.sample(ctx.topic_ids, rng.choice((1, 2, 2, 3)))
    thing = ctx.product_names[products[0]] if products else f"{words.COMMON_TERM} system"
    harm = rng.choice(words.HARMS)
    title = f"{lead}: {thing} {harm}"[:300]
    summary = f"{lead}'s {thing} was {harm}. " + words.sentence(rng, lead)
    if pk % words.RARE_EVERY == 0:
        summary += f" Reporters compared it to a {words.RARE_TERM}."
    started = ctx.day_between(FIRST_DAY, ctx.today - dt.timedelta(days=60))
    horizon = min(ctx.today, started + dt.timedelta(days=rng.randint(30, 6 * 365)))
    days = sorted(ctx.day_between(started, horizon) for _ in range(n_events))
    others = [ctx.pick(rng.choice(OTHER_KINDS))[0] for _ in range(3)]
    batch_start = pk - len(batch.controversies)
    own = ctx.controversies_by_company.get(companies[0], [])  # ascending ids
    story = _Story(
        pk=pk, lead=lead, thing=thing, companies=companies, others=others,
        siblings=own[bisect.bisect_left(own, batch_start) :],
    )  # fmt: skip

    last_event_on = None
    for day in days:
        event_id += 1
        n_sources = int(sources_per_event[event_id - 1])
        on, source_id = _event(ctx, batch, story, event_id, day, source_id, n_sources, publishers)
        last_event_on = max(on, last_event_on) if last_event_on else on

    created = ctx.moment(started)
    if last_event_on:
        known = batch.last_event_on.get(pk)
        batch.last_event_on[pk] = max(last_event_on, known) if known else last_event_on
    batch.controversies.append(
        (
            pk, title, f"{slugify(title)[:180]}-{pk}", summary, _choose(rng, STATUSES), started,
            last_event_on, None, None, created, created,
        )
    )  # fmt: skip
    for company in companies:
        batch.companies.append((pk, company))
        ctx.controversies_by_company.setdefault(company, []).append(pk)
    batch.products += [(pk, product) for product in products]
    batch.topics += [(pk, topic) for topic in topics]
    return event_id, source_id


def _event(
    ctx: SeedContext,
    batch: _Batch,
    story: _Story,
    event_id: int,
    day: dt.date,
    source_id: int,
    n_sources: int,
    publishers: list[tuple[str, str]],
) -> tuple[dt.date, int]:
    """One event of ``story`` around ``day``, its actors and citations; returns the date
    it was given and the last source id used."""
    rng = ctx.rng
    precision = _choose(rng, PRECISIONS)
    day = period_start(day, precision)
    actor = rng.choice(story.others)
    kind = rng.choices(KINDS, weights=KIND_WEIGHTS)[0]
    title = f"{ctx.org_names[actor]} {rng.choice(words.VERBS)} {story.lead}'s {story.thing}"[:300]
    summary = words.sentence(rng, ctx.org_names[actor])
    if event_id % words.RARE_EVERY == 0:
        summary += f" The {words.RARE_TERM} report followed."
    stamp = ctx.moment(min(ctx.today, day + dt.timedelta(days=rng.randint(0, 30))))
    batch.events.append((event_id, day, precision, kind, title, summary, stamp, stamp))
    batch.event_links.append((event_id, story.pk))
    if story.siblings and rng.random() < SHARED_EVENT_SHARE:
        sibling = rng.choice(story.siblings)
        batch.event_links.append((event_id, sibling))
        known = batch.last_event_on.get(sibling)
        batch.last_event_on[sibling] = max(day, known) if known else day
    roles = {(story.companies[0], Role.TARGET), (actor, rng.choice(OTHER_ROLES))}
    if rng.random() < 0.3:
        roles.add((rng.choice(story.companies), Role.RESPONDENT))
    batch.actors += [(event_id, org, role) for org, role in sorted(roles)]
    source_id = _cite(ctx, batch, event_id, day, title, summary, source_id, n_sources, publishers)
    return day, source_id


def _cite(
    ctx: SeedContext,
    batch: _Batch,
    event_id: int,
    day: dt.date,
    title: str,
    summary: str,
    source_id: int,
    n_sources: int,
    publishers: list[tuple[str, str]],
) -> int:
    """``n_sources`` new sources cited by the event, sometimes an older one too (a report
    cited again later); returns the last source id used."""
    rng = ctx.rng
    cited = []
    for _ in range(n_sources):
        source_id += 1
        cited.append(source_id)
        batch.sources.append(_source(ctx, source_id, day, title, publishers))
    if source_id > len(cited) and rng.random() < 0.1:
        cited.append(rng.randint(1, source_id - len(cited)))
    for position, cited_id in enumerate(cited, start=1):
        quote = summary if position == 1 else ""
        batch.citations.append((event_id, cited_id, position, quote, ""))
    return source_id


def _source(ctx: SeedContext, pk: int, day: dt.date, about: str, publishers) -> tuple:
    rng = ctx.rng
    publisher, domain = rng.choice(publishers)
    published = min(ctx.today, day + dt.timedelta(days=rng.randint(0, 3)))
    title = f"{about} ({words.COMMON_TERM} report)"[:500]
    canonical = f"https://www.{domain}/{published:%Y/%m}/{slugify(title)[:60]}-{pk}"
    url = canonical + ("?utm_source=feed" if rng.random() < 0.2 else "")
    excerpt = words.sentence(rng, publisher)
    if pk % words.RARE_EVERY == 0:
        excerpt += f" A {words.RARE_TERM} was mentioned."
    stamp = ctx.moment(published)
    return (
        pk, url, canonical, title, publisher,
        f"{words.pseudo_word(rng, 2)} {words.pseudo_word(rng)}", published, "en", excerpt,
        hashlib.sha256(canonical.encode()).hexdigest(),
        f"https://archive.example.org/{pk}" if rng.random() < 0.3 else "", "", None, stamp,
        stamp,
    )  # fmt: skip
