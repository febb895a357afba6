"""Thin views for the exports; the feeds are classes in feeds.py, the API lives in api/."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from controversies.models import Controversy
from opendata import exports, selectors
from opendata.filters import InvalidFilters, filter_controversies, filter_resolutions


def _refused(error: InvalidFilters) -> JsonResponse:
    """Bad filters are answered before any byte of the export is sent (400, or 404 when
    they only name unknown records), as the API answers them: a streamed answer cannot
    change its status later."""
    return JsonResponse({"detail": error.message}, status=error.status_code)


@require_GET
def controversies_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    try:
        controversies = filter_controversies(request.GET, strict=True)
    except InvalidFilters as error:
        return _refused(error)
    controversies = selectors.controversies_for_export(controversies)
    return exports.stream(controversies, exports.CONTROVERSY_COLUMNS, fmt, "controversies")


@require_GET
def timeline_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponseBase:
    controversy = get_object_or_404(Controversy, slug=slug)
    events = selectors.timeline_for_export(controversy)
    return exports.stream(events, exports.TIMELINE_COLUMNS, fmt, f"{slug}-timeline")


@require_GET
def resolutions_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    try:
        resolutions = filter_resolutions(request.GET, strict=True)
    except InvalidFilters as error:
        return _refused(error)
    resolutions = selectors.resolutions_for_export(resolutions)
    return exports.stream(resolutions, exports.RESOLUTION_COLUMNS, fmt, "resolutions")
