from __future__ import annotations

from itertools import groupby

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from controversies import selectors


@require_GET
def controversy_detail(request: HttpRequest, slug: str) -> HttpResponse:
    controversy = selectors.controversy_get(slug)
    events = list(selectors.timeline_events(controversy))
    years = [(year, list(group)) for year, group in groupby(events, lambda e: e.occurred_on.year)]
    return render(
        request,
        "controversies/controversy_detail.html",
        {"controversy": controversy, "years": years, "event_count": len(events)},
    )
