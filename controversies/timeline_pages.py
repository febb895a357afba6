"""Which part of a case's timeline one page shows.

A timeline of up to WHOLE_TIMELINE events is shown whole. A longer one is shown a year at
a time, opening on the most recent year; a year with more than PAGE_SIZE events is split
into pages of nearly equal length. The navigation lists every year with its number of
events, so the page still tells how the whole case unfolded.

Addresses: ``?year=2019`` and ``?year=2019&page=2`` choose the part shown; ``?event=<id>``
(the link to one event, with ``#event-<id>``) shows the part that holds that event, so a
link from a search result, a feed or another page lands on it. A value that names no part
of this timeline is ignored with a notice saying so; the page never fails on it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import groupby

from controversies.models import Event

WHOLE_TIMELINE = 40
PAGE_SIZE = 30


@dataclass(frozen=True)
class YearLink:
    year: int
    count: int
    pages: int


@dataclass
class TimelinePart:
    events: list[Event]
    paged: bool = False
    years: list[YearLink] = field(default_factory=list)
    year: int | None = None
    page: int = 1
    pages: int = 1
    notices: list[str] = field(default_factory=list)

    @property
    def by_year(self) -> list[tuple[int, list[Event]]]:
        return [(y, list(group)) for y, group in groupby(self.events, _year)]

    @property
    def page_numbers(self) -> range:
        return range(1, self.pages + 1)

    def neighbours(self) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
        """The (year, page) just before the part shown and just after it, if any."""
        if not self.paged:
            return None, None
        parts = [(y.year, n) for y in self.years for n in range(1, y.pages + 1)]
        i = parts.index((self.year, self.page))
        return (parts[i - 1] if i else None), (parts[i + 1] if i + 1 < len(parts) else None)


def _year(event: Event) -> int:
    return event.occurred_on.year


def _number(value: str) -> int | None:
    """A whole number as typed in an address, or None (six digits at most: no year or page
    of a timeline is longer, and a huge number is not worth converting)."""
    value = value.strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 6 else None


def _pages(count: int) -> int:
    return max(1, math.ceil(count / PAGE_SIZE))


def _split(events: list[Event], page: int) -> list[Event]:
    """Page ``page`` (from 1) of ``events`` cut into pages of nearly equal length."""
    pages = _pages(len(events))
    size = math.ceil(len(events) / pages)
    return events[(page - 1) * size : page * size]


def page_of(events: list[Event], event: Event) -> int:
    """The page of its year's events that holds ``event``."""
    pages = _pages(len(events))
    size = math.ceil(len(events) / pages)
    return events.index(event) // size + 1


def choose(events: list[Event], *, year: str = "", page: str = "", event: str = "") -> TimelinePart:
    """The part of ``events`` (in date order, already filtered) that the address asks for;
    ``year``, ``page`` and ``event`` are the raw query values."""
    notices: list[str] = []
    year, page, event = year.strip(), page.strip(), event.strip()
    in_year = {y: list(group) for y, group in groupby(events, _year)}
    years = [YearLink(y, len(rows), _pages(len(rows))) for y, rows in in_year.items()]
    wanted = None
    if event:
        number = _number(event)
        wanted = next((e for e in events if e.pk == number), None)
        if wanted is None:
            notices.append(f"The event “{event[:40]}” is not on this timeline as shown.")
    year_number = _number(year) if year else None
    if year and year_number not in in_year and wanted is None:
        notices.append(f"This timeline has no events in “{year[:40]}”.")
        year_number = None
    if len(events) <= WHOLE_TIMELINE:
        if page and page != "1":
            notices.append(f"Ignored the page “{page[:40]}”: this timeline is on one page.")
        return TimelinePart(events, years=years, notices=notices)

    if wanted is not None:
        chosen = _year(wanted)
        rows = in_year[chosen]
        return TimelinePart(
            _split(rows, page_of(rows, wanted)),
            paged=True,
            years=years,
            year=chosen,
            page=page_of(rows, wanted),
            pages=_pages(len(rows)),
            notices=notices,
        )
    chosen = year_number if year_number is not None else years[-1].year
    rows = in_year[chosen]
    pages = _pages(len(rows))
    number = 1
    if page:
        asked = _number(page)
        if asked is None or not 1 <= asked <= pages:
            notices.append(
                f"Ignored the page “{page[:40]}”: {chosen} has "
                + ("one page." if pages == 1 else f"pages 1 to {pages}.")
            )
        else:
            number = asked
    return TimelinePart(
        _split(rows, number),
        paged=True,
        years=years,
        year=chosen,
        page=number,
        pages=pages,
        notices=notices,
    )
