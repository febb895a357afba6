"""Reads for a product's page."""

from __future__ import annotations

from dataclasses import dataclass

from django.shortcuts import get_object_or_404

from controversies.models import Controversy, Event, Product, ShareholderResolution
from controversies.models.controversy import home_controversy

from .rows import EVENT_CAP, LIST_CAP, resolution_rows


@dataclass
class ProductPage:
    product: Product
    controversies: list[Controversy]
    events: list[Event]
    resolutions: list[ShareholderResolution]
    cap: int = LIST_CAP
    event_cap: int = EVENT_CAP


def product_page(slug: str) -> ProductPage:
    """A product, the controversies about it, their latest events and resolutions: 4 queries."""
    product = get_object_or_404(Product.objects.select_related("developer"), slug=slug)
    controversies = list(product.controversies.order_by("-last_event_on", "title")[:LIST_CAP])
    events = list(
        Event.objects.on(Controversy.objects.filter(products=product).values("pk"))
        .annotate(**home_controversy())
        .order_by("-occurred_on", "-id")[:EVENT_CAP]
    )
    resolutions = list(
        resolution_rows()
        .filter(controversy__products=product)
        .order_by("-meeting__held_on", "item_number")[:LIST_CAP]
    )
    return ProductPage(product, controversies, events, resolutions)
