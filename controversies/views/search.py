"""One search box over controversies, events, organisations, products and sources."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from controversies import search_selectors


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    results = search_selectors.search(request.GET.get("q", ""))
    template = "controversies/search.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#results"
    context = {"results": results, "max_length": search_selectors.MAX_QUERY_LENGTH}
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response
