"""The entity, resolution and search pages on the demo data that `make demo` loads."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from controversies.demo import CASE_SLUG
from controversies.models import Campaign, Coalition, Organization, Product, ShareholderResolution

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo() -> None:
    call_command("load_demo", stdout=StringIO())


def test_it_makes_the_case_the_top_search_result_for_rekognition(client, demo):
    results = client.get(reverse("controversies:search"), {"q": "Rekognition"}).context["results"]
    assert results.groups[0].key == "controversies"
    assert results.groups[0].hits[0].url == f"/controversies/{CASE_SLUG}/"


def test_it_links_the_2019_votes_from_the_company_page(client, demo):
    """The company page brings in its shareholder record (HTMX), which links each vote."""
    amazon = Organization.objects.get(slug="amazon")
    page = client.get(amazon.get_absolute_url()).content.decode()
    record_url = reverse("controversies:organization_votes", args=["amazon"])
    assert f'hx-get="{record_url}"' in page and "Response record" in page
    html = client.get(record_url, headers={"HX-Request": "true"}).content.decode()
    votes_2019 = ShareholderResolution.objects.filter(
        meeting__company=amazon, meeting__held_on__year=2019
    )
    assert votes_2019.count() == 2
    for resolution in votes_2019:
        assert f'href="{resolution.get_absolute_url()}"' in html
    assert "<svg" in html


def test_it_shows_the_2019_ban_vote_at_about_two_and_a_half_percent(client, demo):
    ban = ShareholderResolution.objects.get(
        meeting__company__slug="amazon", meeting__held_on__year=2019, item_number="6"
    )
    response = client.get(ban.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    support = ban.vote.headline_support
    assert support is not None and 2 <= support <= 3
    assert f"{support}%" in html


@pytest.mark.parametrize(
    ("url", "budget"),
    [
        # An organisation page: 12 queries, and 2 more while its record is not cached.
        ("/organizations/aclu/", 14),
        ("/organizations/open-mic/", 14),
        ("/resolutions/", 12),
        ("/resolutions/?year=2019", 12),
    ],
)
def test_it_serves_the_demo_pages_within_budget(
    client, demo, url, budget, django_assert_max_num_queries
):
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200


def test_it_serves_every_demo_coalition_campaign_and_product(client, demo):
    for model in (Campaign, Coalition, Product):
        for row in model.objects.all():
            assert client.get(row.get_absolute_url()).status_code == 200
