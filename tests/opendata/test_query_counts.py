"""Listings cost a fixed number of queries, however many rows they return."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from controversies.models import Organization
from tests import factories

pytestmark = pytest.mark.django_db

URLS = [
    "/api/controversies",
    "/api/controversies/amazon-rekognition",
    "/api/events",
    "/api/organizations",
    "/api/products",
    "/api/coalitions",
    "/api/campaigns",
    "/api/resolutions",
    "/api/sources",
    "/feeds/events/",
    "/feeds/organizations/aclu/",
    "/feeds/resolutions/",
    "/exports/controversies.csv",
    "/exports/controversies/amazon-rekognition/timeline.json",
    "/exports/resolutions.csv",
]


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(queries)


def _grow(world) -> None:
    """Three more of everything, wired to the same controversy, company and group."""
    aclu = Organization.objects.get(slug="aclu")
    for _ in range(3):
        controversy = factories.ControversyFactory(
            companies=[world.amazon], products=[factories.ProductFactory()],
            topics=[factories.TopicFactory()],
        )  # fmt: skip
        for target in (controversy, world.rekognition):
            event = factories.EventFactory(controversy=target)
            factories.EventSourceFactory(event=event)
            factories.EventActorFactory(event=event, organization=aclu)
        coalition = factories.CoalitionFactory()
        factories.CoalitionMembershipFactory(coalition=coalition)
        campaign = factories.CampaignFactory(organisers=[aclu], targets=[world.amazon])
        factories.DemandStatusFactory(demand=factories.DemandFactory(campaign=campaign))
        resolution = factories.ShareholderResolutionFactory(co_filers=[aclu])
        factories.VoteResultFactory(resolution=resolution)
        factories.ProxyAdviserRecommendationFactory(resolution=resolution)


@pytest.mark.parametrize("url", URLS)
def test_it_uses_a_fixed_number_of_queries(client, world, url):
    before = _queries(client, url)
    _grow(world)
    assert _queries(client, url) == before
