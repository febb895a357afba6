"""What the list pages share: the controversy list, the resolution table and the index
pages (organisations, products, campaigns, coalitions, topics).

Each page reads its filters its own way (a FilterSet, or ``index_selectors.query_parse``)
into the values it applied and a notice for each value it ignored. Then, through this
module, it picks the page of results asked for (``choose_page``: a bad page number shows
a nearby page and says why, never an error) and answers (``render_listing``): the whole
page, or for an HTMX request the results alone, pushed to the tidy address
(``tidy_address``) so the address bar holds only the values in force.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django_htmx.http import push_url

# How much of a bad page number a notice repeats.
SHOWN_CHARACTERS = 20


class PageProblem(enum.Enum):
    NOT_A_NUMBER = "not a number"
    BELOW_ONE = "below one"
    BEYOND_LAST = "beyond the last page"


@dataclass(frozen=True)
class ChosenPage:
    """The page shown for a request's ``page`` parameter and, when it is not the page
    asked for, why (``problem``) and what was asked (``asked``, cut short for a notice;
    ``number`` when it was a whole number)."""

    page: Page
    problem: PageProblem | None = None
    asked: str = ""
    number: int | None = None

    @property
    def notices(self) -> list[str]:
        """What the controversy list and the index pages say about the page shown."""
        if self.problem is PageProblem.NOT_A_NUMBER:
            return [f"Ignored the page number “{self.asked}”: showing the first page."]
        if self.problem is PageProblem.BELOW_ONE:
            return ["Page numbers start at 1: showing the first page."]
        if self.problem is PageProblem.BEYOND_LAST:
            pages = self.page.paginator.num_pages
            there = "There is only 1 page" if pages == 1 else f"There are only {pages} pages"
            return [f"{there}: showing the last one."]
        return []


class RowsPaginator(Paginator):
    """Pages a cheap queryset (the ids in order) and reads the rows of the page shown
    with ``rows``, given that page's slice: whatever a row costs beyond its id
    (annotations, prefetches) is paid for the rows shown, never for those skipped."""

    def __init__(self, object_list, per_page: int, *, rows: Callable) -> None:
        super().__init__(object_list, per_page)
        self.rows = rows

    def _get_page(self, object_list, number, paginator) -> Page:
        return Page(self.rows(object_list), number, paginator)


def choose_page(paginator: Paginator, raw: str) -> ChosenPage:
    """The page ``raw`` asks for: the first when it is empty, not a whole number or below
    1, the last when it is beyond the last page."""
    if not raw:
        return ChosenPage(paginator.page(1))
    asked = raw[:SHOWN_CHARACTERS]
    try:
        number = int(raw)
    except ValueError:
        return ChosenPage(paginator.page(1), PageProblem.NOT_A_NUMBER, asked)
    if number < 1:
        return ChosenPage(paginator.page(1), PageProblem.BELOW_ONE, asked, number)
    if number > paginator.num_pages:
        last = paginator.page(paginator.num_pages)
        return ChosenPage(last, PageProblem.BEYOND_LAST, asked, number)
    return ChosenPage(paginator.page(number))


def tidy_address(path: str, active: Mapping[str, str], page: Page) -> str:
    """``path`` with the values in force and the page number (past the first), sorted:
    the address worth bookmarking and sharing."""
    params = dict(active, page=str(page.number)) if page.number > 1 else dict(active)
    query = urlencode(sorted(params.items()))
    return path + (f"?{query}" if query else "")


def wants_results_only(request: HttpRequest) -> bool:
    """An HTMX request, which swaps the results in place. A history restore after a
    cache miss is one too, but it needs the whole page."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def render_listing(
    request: HttpRequest,
    template: str,
    context: dict,
    *,
    results_template: str,
    address: str | None = None,
) -> HttpResponse:
    """The whole page (``template``), or for an HTMX request only its results
    (``results_template``), pushing ``address`` to the browser's history when given.
    Caches keep the answers apart by the two HTMX headers they depend on."""
    results_only = wants_results_only(request)
    response = render(request, results_template if results_only else template, context)
    if results_only and address is not None:
        push_url(response, address)
    patch_vary_headers(response, ["HX-Request", "HX-History-Restore-Request"])
    return response
