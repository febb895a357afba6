"""The shareholder resolution table (full page or, for HTMX, just the results) and the page
of one resolution."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from controversies import follow, resolution_selectors
from controversies.views.fragments import render_page_or_partial
from controversies.views.tidy_query import drop_empty_parameters


@require_safe
@drop_empty_parameters(lambda: [*resolution_selectors.ResolutionFilter.base_filters, "page"])
def resolution_list(request: HttpRequest) -> HttpResponse:
    table = resolution_selectors.resolution_table(request.GET)
    # The filters the table applied (valid values only): the feed, exports and API
    # refuse the values the page ignores.
    filters = table.filterset.filters
    described = [
        (name, dict(filters[name].extra.get("choices") or ()).get(value, value))
        for name, value in table.active_filters.items()
    ]
    links = follow.resolution_list(table.active_filters, described)
    return render_page_or_partial(
        request,
        "controversies/resolution_list.html",
        "results",
        {"table": table, "follow": links},
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
