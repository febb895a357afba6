"""Coalitions and their members, campaigns with demands, shareholder meetings,
resolutions and votes whose counts add up."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.text import slugify

from bench_data.seed import words
from bench_data.seed.context import FIRST_DAY, SeedContext
from controversies.models import (
    Campaign,
    Coalition,
    CoalitionMembership,
    Demand,
    DemandStatus,
    ProxyAdviserRecommendation,
    ShareholderMeeting,
    ShareholderResolution,
    VoteResult,
)

MEMBER_KINDS = ("advocacy_group", "union", "academic", "other")
DEMAND_PATHS = (
    ("made",),
    ("made", "responded"),
    ("made", "responded", "committed"),
    ("made", "committed", "met"),
    ("made", "committed", "broken"),
)
RESOLUTION_STATUSES = (("voted", 60), ("withdrawn", 15), ("omitted", 10), ("filed", 15))


def _stamp(ctx: SeedContext, day: dt.date) -> dt.datetime:
    return ctx.moment(min(day, ctx.today))


def seed_coalitions(ctx: SeedContext) -> None:
    rng = ctx.rng
    pool = [pk for kind in MEMBER_KINDS for pk in ctx.orgs_by_kind.get(kind, [])]
    coalitions, members, actions = [], [], []
    for pk in range(1, ctx.scale.coalitions + 1):
        name = f"{words.pseudo_word(rng, 2)} Coalition for Accountable {words.COMMON_TERM}"
        formed = ctx.day_between(FIRST_DAY, ctx.today - dt.timedelta(days=90))
        stamp = _stamp(ctx, formed)
        coalitions.append(
            (pk, name, f"{slugify(name)}-{pk}", words.sentence(rng, name), formed,
             f"https://coalition-{pk}.example.org/", stamp, stamp)
        )  # fmt: skip
        for position, org in enumerate(rng.sample(pool, min(len(pool), rng.randint(3, 40)))):
            joined = ctx.day_between(formed, ctx.today)
            left = ctx.day_between(joined, ctx.today) if rng.random() < 0.1 else None
            members.append((pk, org, "lead" if position == 0 else "member", joined, left))
        if ctx.event_count:
            for event in rng.sample(range(1, ctx.event_count + 1), min(ctx.event_count, 5)):
                actions.append((pk, event))
    ctx.writer.write(
        Coalition,
        ("id", "name", "slug", "description", "formed_on", "website", "created_at", "updated_at"),
        coalitions,
    )
    ctx.writer.write(
        CoalitionMembership,
        ("coalition_id", "organization_id", "role", "joined_on", "left_on"),
        members,
    )
    ctx.writer.write(Coalition.actions.through, ("coalition_id", "event_id"), actions)


def seed_campaigns(ctx: SeedContext) -> None:
    rng = ctx.rng
    campaigns, organisers, targets, linked, demands, statuses = [], [], [], [], [], []
    demand_id = 0
    groups = ctx.orgs_by_kind.get("advocacy_group") or ctx.companies
    for pk in range(1, ctx.scale.campaigns + 1):
        (target,) = ctx.pick_companies(1)
        name = f"Stop {ctx.org_names[target]} {words.COMMON_TERM} {rng.choice(words.NOUNS)}"
        started = ctx.day_between(FIRST_DAY, ctx.today - dt.timedelta(days=30))
        ended = ctx.day_between(started, ctx.today) if rng.random() < 0.3 else None
        coalition = rng.randint(1, ctx.scale.coalitions) if rng.random() < 0.4 else None
        stamp = _stamp(ctx, started)
        campaigns.append(
            (pk, name, f"{slugify(name)[:180]}-{pk}", words.sentence(rng, name), coalition,
             started, ended, "Partly met." if ended else "", stamp, stamp)
        )  # fmt: skip
        ctx.campaign_ids.append(pk)
        organisers += [(pk, org) for org in rng.sample(groups, min(len(groups), 2))]
        targets.append((pk, target))
        own = ctx.controversies_by_company.get(target, [])
        linked += [(pk, c) for c in rng.sample(own, min(len(own), 2))]
        for position in range(1, rng.randint(1, 4) + 1):
            demand_id += 1
            demands.append(
                (demand_id, pk, f"{ctx.org_names[target]} should end the {words.COMMON_TERM} "
                 f"{rng.choice(words.NOUNS)} ({position}).", position)
            )  # fmt: skip
            day = started
            for status in rng.choice(DEMAND_PATHS):
                source = rng.randint(1, ctx.source_count) if ctx.source_count else None
                statuses.append((demand_id, status, day, "", source))
                day = min(ctx.today, day + dt.timedelta(days=rng.randint(10, 200)))
    w = ctx.writer
    w.write(
        Campaign,
        ("id", "name", "slug", "summary", "organising_coalition_id", "started_on", "ended_on",
         "outcome", "created_at", "updated_at"),
        campaigns,
    )  # fmt: skip
    w.write(Campaign.organisers.through, ("campaign_id", "organization_id"), organisers)
    w.write(Campaign.targets.through, ("campaign_id", "organization_id"), targets)
    w.write(Campaign.controversies.through, ("campaign_id", "controversy_id"), linked)
    w.write(Demand, ("id", "campaign_id", "text", "position"), demands)
    w.write(DemandStatus, ("demand_id", "status", "on", "note", "source_id"), statuses)


def _vote(ctx: SeedContext, resolution: int) -> tuple:
    """Counts that add up: for + against + abstain + broker non-votes <= outstanding."""
    rng = ctx.rng
    outstanding = rng.randint(100_000_000, 5_000_000_000)
    cast = int(outstanding * rng.uniform(0.6, 0.85))
    abstain = int(cast * rng.uniform(0.005, 0.02))
    votes_for = int((cast - abstain) * rng.uniform(0.02, 0.55))
    against = cast - abstain - votes_for
    broker = int(outstanding * rng.uniform(0.0, 0.08))
    pct = (Decimal(votes_for) * 100 / Decimal(votes_for + against)).quantize(Decimal("0.01"))
    source = rng.randint(1, ctx.source_count) if ctx.source_count else None
    return (
        resolution, votes_for, against, abstain, broker, outstanding, pct,
        "of votes cast for and against", votes_for > against, source,
    )  # fmt: skip


def seed_shareholders(ctx: SeedContext) -> None:
    rng = ctx.rng
    companies = ctx.ticker_companies or ctx.companies
    investors = ctx.orgs_by_kind.get("investor") or ctx.companies
    groups = ctx.orgs_by_kind.get("advocacy_group") or ctx.companies
    advisers = investors[:2]
    meetings, resolutions, cofilers, topics, advice, votes = [], [], [], [], [], []
    seen: set[tuple[int, int]] = set()
    resolution_id = 0
    years = range(2015, ctx.today.year + 1)
    # The companies at the centre of the most controversies are the big listed ones that
    # face AI resolutions at most annual meetings, so they hold meetings more often.
    weights = [1 + len(ctx.controversies_by_company.get(c, ())) for c in companies]
    for pk in range(1, min(ctx.scale.meetings, len(companies) * len(years)) + 1):
        while True:
            company, year = rng.choices(companies, weights)[0], rng.choice(years)
            if (company, year) not in seen:
                seen.add((company, year))
                break
        held = dt.date(year, 5, rng.randint(10, 31))
        meetings.append((pk, company, held, "annual", f"{rng.choice(words.PLACES)}"))
        for item in range(4, 4 + rng.randint(1, 3)):
            resolution_id += 1
            topic = rng.choice(ctx.topic_ids)
            title = f"Report on {words.TOPICS[topic - 1].lower()} risks of {words.COMMON_TERM}"
            status = _status(rng, held, ctx.today)
            own = ctx.controversies_by_company.get(company, [])
            resolutions.append(
                (
                    resolution_id, pk, str(item), title, f"{slugify(title)[:150]}-{resolution_id}",
                    words.sentence(rng, ctx.org_names[company]), rng.choice(investors),
                    rng.choice(groups) if rng.random() < 0.5 else None, status,
                    held - dt.timedelta(days=rng.randint(120, 200)), "against",
                    rng.choice(own) if own and rng.random() < 0.6 else None,
                    rng.choice(ctx.campaign_ids) if ctx.campaign_ids and rng.random() < 0.2
                    else None,
                    _stamp(ctx, held), _stamp(ctx, held),
                )
            )  # fmt: skip
            for org in rng.sample(investors, min(3, len(investors))):
                cofilers.append((resolution_id, org))
            topics.append((resolution_id, topic))
            if status == "voted":
                votes.append(_vote(ctx, resolution_id))
                for adviser in advisers:
                    advice.append((resolution_id, adviser, rng.choice(("for", "against")), None))
    w = ctx.writer
    w.write(ShareholderMeeting, ("id", "company_id", "held_on", "kind", "location"), meetings)
    w.write(
        ShareholderResolution,
        ("id", "meeting_id", "item_number", "title", "slug", "ask", "lead_filer_id",
         "organiser_id", "status", "filed_on", "board_recommendation", "controversy_id",
         "campaign_id", "created_at", "updated_at"),
        resolutions,
    )  # fmt: skip
    w.write(
        ShareholderResolution.co_filers.through,
        ("shareholderresolution_id", "organization_id"),
        cofilers,
    )
    w.write(ShareholderResolution.topics.through, ("shareholderresolution_id", "topic_id"), topics)
    w.write(
        ProxyAdviserRecommendation,
        ("resolution_id", "adviser_id", "recommendation", "source_id"),
        advice,
    )
    w.write(
        VoteResult,
        ("resolution_id", "votes_for", "votes_against", "abstentions", "broker_non_votes",
         "shares_outstanding", "reported_support_pct", "reported_basis", "passed", "source_id"),
        votes,
    )  # fmt: skip


def _status(rng, held: dt.date, today: dt.date) -> str:
    if held > today:
        return rng.choice(("filed", "on_ballot"))
    return rng.choices([s for s, _ in RESOLUTION_STATUSES], [w for _, w in RESOLUTION_STATUSES])[0]
