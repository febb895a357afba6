"""Thin views for the exports; the feeds are classes in feeds.py, the API lives in api/."""

from __future__ import annotations

from django.http import HttpRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from controversies.models import Controversy
from opendata import exports, selectors
from opendata.filters import filter_controversies, filter_resolutions


@require_GET
def controversies_export(request: HttpRequest, fmt: str) -> StreamingHttpResponse:
    controversies = selectors.controversies_for_export(filter_controversies(request.GET))
    return exports.stream(controversies, exports.CONTROVERSY_COLUMNS, fmt, "controversies")


@require_GET
def timeline_export(request: HttpRequest, slug: str, fmt: str) -> StreamingHttpResponse:
    controversy = get_object_or_404(Controversy, slug=slug)
    events = selectors.timeline_for_export(controversy)
    return exports.stream(events, exports.TIMELINE_COLUMNS, fmt, f"{slug}-timeline")


@require_GET
def resolutions_export(request: HttpRequest, fmt: str) -> StreamingHttpResponse:
    resolutions = selectors.resolutions_for_export(filter_resolutions(request.GET))
    return exports.stream(resolutions, exports.RESOLUTION_COLUMNS, fmt, "resolutions")
