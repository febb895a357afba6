"""The top of a controversy page: where the case stands, its latest development and its
key numbers, worked out from rows the page has already loaded (no query of its own).

The controversy model records a status but not when it took that status, so "since
when" is read from the timeline: an ongoing case is ongoing since it started; a resolved
or dormant one is dated by its latest event.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from controversies.dates import Precision
from controversies.models import (
    Campaign,
    Coalition,
    Controversy,
    Event,
    ShareholderResolution,
    Source,
)

# Shown in the box; the rest are one click away in the Votes section.
VOTES_SHOWN = 3
# The Sources section lists at most this many documents; the timeline export has them all.
SOURCES_SHOWN = 100


@dataclass(frozen=True)
class VoteLine:
    resolution: ShareholderResolution
    year: int
    support: Decimal
    # True when the figure is the one reported at the time (no vote counts recorded).
    reported: bool
    passed: bool | None


@dataclass(frozen=True)
class DemandTally:
    total: int = 0
    met: int = 0
    broken: int = 0

    @property
    def pending(self) -> int:
        return self.total - self.met - self.broken


@dataclass(frozen=True)
class Section:
    anchor: str
    label: str


@dataclass
class Glance:
    status: str
    status_label: str
    # "since May 2018" for an ongoing case; the latest event's date otherwise.
    since: dt.date | None
    latest: Event | None
    votes: list[VoteLine]
    more_votes: int
    awaiting_votes: int
    coalitions: list[Coalition]
    demands: DemandTally
    sources: list[Source]
    source_count: int
    sections: list[Section] = field(default_factory=list)

    @property
    def latest_datetime(self) -> str:
        """The latest event's date for a ``<time datetime>``, as precise as it is known
        (the timeline writes its dates the same way)."""
        if self.latest is None:
            return ""
        day = self.latest.occurred_on
        if self.latest.occurred_on_precision == Precision.DAY:
            return day.isoformat()
        if self.latest.occurred_on_precision == Precision.YEAR:
            return f"{day:%Y}"
        return f"{day:%Y-%m}"


def _vote_lines(resolutions: list[ShareholderResolution]) -> list[VoteLine]:
    lines = []
    for resolution in resolutions:
        vote = getattr(resolution, "vote", None)  # a missing reverse one-to-one raises
        support = vote.headline_support if vote else None
        if support is None:
            continue
        lines.append(
            VoteLine(
                resolution=resolution,
                year=resolution.meeting.held_on.year,
                support=support,
                reported=not vote.has_counts,
                passed=vote.passed,
            )
        )
    return lines


def case_glance(
    controversy: Controversy,
    *,
    events: list[Event],
    resolutions: list[ShareholderResolution],
    campaigns: list[Campaign],
    coalitions: list[Coalition],
    sources: list[Source],
    source_count: int,
) -> Glance:
    """``events`` from selectors.timeline_events (every event, in date order);
    ``sources`` and ``source_count`` from selectors.case_sources;
    ``campaigns`` and ``coalitions`` from the page's selectors, which annotate the demand
    counts and the number of members."""
    latest = events[-1] if events else None
    if controversy.status == Controversy.Status.ONGOING:
        since = controversy.started_on or (events[0].occurred_on if events else None)
    else:
        since = latest.occurred_on if latest else None
    votes = _vote_lines(resolutions)
    demands = DemandTally(
        total=sum(c.demands_total for c in campaigns),
        met=sum(c.demands_met for c in campaigns),
        broken=sum(c.demands_broken for c in campaigns),
    )
    sections = [
        Section(anchor, label)
        for anchor, label, shown in (
            ("timeline", "Timeline", events),
            ("votes", "Votes", resolutions),
            ("campaigns", "Campaigns", campaigns),
            ("coalitions", "Coalition" if len(coalitions) == 1 else "Coalitions", coalitions),
            ("sources", "Sources", sources),
        )
        if shown
    ]
    return Glance(
        status=controversy.status,
        status_label=controversy.get_status_display(),
        since=since,
        latest=latest,
        votes=votes[-VOTES_SHOWN:],
        more_votes=max(len(votes) - VOTES_SHOWN, 0),
        awaiting_votes=len(resolutions) - len(votes),
        coalitions=coalitions,
        demands=demands,
        sources=sources,
        source_count=source_count,
        sections=sections,
    )
