"""Pages of the actors and subjects: organisations (companies too), products, coalitions,
campaigns."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from controversies import entity_selectors, follow
from controversies.models import Organization
from controversies.views.fragments import render_page_or_partial


@require_safe
def organization_detail(request: HttpRequest, slug: str) -> HttpResponse:
    page = entity_selectors.organization_page(slug)
    org = page.organization
    links = follow.organization(org.slug, org.name, is_company=page.is_company)
    return render(
        request, "controversies/organization_detail.html", {"page": page, "follow": links}
    )


@require_safe
def organization_votes(request: HttpRequest, slug: str) -> HttpResponse:
    """An organisation's shareholder record: a page of its own, which the organisation
    page loads into itself with HTMX once it is shown, so that page's cost does not grow
    with the record (bench target ``company p95 <= 100 ms at large``)."""
    votes = entity_selectors.organization_votes_page(slug)
    org = votes.organization
    links = follow.organization_votes(
        org.slug, org.name, is_company=org.kind == Organization.Kind.COMPANY
    )
    return render_page_or_partial(
        request,
        "controversies/organization_votes.html",
        "record",
        {"votes": votes, "follow": links},
    )


@require_safe
def product_detail(request: HttpRequest, slug: str) -> HttpResponse:
    page = entity_selectors.product_page(slug)
    links = follow.product(page.product.slug, page.product.name)
    return render(request, "controversies/product_detail.html", {"page": page, "follow": links})


@require_safe
def coalition_detail(request: HttpRequest, slug: str) -> HttpResponse:
    page = entity_selectors.coalition_page(slug)
    links = follow.coalition(page.coalition.slug, page.coalition.name)
    return render(request, "controversies/coalition_detail.html", {"page": page, "follow": links})


@require_safe
def campaign_detail(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = entity_selectors.campaign_page(slug)
    links = follow.campaign(campaign.slug, campaign.name)
    return render(
        request, "controversies/campaign_detail.html", {"campaign": campaign, "follow": links}
    )
