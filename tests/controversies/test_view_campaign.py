from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests import factories as f
from tests.rekognition import build_case

pytestmark = pytest.mark.django_db


def _url(slug: str) -> str:
    return reverse("controversies:campaign", args=[slug])


def test_it_shows_organisers_targets_and_controversies(client):
    case = build_case()
    response = client.get(_url(case.campaign.slug))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Stop selling Rekognition to government</h1>" in html
    assert case.aclu.get_absolute_url() in html
    assert case.coalition.get_absolute_url() in html
    assert f'<dt>Aimed at</dt><dd><a href="{case.amazon.get_absolute_url()}">' in html
    assert case.controversy.get_absolute_url() in html
    assert case.ban.get_absolute_url() in html


def test_it_shows_each_demand_with_its_status_history(client):
    case = build_case()
    html = client.get(_url(case.campaign.slug)).content.decode()
    halt, ice = html.split('id="demand-')[1:3]
    assert "Stop selling face surveillance to police" in halt
    assert 'Now: <strong class="status status-met">Met</strong>' in halt
    # History in date order: made, committed, met.
    assert halt.index("22 May 2018") < halt.index("10 Jun 2020") < halt.index("18 May 2021")
    assert "One-year moratorium on police use." in halt
    assert 'Now: <strong class="status status-made">Made</strong>' in ice


def test_it_says_when_no_demand_is_recorded(client):
    campaign = f.CampaignFactory()
    assert "No demands recorded yet." in client.get(_url(campaign.slug)).content.decode()


def test_it_returns_404_for_an_unknown_campaign(client):
    assert client.get(_url("nope")).status_code == 404


def test_it_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    campaign = f.CampaignFactory()
    for i in range(30):
        demand = f.DemandFactory(campaign=campaign, position=i)
        f.DemandStatusFactory(demand=demand, status="made")
        f.DemandStatusFactory(
            demand=demand, status="responded", on=dt.date(2019, 2, 1), source=f.SourceFactory()
        )
        campaign.organisers.add(f.AdvocacyGroupFactory())
        campaign.targets.add(f.CompanyFactory())
        campaign.controversies.add(f.ControversyFactory())
        f.ShareholderResolutionFactory(campaign=campaign)
    with django_assert_max_num_queries(8):
        response = client.get(_url(campaign.slug))
    assert response.content.decode().count('class="demand"') == 30
