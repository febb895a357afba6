"""Pages of the actors and subjects: organisations (companies too), products, coalitions,
campaigns."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from controversies import entity_selectors


@require_safe
def organization_detail(request: HttpRequest, slug: str) -> HttpResponse:
    page = entity_selectors.organization_page(slug)
    return render(request, "controversies/organization_detail.html", {"page": page})


@require_safe
def product_detail(request: HttpRequest, slug: str) -> HttpResponse:
    page = entity_selectors.product_page(slug)
    return render(request, "controversies/product_detail.html", {"page": page})


@require_safe
def coalition_detail(request: HttpRequest, slug: str) -> HttpResponse:
    page = entity_selectors.coalition_page(slug)
    return render(request, "controversies/coalition_detail.html", {"page": page})


@require_safe
def campaign_detail(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = entity_selectors.campaign_page(slug)
    return render(request, "controversies/campaign_detail.html", {"campaign": campaign})
