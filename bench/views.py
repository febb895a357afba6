"""The floor: the cheapest page the stack can serve (one indexed query, a tiny
template, the same middleware), so each real page is judged relative to it."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from controversies.models import Controversy


@require_GET
def floor(request: HttpRequest, slug: str) -> HttpResponse:
    controversy = get_object_or_404(Controversy.objects.only("title", "slug"), slug=slug)
    return render(request, "bench/floor.html", {"controversy": controversy})
