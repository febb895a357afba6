"""The shareholder resolution table (full page or, for HTMX, just the results) and the page
of one resolution."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from controversies import follow, resolution_selectors
from controversies.resolution_selectors import ResolutionTableFilter
from controversies.views import listing
from controversies.views.listing import ChosenPage, PageProblem
from controversies.views.tidy_query import drop_empty_parameters


@dataclass(frozen=True)
class ResolutionTable:
    filterset: ResolutionTableFilter
    page: Page
    messages: list[str]
    active_filters: dict[str, str]


def _page_messages(chosen: ChosenPage) -> list[str]:
    """The table's own words for a page it cannot show; asking past the end of an empty
    table says nothing, since its one page is all there is."""
    if chosen.problem in (PageProblem.NOT_A_NUMBER, PageProblem.BELOW_ONE):
        return [f"“{chosen.asked}” is not a page number; showing the first page."]
    if chosen.problem is PageProblem.BEYOND_LAST and chosen.page.paginator.count:
        return [f"There is no page {chosen.number}; showing the last page."]
    return []


@require_safe
@drop_empty_parameters(lambda: [*ResolutionTableFilter.base_filters, "page"])
def resolution_list(request: HttpRequest) -> HttpResponse:
    """The filtered table, a page at a time: 3 queries whatever the number of rows (the
    count, the page and its topics) once the filter options are cached."""
    filters = resolution_selectors.table_filters(request.GET)
    paginator = Paginator(filters.filterset.qs, resolution_selectors.PAGE_SIZE)
    chosen = listing.choose_page(paginator, request.GET.get("page", ""))
    messages = [*filters.messages, *_page_messages(chosen)]
    table = ResolutionTable(filters.filterset, chosen.page, messages, filters.active)
    # The filters the table applied (valid values only): the feed, exports and API
    # refuse the values the page ignores.
    described = [
        (name, dict(filters.filterset.filters[name].extra.get("choices") or ()).get(value, value))
        for name, value in filters.active.items()
    ]
    template = "controversies/resolution_list.html"
    return listing.render_listing(
        request,
        template,
        {"table": table, "follow": follow.resolution_list(filters.active, described)},
        results_template=f"{template}#results",
    )


@require_safe
def resolution_detail(request: HttpRequest, slug: str) -> HttpResponse:
    resolution = resolution_selectors.resolution_get(slug)
    links = follow.resolution(resolution.slug, resolution.title, resolution.meeting.company.slug)
    return render(
        request,
        "controversies/resolution_detail.html",
        {"resolution": resolution, "follow": links},
    )
