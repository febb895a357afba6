"""Dates known only to a month, a quarter, a season or a year.

A fuzzy date is stored as the first day of its period, so sorting by the date column
keeps the timeline in order; the precision says how much of the date is meaningful.
"""

from __future__ import annotations

import datetime as dt

from django.db import models


class Precision(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    QUARTER = "quarter", "Quarter"
    SEASON = "season", "Season"
    YEAR = "year", "Year"


QUARTER_START_MONTHS = (1, 4, 7, 10)
# Northern-hemisphere meteorological seasons, keyed by their first month.
SEASON_START_MONTHS = {3: "Spring", 6: "Summer", 9: "Autumn", 12: "Winter"}


def precision_error(date: dt.date, precision: str) -> str | None:
    """Why ``date`` is not the first day of a ``precision`` period, or None if it is."""
    if precision == Precision.DAY:
        return None
    if date.day != 1:
        return f"A date with {precision} precision must fall on the first day of the period."
    if precision == Precision.MONTH:
        return None
    if precision == Precision.QUARTER and date.month not in QUARTER_START_MONTHS:
        return "A quarter starts in January, April, July or October."
    if precision == Precision.SEASON and date.month not in SEASON_START_MONTHS:
        return "A season starts in March, June, September or December."
    if precision == Precision.YEAR and date.month != 1:
        return "A date with year precision must be 1 January."
    if precision not in Precision.values:
        return f"Unknown precision {precision!r}."
    return None


def format_date(date: dt.date, precision: str) -> str:
    """Show a date only as precisely as it is known: "22 May 2018", "Q2 2019", "2020"."""
    if precision == Precision.MONTH:
        return date.strftime("%B %Y")
    if precision == Precision.QUARTER:
        return f"Q{(date.month - 1) // 3 + 1} {date.year}"
    if precision == Precision.SEASON:
        return f"{SEASON_START_MONTHS.get(date.month, '')} {date.year}".strip()
    if precision == Precision.YEAR:
        return str(date.year)
    return f"{date.day} {date.strftime('%B %Y')}"


def precision_check(field: str) -> models.Q:
    """The database-side twin of precision_error, for a CheckConstraint."""
    q = models.Q
    return (
        q(**{f"{field}_precision": Precision.DAY})
        | q(**{f"{field}_precision": Precision.MONTH, f"{field}__day": 1})
        | q(
            **{
                f"{field}_precision": Precision.QUARTER,
                f"{field}__day": 1,
                f"{field}__month__in": QUARTER_START_MONTHS,
            }
        )
        | q(
            **{
                f"{field}_precision": Precision.SEASON,
                f"{field}__day": 1,
                f"{field}__month__in": tuple(SEASON_START_MONTHS),
            }
        )
        | q(**{f"{field}_precision": Precision.YEAR, f"{field}__day": 1, f"{field}__month": 1})
    )
