"""One search box over controversies, events, organisations, products and sources."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from controversies import follow, search_selectors
from controversies.views.fragments import render_page_or_partial
from controversies.views.tidy_query import drop_empty_parameters


@require_safe
@drop_empty_parameters(lambda: ["q"])
def search(request: HttpRequest) -> HttpResponse:
    results = search_selectors.search(request.GET.get("q", ""))
    context = {
        "results": results,
        "max_length": search_selectors.MAX_QUERY_LENGTH,
        "follow": follow.search(results.query),
    }
    return render_page_or_partial(request, "controversies/search.html", "results", context)
