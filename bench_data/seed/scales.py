"""How many rows each scale makes. Small is about a hundredth of large; tiny is for tests."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Scale:
    name: str
    organizations: int
    products: int
    controversies: int
    events: int
    sources: int
    coalitions: int
    campaigns: int
    meetings: int
    feeds: int
    articles: int

    def as_dict(self) -> dict[str, int | str]:
        return asdict(self)


LARGE = Scale(
    name="large",
    organizations=5_000,
    products=2_000,
    controversies=20_000,
    events=200_000,
    sources=300_000,
    coalitions=200,
    campaigns=1_000,
    meetings=3_000,
    feeds=300,
    articles=1_000_000,
)


def _fraction(name: str, divisor: int, minimum: dict[str, int]) -> Scale:
    values = {}
    for key, value in LARGE.as_dict().items():
        if key == "name":
            continue
        values[key] = max(minimum.get(key, 1), round(value / divisor))
    return Scale(name=name, **values)


# The minimums fill the pages the bench compares across scales with the same number of
# rows: the index pages list 50 per page, filtered by a kind that a fifth of organisations
# have and by a fragment found in a fifth of names (bench/pages.py).
SMALL = _fraction(
    "small",
    100,
    {"organizations": 400, "products": 60, "coalitions": 5, "campaigns": 10, "feeds": 5},
)
TINY = Scale(
    name="tiny",
    organizations=24,
    products=8,
    controversies=12,
    events=60,
    sources=80,
    coalitions=2,
    campaigns=3,
    meetings=6,
    feeds=2,
    articles=120,
)

SCALES = {scale.name: scale for scale in (TINY, SMALL, LARGE)}
