from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests import factories as f
from tests.rekognition import build_case

pytestmark = pytest.mark.django_db


def _url(slug: str) -> str:
    return reverse("controversies:coalition", args=[slug])


def test_it_lists_members_with_their_dates_and_roles(client):
    case = build_case()
    response = client.get(_url(case.coalition.slug))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Face surveillance coalition</h1>" in html
    assert case.aclu.get_absolute_url() in html
    assert "<td>lead</td><td>15 Jan 2019</td><td>still a member</td>" in html
    assert "<td>member</td><td>15 Jan 2019</td><td>31 Dec 2020</td>" in html


def test_it_lists_the_actions_it_signed_and_its_campaigns(client):
    case = build_case()
    html = client.get(_url(case.coalition.slug)).content.decode()
    assert "Coalition of 85+ groups writes to Amazon, Microsoft and Google" in html
    assert "15 January 2019" in html
    assert case.campaign.get_absolute_url() in html


def test_it_says_when_nothing_is_recorded(client):
    coalition = f.CoalitionFactory()
    html = client.get(_url(coalition.slug)).content.decode()
    assert "No members recorded yet." in html and "No actions recorded yet." in html


def test_it_returns_404_for_an_unknown_coalition(client):
    assert client.get(_url("nope")).status_code == 404


def test_it_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    coalition = f.CoalitionFactory()
    for i in range(40):
        f.CoalitionMembershipFactory(coalition=coalition, joined_on=dt.date(2019, 1, 1 + i % 28))
        event = f.EventFactory()
        f.EventActorFactory(event=event)
        coalition.actions.add(event)
        f.CampaignFactory(organising_coalition=coalition)
    with django_assert_max_num_queries(6):
        response = client.get(_url(coalition.slug))
    assert response.content.decode().count("<tr><td><a href=") == 40
