"""What one generation step leaves for the next: ids, names and weights."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

import numpy as np

from bench_data.seed.scales import Scale
from bench_data.seed.writer import TableWriter

FIRST_DAY = dt.date(2013, 1, 1)


@dataclass
class SeedContext:
    scale: Scale
    seed: int
    writer: TableWriter
    now: dt.datetime
    rng: random.Random = field(init=False)
    np_rng: np.random.Generator = field(init=False)

    org_names: dict[int, str] = field(default_factory=dict)
    orgs_by_kind: dict[str, list[int]] = field(default_factory=dict)
    companies: list[int] = field(default_factory=list)
    company_cum_weights: list[float] = field(default_factory=list)
    ticker_companies: list[int] = field(default_factory=list)
    product_names: dict[int, str] = field(default_factory=dict)
    products_by_company: dict[int, list[int]] = field(default_factory=dict)
    topic_ids: list[int] = field(default_factory=list)
    controversies_by_company: dict[int, list[int]] = field(default_factory=dict)
    controversy_count: int = 0
    event_count: int = 0
    source_count: int = 0
    campaign_ids: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.np_rng = np.random.default_rng(self.seed)

    @property
    def today(self) -> dt.date:
        return self.now.date()

    def day_between(self, start: dt.date, end: dt.date) -> dt.date:
        span = max(0, (end - start).days)
        return start + dt.timedelta(days=self.rng.randint(0, span))

    def moment(self, day: dt.date) -> dt.datetime:
        """A time on ``day`` (UTC) for created/updated stamps."""
        seconds = self.rng.randint(0, 86_399)
        return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC) + dt.timedelta(seconds=seconds)

    def pick_companies(self, k: int) -> list[int]:
        """Distinct companies, the big ones far more often (a Zipf-like long tail)."""
        chosen: list[int] = []
        k = min(k, len(self.companies))
        while len(chosen) < k:
            (company,) = self.rng.choices(self.companies, cum_weights=self.company_cum_weights)
            if company not in chosen:
                chosen.append(company)
        return chosen

    def pick(self, kind: str, k: int = 1) -> list[int]:
        pool = self.orgs_by_kind.get(kind) or self.companies
        return self.rng.sample(pool, min(k, len(pool)))
