"""The About / methodology page: what the tracker records, how, and how to correct it."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe


@require_safe
def about(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "controversies/about.html",
        {
            "corrections_email": settings.CORRECTIONS_EMAIL,
            "site_name": settings.SITE_NAME,
            # The privacy note states the alerts' retention rules (alerts.privacy).
            "confirm_days": settings.ALERTS_CONFIRM_DAYS,
            "retention_days": settings.ALERTS_RETENTION_DAYS,
            "bounce_threshold": settings.ALERTS_BOUNCE_THRESHOLD,
        },
    )
