"""Geometry for small server-rendered SVG charts (no JavaScript, nothing inline to allow)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

# Drawn at about a phone's width so the 12-unit labels are about 12 CSS pixels there; the
# stylesheet caps how wide the picture grows on larger screens. TOP leaves a band for the
# line that names the focused dot.
WIDTH = 360
HEIGHT = 220
LEFT, RIGHT, TOP, BOTTOM = 40, 14, 30, 24


@dataclass(frozen=True)
class SupportPoint:
    year: int
    support: Decimal
    label: str
    url: str


@dataclass(frozen=True)
class PlottedPoint:
    x: float
    y: float
    point: SupportPoint

    @property
    def label_on_left(self) -> bool:
        """Near the right edge the value label goes left of the dot so it stays visible."""
        return self.x > WIDTH - RIGHT - 44


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class SupportChart:
    width: int
    height: int
    left: int
    right: float
    top: int
    bottom: float
    points: list[PlottedPoint]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    majority_y: float


def support_chart(points: list[SupportPoint]) -> SupportChart | None:
    """Support (per cent) of each resolution by meeting year; None when nothing to plot.

    The vertical scale runs from 0 to at least 50%, so the majority line is always in
    view: small support stays visible without pretending to be close to passing.
    """
    if not points:
        return None
    first = min(p.year for p in points)
    last = max(p.year for p in points)
    highest = max(p.support for p in points)
    # 50% in steps of 10 while support is low; above that, steps of 20 up to 100%.
    top_value = 50 if highest <= 50 else min(100, int(math.ceil(highest / 20)) * 20)
    step = 10 if top_value == 50 else 20
    inner_w = WIDTH - LEFT - RIGHT
    inner_h = HEIGHT - TOP - BOTTOM
    span = max(last - first, 1)

    def x_of(year: int) -> float:
        if first == last:
            return LEFT + inner_w / 2
        return round(LEFT + inner_w * (year - first) / span, 1)

    def y_of(value: Decimal | int) -> float:
        return round(TOP + inner_h * (1 - float(value) / top_value), 1)

    plotted = []
    seen: dict[int, int] = {}
    for point in sorted(points, key=lambda p: (p.year, p.support)):
        # Several resolutions in one year: nudge them apart so each stays clickable.
        # Nudges go inwards, so a dot at either end stays inside the picture.
        nudge = seen.get(point.year, 0)
        seen[point.year] = nudge + 1
        x = x_of(point.year)
        inwards = -1 if x > LEFT + inner_w / 2 else 1
        plotted.append(
            PlottedPoint(x=round(x + inwards * 10 * nudge, 1), y=y_of(point.support), point=point)
        )
    y_ticks = [Tick(position=y_of(v), label=f"{v}%") for v in range(0, top_value + 1, step)]
    x_ticks = [Tick(position=x_of(y), label=str(y)) for y in range(first, last + 1)]
    return SupportChart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=WIDTH - RIGHT,
        top=TOP,
        bottom=HEIGHT - BOTTOM,
        points=plotted,
        x_ticks=x_ticks,
        y_ticks=y_ticks,
        majority_y=y_of(50),
    )
