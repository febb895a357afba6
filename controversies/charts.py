"""Geometry for the small server-rendered SVG charts.

Templates draw the shapes; these functions only work out coordinates, so the pictures
need no JavaScript and no inline styles (colours come from CSS classes).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from controversies.models import Event


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    month: dt.date
    count: int


@dataclass(frozen=True)
class CountTick:
    y: float
    value: int


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
    count_ticks: list[CountTick] = field(default_factory=list)
    left: int = 0
    right: int = 0
    top: int = 0
    baseline: int = 0

    @property
    def plot_height(self) -> int:
        return self.baseline - self.top

    @property
    def busy_bars(self) -> list[Bar]:
        return [bar for bar in self.bars if bar.count]


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


def count_scale(highest: int) -> tuple[int, list[int]]:
    """The top of a count axis and its labelled values: whole numbers in steps of 1, 2 or
    5 times a power of ten, at most five steps, the top at or above ``highest``."""
    if highest <= 0:
        return 1, [0, 1]
    step = 1
    while True:
        for factor in (1, 2, 5):
            size = step * factor
            if math.ceil(highest / size) <= 5:
                top = math.ceil(highest / size) * size
                return top, list(range(0, top + 1, size))
        step *= 10


def month_chart(
    counts: dict[dt.date, int],
    *,
    first: dt.date,
    last: dt.date,
    width: int = 360,
    height: int = 170,
) -> MonthChart:
    """Bars for every month from ``first`` to ``last`` (empty months included), a count
    scale on the left and the years underneath.

    The picture is drawn at about a phone's width, so its 12-unit labels are about 12 CSS
    pixels on a phone; the stylesheet caps how wide it grows on larger screens.
    """
    left, right, top_margin, bottom = 30, width - 4, 26, height - 20
    months = month_starts(first, last)
    highest = max(counts.values(), default=0)
    scale_top, values = count_scale(highest)
    plot_height = bottom - top_margin
    slot = (right - left) / max(len(months), 1)
    bars, ticks = [], []
    for index, month in enumerate(months):
        count = counts.get(month, 0)
        bar_height = count / scale_top * plot_height
        x = left + index * slot
        bars.append(
            Bar(
                x=round(x + 0.5, 1),
                y=round(bottom - bar_height, 1),
                width=round(max(slot - 1, 1), 1),
                height=round(bar_height, 1),
                month=month,
                count=count,
            )
        )
        # The first month is labelled too unless a January label follows within a quarter.
        if month.month == 1 or (index == 0 and month.month < 10):
            ticks.append((round(x, 1), month.year))
    # Years too close to the one before (a long span on a narrow picture) go unlabelled.
    spaced: list[tuple[float, int]] = []
    for x, year in ticks:
        if not spaced or x - spaced[-1][0] >= 34:
            spaced.append((x, year))
    return MonthChart(
        width=width,
        height=height,
        bars=bars,
        max_count=highest,
        first=first,
        last=last,
        total=sum(counts.get(m, 0) for m in months),
        year_ticks=spaced,
        count_ticks=[
            CountTick(y=round(bottom - v / scale_top * plot_height, 1), value=v) for v in values
        ],
        left=left,
        right=right,
        top=top_margin,
        baseline=bottom,
    )


# The overview colours events by who acted; the key under the chart names these groups.
KIND_GROUPS: dict[str, str] = {
    "report": "report",
    "research": "report",
    "other": "report",
    "open_letter": "campaign",
    "protest": "campaign",
    "campaign_launch": "campaign",
    "resolution_filed": "campaign",
    "legal_action": "campaign",
    "company_response": "company",
    "policy_change": "company",
    "no_comment": "company",
    "sale": "company",
    "shareholder_vote": "vote",
    "regulator": "vote",
    "legislation": "vote",
}
GROUP_LABELS: dict[str, str] = {
    "report": "Reports and research",
    "campaign": "Campaigners, letters, filings and lawsuits",
    "company": "Company actions and responses",
    "vote": "Votes, regulators and lawmakers",
}


@dataclass(frozen=True)
class Marker:
    x: float
    y: float
    event: Event

    @property
    def group(self) -> str:
        return KIND_GROUPS.get(self.event.kind, "report")


@dataclass(frozen=True)
class YearRow:
    year: int
    counts: list[int]
    total: int


@dataclass
class Overview:
    width: int
    height: int
    markers: list[Marker]
    year_ticks: list[tuple[float, int]]
    axis_y: float
    first: Event | None
    last: Event | None

    @property
    def groups(self) -> list[tuple[str, str]]:
        """The colour key: only the groups that appear in this chart."""
        present = {m.group for m in self.markers}
        return [(key, label) for key, label in GROUP_LABELS.items() if key in present]

    @property
    def year_rows(self) -> list[YearRow]:
        """Events per year and group, for the table that repeats the chart in figures."""
        keys = [key for key, _ in self.groups]
        table: dict[int, list[int]] = {}
        for marker in self.markers:
            row = table.setdefault(marker.event.occurred_on.year, [0] * len(keys))
            row[keys.index(marker.group)] += 1
        return [YearRow(year, row, sum(row)) for year, row in sorted(table.items())]


OVERVIEW_WIDTH = 360
DETAIL_BAND = 22  # room above the dots for the focused event's date and title


def timeline_overview(events: Sequence[Event], *, width: int = OVERVIEW_WIDTH) -> Overview:
    """A dot per event along one axis from the first event to the last; events too close
    to fit side by side are stacked. Drawn at about a phone's width (see month_chart)."""
    if not events:
        return Overview(width, 40, [], [], 20, None, None)
    start = min(e.occurred_on for e in events)
    end = max(e.occurred_on for e in events)
    pad = 18  # half a year label, so the first one stays inside the picture
    span = max((end - start).days, 1)

    def x_of(day: dt.date) -> float:
        return round(pad + (day - start).days / span * (width - 2 * pad), 1)

    lane_ends: list[float] = []
    placed: list[tuple[float, int, Event]] = []
    for event in sorted(events, key=lambda e: (e.occurred_on, e.pk or 0)):
        x = x_of(event.occurred_on)
        lane = next((i for i, end_x in enumerate(lane_ends) if x - end_x >= 12), None)
        if lane is None:
            lane_ends.append(x)
            lane = len(lane_ends) - 1
        lane_ends[lane] = x
        placed.append((x, lane, event))
    lanes = min(len(lane_ends), 8)
    axis_y = DETAIL_BAND + 8 + lanes * 12
    markers = [Marker(x, axis_y - 9 - min(lane, 7) * 12, event) for x, lane, event in placed]
    ticks = [
        (x_of(dt.date(year, 1, 1)), year)
        for year in _years(start, end)
        if dt.date(year, 1, 1) >= start
    ]
    if not ticks or ticks[0][1] != start.year:
        ticks.insert(0, (pad, start.year))
    spaced: list[tuple[float, int]] = []
    for x, year in ticks:
        if not spaced or x - spaced[-1][0] >= 34:
            spaced.append((x, year))
    ordered = [m.event for m in markers]
    return Overview(width, axis_y + 22, markers, spaced, axis_y, ordered[0], ordered[-1])


def overview_links(overview: Overview, linked: set[int] | None) -> tuple[list[Marker], SafeString]:
    """The overview's markers drawn as links to their events: those whose ids are in
    ``linked``, or every one when it is None; and the others as plain dots, drawn as one
    string (a long timeline has hundreds, and a template loop over them costs more than
    the rest of the chart)."""
    if linked is None:
        return overview.markers, SafeString()
    plain = format_html_join(
        "",
        '<circle cx="{}" cy="{}" r="5" class="marker group-{}"/>',
        ((m.x, m.y, m.group) for m in overview.markers if m.event.pk not in linked),
    )
    return [m for m in overview.markers if m.event.pk in linked], plain


def _years(start: dt.date, end: dt.date) -> Iterable[int]:
    return range(start.year, end.year + 1)
