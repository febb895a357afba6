"""Geometry for the small server-rendered SVG charts.

Templates draw the shapes; these functions only work out coordinates, so the pictures
need no JavaScript and no inline styles (colours come from CSS classes).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from controversies.models import Event


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    month: dt.date
    count: int


@dataclass
class MonthChart:
    width: int
    height: int
    bars: list[Bar]
    max_count: int
    first: dt.date
    last: dt.date
    total: int
    year_ticks: list[tuple[float, int]] = field(default_factory=list)


def month_starts(first: dt.date, last: dt.date) -> list[dt.date]:
    months = []
    current = first.replace(day=1)
    while current <= last:
        months.append(current)
        current = (current + dt.timedelta(days=32)).replace(day=1)
    return months


def months_back(last: dt.date, count: int) -> dt.date:
    """The first day of the month ``count - 1`` months before ``last``'s month."""
    year, month = last.year, last.month - (count - 1)
    while month < 1:
        month += 12
        year -= 1
    return dt.date(year, month, 1)


def month_chart(
    counts: dict[dt.date, int],
    *,
    first: dt.date,
    last: dt.date,
    width: int = 600,
    height: int = 120,
) -> MonthChart:
    """Bars for every month from ``first`` to ``last`` (empty months included)."""
    months = month_starts(first, last)
    top = max(counts.values(), default=0)
    plot_height = height - 20  # room for the year labels
    slot = width / max(len(months), 1)
    bars, ticks = [], []
    for index, month in enumerate(months):
        count = counts.get(month, 0)
        bar_height = (count / top) * (plot_height - 4) if top else 0
        bars.append(
            Bar(
                x=round(index * slot + 1, 1),
                y=round(plot_height - bar_height, 1),
                width=round(max(slot - 2, 1), 1),
                height=round(bar_height, 1),
                month=month,
                count=count,
            )
        )
        # The first month is labelled too unless a January label follows within a quarter.
        if month.month == 1 or (index == 0 and month.month < 10):
            ticks.append((round(index * slot + 1, 1), month.year))
    return MonthChart(
        width=width,
        height=height,
        bars=bars,
        max_count=top,
        first=first,
        last=last,
        total=sum(counts.get(m, 0) for m in months),
        year_ticks=ticks,
    )


@dataclass(frozen=True)
class Marker:
    x: float
    y: float
    event: Event


@dataclass
class Overview:
    width: int
    height: int
    markers: list[Marker]
    year_ticks: list[tuple[float, int]]
    axis_y: float
    first: Event | None
    last: Event | None


def timeline_overview(events: Sequence[Event], *, width: int = 800) -> Overview:
    """A dot per event along one axis from the first event to the last; events too close
    to fit side by side are stacked."""
    if not events:
        return Overview(width, 40, [], [], 20, None, None)
    start = min(e.occurred_on for e in events)
    end = max(e.occurred_on for e in events)
    pad = 20
    span = max((end - start).days, 1)

    def x_of(day: dt.date) -> float:
        return round(pad + (day - start).days / span * (width - 2 * pad), 1)

    lane_ends: list[float] = []
    placed: list[tuple[float, int, Event]] = []
    for event in sorted(events, key=lambda e: (e.occurred_on, e.pk or 0)):
        x = x_of(event.occurred_on)
        lane = next((i for i, end_x in enumerate(lane_ends) if x - end_x >= 10), None)
        if lane is None:
            lane_ends.append(x)
            lane = len(lane_ends) - 1
        lane_ends[lane] = x
        placed.append((x, lane, event))
    lanes = min(len(lane_ends), 8)
    axis_y = 14 + lanes * 10
    markers = [Marker(x, axis_y - 8 - min(lane, 7) * 10, event) for x, lane, event in placed]
    ticks = [
        (x_of(dt.date(year, 1, 1)), year)
        for year in _years(start, end)
        if dt.date(year, 1, 1) >= start
    ]
    if not ticks or ticks[0][1] != start.year:
        ticks.insert(0, (pad, start.year))
    ordered = [m.event for m in markers]
    return Overview(width, axis_y + 22, markers, ticks, axis_y, ordered[0], ordered[-1])


def _years(start: dt.date, end: dt.date) -> Iterable[int]:
    return range(start.year, end.year + 1)
