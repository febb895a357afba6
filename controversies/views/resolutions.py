"""The shareholder resolution table (full page or, for HTMX, just the results) and the page
of one resolution."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from controversies import resolution_selectors
from controversies.views.fragments import render_page_or_partial


@require_safe
def resolution_list(request: HttpRequest) -> HttpResponse:
    table = resolution_selectors.resolution_table(request.GET)
    return render_page_or_partial(
        request, "controversies/resolution_list.html", "results", {"table": table}
    )


@require_safe
def resolution_detail(request: HttpRequest, slug: str) -> HttpResponse:
    resolution = resolution_selectors.resolution_get(slug)
    return render(request, "controversies/resolution_detail.html", {"resolution": resolution})
