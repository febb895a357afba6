from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from controversies import charts, selectors

CHART_MONTHS = 48


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    latest = selectors.latest_events()
    # The chart and "most active" look back from the newest event, so a quiet month (or
    # an old demo data set) still shows the recent shape of the record.
    newest = latest[0].occurred_on if latest else today
    first_month = charts.months_back(newest, CHART_MONTHS)
    figures = selectors.home_figures(newest=newest, first_month=first_month)
    chart = charts.month_chart(figures.month_counts, first=first_month, last=newest)
    return render(
        request,
        "controversies/home.html",
        {
            "counts": figures.counts,
            "latest_events": latest,
            "active": figures.active,
            "chart": chart,
            "meetings": selectors.upcoming_meetings(today=today),
            "recent_votes": selectors.recent_votes(),
        },
    )
