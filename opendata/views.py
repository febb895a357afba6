"""Thin views for the exports; the feeds are classes in feeds.py, the API lives in api/."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from controversies.models import Campaign, Controversy, ShareholderResolution
from opendata import export_serving, export_slots, exports, selectors
from opendata.filters import InvalidFilters, filter_controversies, filter_resolutions


def _refused(error: InvalidFilters) -> HttpResponse:
    """Bad filters are answered before any byte of the export is sent, with a 400 whose
    plain-text body names each parameter and value: a streamed answer cannot change its
    status later, and a CSV or JSON client shows text where it expected a file."""
    return HttpResponse(
        error.message + "\n", status=error.status_code, content_type="text/plain; charset=utf-8"
    )


@require_GET
def controversies_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """Without parameters, the full export from its file (export_serving); with them,
    streamed under the concurrency limit."""
    if not request.GET:
        return export_serving.full_export(request, "controversies", fmt)
    try:
        controversies = filter_controversies(request.GET, strict=True)
    except InvalidFilters as error:
        return _refused(error)
    controversies = selectors.controversies_for_export(controversies)
    return export_slots.limited(
        lambda: exports.stream(controversies, exports.CONTROVERSY_COLUMNS, fmt, "controversies")
    )


@require_GET
def timeline_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponseBase:
    """A controversy's timeline, narrowed like its page by ``kind`` and ``actor``."""
    controversy = get_object_or_404(Controversy, slug=slug)
    try:
        events = selectors.timeline_filtered(controversy, request.GET)
    except InvalidFilters as error:
        return _refused(error)
    events = selectors.timeline_for_export(events)
    return exports.stream(events, exports.TIMELINE_COLUMNS, fmt, f"{slug}-timeline")


@require_GET
def campaign_controversies_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponseBase:
    """The controversies a campaign is part of, with the columns of the list export."""
    campaign = get_object_or_404(Campaign, slug=slug)
    controversies = selectors.controversies_for_export(campaign.controversies.all())
    return exports.stream(controversies, exports.CONTROVERSY_COLUMNS, fmt, f"{slug}-controversies")


@require_GET
def resolution_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponseBase:
    """One resolution as the one row of the resolutions export."""
    get_object_or_404(ShareholderResolution.objects.only("pk"), slug=slug)
    rows = selectors.resolutions_for_export(ShareholderResolution.objects.filter(slug=slug))
    return exports.stream(rows, exports.RESOLUTION_COLUMNS, fmt, f"resolution-{slug}")


@require_GET
def resolutions_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    try:
        resolutions = filter_resolutions(request.GET, strict=True)
    except InvalidFilters as error:
        return _refused(error)
    resolutions = selectors.resolutions_for_export(resolutions)
    return export_slots.limited(
        lambda: exports.stream(resolutions, exports.RESOLUTION_COLUMNS, fmt, "resolutions")
    )
