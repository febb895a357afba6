"""Reads for the organisation, product, coalition and campaign pages, one module each
(``shareholders`` holds an organisation's shareholder record, loaded by its own request).

Each page function returns everything its template needs in a fixed number of queries,
whatever the number of rows; long lists are capped and say so.
"""

from __future__ import annotations

from .campaign import campaign_page
from .coalition import CoalitionPage, coalition_page
from .organization import OrganizationPage, organization_page
from .product import ProductPage, product_page
from .rows import EVENT_CAP, LIST_CAP, RESOLUTION_CAP
from .shareholders import OrganizationVotes, organization_votes_page

__all__ = [
    "EVENT_CAP",
    "LIST_CAP",
    "RESOLUTION_CAP",
    "CoalitionPage",
    "OrganizationPage",
    "OrganizationVotes",
    "ProductPage",
    "campaign_page",
    "coalition_page",
    "organization_page",
    "organization_votes_page",
    "product_page",
]
