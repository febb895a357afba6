"""The shareholder resolution table (full page or, for HTMX, just the results) and the page
of one resolution."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from controversies import resolution_selectors


@require_safe
def resolution_list(request: HttpRequest) -> HttpResponse:
    table = resolution_selectors.resolution_table(request.GET)
    template = "controversies/resolution_list.html"
    # A history restore after a cache miss asks for the whole page, not the fragment.
    if request.htmx and not request.htmx.history_restore_request:
        template += "#results"
    response = render(request, template, {"table": table})
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_safe
def resolution_detail(request: HttpRequest, slug: str) -> HttpResponse:
    resolution = resolution_selectors.resolution_get(slug)
    return render(request, "controversies/resolution_detail.html", {"resolution": resolution})
