"""A small world for the open-data tests: two companies, three controversies, events
with sources and actors, a coalition, a campaign and a voted resolution."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from controversies import services
from controversies.models import Controversy, EventActor, Organization
from tests import factories


@pytest.fixture(autouse=True)
def _generous_rate_limit(settings) -> None:
    # The 429 tests lower it again; other tests make many requests from one client.
    settings.API_RATE_LIMIT = "100000/m"


@dataclass
class World:
    amazon: Organization
    google: Organization
    aclu: Organization
    rekognition: Controversy
    maven: Controversy
    dormant: Controversy


@pytest.fixture
def world(db) -> World:
    amazon = factories.CompanyFactory(name="Amazon", slug="amazon", sec_cik="0001018724")
    google = factories.CompanyFactory(name="Google", slug="google", wikidata_id="Q95")
    aclu = factories.AdvocacyGroupFactory(name="ACLU", slug="aclu")
    facial = factories.TopicFactory(name="Facial recognition", slug="facial-recognition")
    military = factories.TopicFactory(name="Military use", slug="military-use")
    product = factories.ProductFactory(name="Rekognition", slug="rekognition", developer=amazon)

    rekognition = factories.ControversyFactory(
        title="Amazon Rekognition sold to police",
        slug="amazon-rekognition",
        started_on=dt.date(2018, 5, 22),
        companies=[amazon],
        products=[product],
        topics=[facial],
        aiid_incident_id=42,
    )
    maven = factories.ControversyFactory(
        title="Project Maven",
        slug="project-maven",
        started_on=dt.date(2018, 3, 6),
        status=Controversy.Status.RESOLVED,
        companies=[google],
        topics=[military],
        aiaaic_id="AIAAIC0123",
    )
    dormant = factories.ControversyFactory(
        title="Old chatbot",
        slug="old-chatbot",
        started_on=dt.date(2016, 3, 23),
        status=Controversy.Status.DORMANT,
    )

    letter_source = factories.SourceFactory(
        url="https://www.aclu.org/letter", title="ACLU letter to Amazon"
    )
    test_source = factories.SourceFactory(
        url="https://www.aclu.org/blog/rekognition-test", title="28 members of Congress"
    )
    services.event_create(
        controversy=rekognition,
        occurred_on=dt.date(2018, 5, 22),
        title="ACLU reveals sales to police",
        summary="Documents show Rekognition sold to police departments.",
        kind="report",
        actors=[(aclu, EventActor.Role.AUTHOR), (amazon, EventActor.Role.TARGET)],
        sources=[letter_source],
    )
    services.event_create(
        controversy=rekognition,
        occurred_on=dt.date(2018, 7, 26),
        title="Test misidentifies 28 members of Congress",
        summary="The ACLU's test matched lawmakers to mugshots.",
        kind="research",
        actors=[(aclu, EventActor.Role.AUTHOR)],
        sources=[test_source, letter_source],
    )
    services.event_create(
        controversy=maven,
        occurred_on=dt.date(2018, 6, 1),
        title="Google will not renew Maven",
        kind="company_response",
        sources=[factories.SourceFactory(url="https://news.example.org/maven")],
    )
    services.event_create(
        controversy=dormant, occurred_on=dt.date(2016, 1, 1), precision="year", title="Launch"
    )
    coalition = factories.CoalitionFactory(name="Face surveillance coalition", slug="fsc")
    factories.CoalitionMembershipFactory(coalition=coalition, organization=aclu)
    coalition.actions.add(rekognition.events.first())
    campaign = factories.CampaignFactory(
        name="Stop selling Rekognition",
        slug="stop-rekognition",
        organisers=[aclu],
        targets=[amazon],
        controversies=[rekognition],
    )
    demand = factories.DemandFactory(campaign=campaign)
    factories.DemandStatusFactory(demand=demand)
    meeting = factories.ShareholderMeetingFactory(company=amazon, held_on=dt.date(2019, 5, 22))
    resolution = factories.ShareholderResolutionFactory(
        meeting=meeting,
        slug="amazon-2019-rekognition",
        title="Ban sales to government",
        controversy=rekognition,
        topics=[facial],
        co_filers=[aclu],
    )
    factories.VoteResultFactory(resolution=resolution)
    factories.ProxyAdviserRecommendationFactory(resolution=resolution)
    other_meeting = factories.ShareholderMeetingFactory(company=google, held_on=dt.date(2021, 6, 2))
    factories.ShareholderResolutionFactory(
        meeting=other_meeting, slug="google-2021-ai", title="Report on AI"
    )
    return World(amazon, google, aclu, rekognition, maven, dormant)
