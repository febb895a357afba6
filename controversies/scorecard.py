"""A company's response record: how often and how fast it answered, demands met or broken.

Pure functions over rows the selectors already loaded, so the scorecard costs no queries
of its own and can be tested without a database.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from statistics import median

# Event kinds that count as the company answering a controversy. Declining to comment is an
# answer of a kind: the company was asked and chose to say nothing.
RESPONSE_KINDS = ("company_response", "policy_change", "no_comment")
# Demand statuses that mean the company engaged with the demand.
ANSWER_STATUSES = ("responded", "committed", "met", "broken")


@dataclass(frozen=True)
class Answer:
    """One thing the company was asked (a controversy or a demand) and when it answered."""

    asked_on: dt.date | None
    answered_on: dt.date | None

    @property
    def answered(self) -> bool:
        return self.answered_on is not None

    @property
    def days(self) -> int | None:
        if self.asked_on is None or self.answered_on is None:
            return None
        return max((self.answered_on - self.asked_on).days, 0)


@dataclass(frozen=True)
class Scorecard:
    controversies: int = 0
    controversies_answered: int = 0
    demands: int = 0
    demands_answered: int = 0
    median_days: float | None = None
    fastest_days: int | None = None
    slowest_days: int | None = None
    demand_outcomes: dict[str, int] = field(default_factory=dict)
    policy_changes: int = 0
    declined_to_comment: int = 0

    @property
    def asked(self) -> int:
        return self.controversies + self.demands

    @property
    def answered(self) -> int:
        return self.controversies_answered + self.demands_answered

    @property
    def answer_rate(self) -> int | None:
        """Per cent of controversies and demands that got any answer."""
        if not self.asked:
            return None
        return round(100 * self.answered / self.asked)

    @property
    def met(self) -> int:
        return self.demand_outcomes.get("met", 0)

    @property
    def broken(self) -> int:
        return self.demand_outcomes.get("broken", 0)

    @property
    def committed(self) -> int:
        return self.demand_outcomes.get("committed", 0)


@dataclass(frozen=True)
class AnswerSummary:
    """Many answers reduced to what a scorecard reads: small enough to cache for a
    company asked about thousands of controversies."""

    asked: int = 0
    answered: int = 0
    days: tuple[int, ...] = ()

    @classmethod
    def of(cls, answers: list[Answer]) -> AnswerSummary:
        return cls(
            asked=len(answers),
            answered=sum(a.answered for a in answers),
            days=tuple(a.days for a in answers if a.days is not None),
        )


def scorecard_build(
    *,
    controversy_answers: list[Answer] | AnswerSummary,
    demand_answers: list[Answer],
    demand_latest_statuses: list[str],
    policy_changes: int,
    declined_to_comment: int,
) -> Scorecard:
    """Combine per-controversy and per-demand answers into the figures the page shows."""
    controversies = (
        controversy_answers
        if isinstance(controversy_answers, AnswerSummary)
        else AnswerSummary.of(controversy_answers)
    )
    demands = AnswerSummary.of(demand_answers)
    days = [*controversies.days, *demands.days]
    return Scorecard(
        controversies=controversies.asked,
        controversies_answered=controversies.answered,
        demands=demands.asked,
        demands_answered=demands.answered,
        median_days=median(days) if days else None,
        fastest_days=min(days) if days else None,
        slowest_days=max(days) if days else None,
        demand_outcomes=dict(Counter(s for s in demand_latest_statuses if s)),
        policy_changes=policy_changes,
        declined_to_comment=declined_to_comment,
    )
