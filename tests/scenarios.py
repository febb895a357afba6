"""Small, realistic data sets built from the factories, shared by view and browser tests.

``rekognition_world()`` is a cut-down version of the demo's reference case plus two
unrelated controversies, so that every filter has something to keep and something to drop.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from controversies.models import Controversy, Event, EventActor, Organization
from controversies.services import controversy_refresh_last_event
from tests import factories as f


def add_event(**fields: object) -> Event:
    """An event from the factory, with its controversy's last-event date kept up to date
    (as services.event_create does), so lists sort by activity as they would live."""
    event = f.EventFactory(**fields)
    for controversy in event.controversies.all():
        controversy_refresh_last_event(controversy=controversy)
    return event


@dataclass
class World:
    rekognition: Controversy
    face_id: Controversy
    chatbot: Controversy
    amazon: Organization
    microsoft: Organization
    aclu: Organization
    open_mic: Organization
    eff: Organization


def rekognition_world() -> World:
    amazon = f.CompanyFactory(name="Amazon", slug="amazon")
    microsoft = f.CompanyFactory(name="Microsoft", slug="microsoft")
    aclu = f.AdvocacyGroupFactory(name="American Civil Liberties Union", slug="aclu")
    eff = f.AdvocacyGroupFactory(name="Electronic Frontier Foundation", slug="eff")
    open_mic = f.InvestorFactory(name="Open MIC", slug="open-mic")
    brentwood = f.InvestorFactory(name="Sisters of St. Joseph of Brentwood", slug="ssj-brentwood")
    rekognition_product = f.ProductFactory(name="Rekognition", slug="rekognition", developer=amazon)
    face_api = f.ProductFactory(name="Face API", slug="face-api", developer=microsoft)
    facial = f.TopicFactory(name="Facial recognition", slug="facial-recognition")
    policing = f.TopicFactory(name="Policing", slug="policing")
    misinformation = f.TopicFactory(name="Misinformation", slug="misinformation")

    rekognition = f.ControversyFactory(
        title="Amazon Rekognition sold to police",
        slug="amazon-rekognition",
        summary="Amazon marketed face matching to police; rights groups and shareholders objected.",
        status=Controversy.Status.RESOLVED,
        companies=[amazon],
        products=[rekognition_product],
        topics=[facial, policing],
        started_on=dt.date(2018, 5, 22),
    )
    marketing = add_event(
        controversy=rekognition,
        occurred_on=dt.date(2018, 5, 22),
        kind="report",
        title="ACLU reveals Rekognition marketed to police",
        summary="Records show Amazon pitching face matching to police in Orlando and Oregon.",
    )
    f.EventActorFactory(event=marketing, organization=aclu, role=EventActor.Role.AUTHOR)
    f.EventActorFactory(event=marketing, organization=amazon, role=EventActor.Role.TARGET)
    f.EventSourceFactory(
        event=marketing,
        position=1,
        source=f.SourceFactory(
            url="https://www.aclu.org/rekognition-police",
            title="Amazon teams up with police",
            publisher="ACLU",
            published_on=dt.date(2018, 5, 22),
        ),
        quote="Amazon is marketing Rekognition to police.",
    )
    congress = add_event(
        controversy=rekognition,
        occurred_on=dt.date(2018, 7, 26),
        kind="research",
        title="Test matches 28 members of Congress to mugshots",
        summary="The ACLU's test falsely matched 28 members of Congress with arrest photos.",
    )
    f.EventActorFactory(event=congress, organization=aclu, role=EventActor.Role.AUTHOR)
    letter = add_event(
        controversy=rekognition,
        occurred_on=dt.date(2018, 6, 1),
        occurred_on_precision="month",
        kind="open_letter",
        title="Employees ask Amazon to stop selling to police",
        summary="About 450 employees signed a letter to the chief executive.",
    )
    f.EventActorFactory(event=letter, organization=amazon, role=EventActor.Role.TARGET)
    coalition_letter = add_event(
        controversy=rekognition,
        occurred_on=dt.date(2019, 1, 15),
        kind="open_letter",
        title="Coalition of 85 groups writes to Amazon, Microsoft and Google",
        summary="Rights groups ask three companies not to sell face surveillance to government.",
    )
    f.EventActorFactory(event=coalition_letter, organization=aclu, role=EventActor.Role.ORGANISER)
    vote_event = add_event(
        controversy=rekognition,
        occurred_on=dt.date(2019, 5, 22),
        kind="shareholder_vote",
        title="Shareholders vote down the Rekognition proposals",
        summary="Both proposals failed at the annual meeting; the ban won about 2.4%.",
    )
    f.EventActorFactory(event=vote_event, organization=open_mic, role=EventActor.Role.ORGANISER)
    moratorium = add_event(
        controversy=rekognition,
        occurred_on=dt.date(2020, 4, 1),
        occurred_on_precision="quarter",
        kind="policy_change",
        title="Amazon pauses police use of Rekognition",
        summary="A one-year moratorium on police use.",
    )
    f.EventActorFactory(event=moratorium, organization=amazon, role=EventActor.Role.ACTOR)
    add_event(
        controversy=rekognition,
        occurred_on=dt.date(2021, 1, 1),
        occurred_on_precision="year",
        kind="policy_change",
        title="Moratorium extended until further notice",
        summary="The pause becomes indefinite.",
    )

    coalition = f.CoalitionFactory(name="Face surveillance coalition", slug="face-coalition")
    coalition.actions.add(coalition_letter)
    f.CoalitionMembershipFactory(coalition=coalition, organization=aclu)
    f.CoalitionMembershipFactory(coalition=coalition, organization=eff)
    f.CampaignFactory(
        name="Stop selling Rekognition to government",
        slug="rekognition-shareholders",
        organisers=[open_mic],
        targets=[amazon],
        controversies=[rekognition],
    )
    meeting = f.ShareholderMeetingFactory(company=amazon, held_on=dt.date(2019, 5, 22))
    ban = f.ShareholderResolutionFactory(
        meeting=meeting,
        item_number="6",
        title="Ban sales of facial recognition to government",
        slug="amazon-2019-rekognition-ban",
        lead_filer=brentwood,
        organiser=open_mic,
        controversy=rekognition,
    )
    # Known only as a reported percentage: no share counts.
    f.VoteResultFactory(
        resolution=ban,
        votes_for=None,
        votes_against=None,
        abstentions=None,
        broker_non_votes=None,
        shares_outstanding=None,
        reported_support_pct=Decimal("2.40"),
        passed=False,
    )
    study = f.ShareholderResolutionFactory(
        meeting=meeting,
        item_number="7",
        title="Independent study of Rekognition",
        slug="amazon-2019-rekognition-study",
        controversy=rekognition,
    )
    f.VoteResultFactory(
        resolution=study,
        votes_for=275,
        votes_against=700,
        abstentions=25,
        broker_non_votes=None,
        shares_outstanding=None,
        passed=False,
    )

    face_id = f.ControversyFactory(
        title="Microsoft face API and police",
        slug="microsoft-face-api",
        status=Controversy.Status.ONGOING,
        companies=[microsoft],
        products=[face_api],
        topics=[facial],
    )
    face_event = add_event(
        controversy=face_id,
        occurred_on=dt.date(2020, 6, 11),
        kind="company_response",
        title="Microsoft stops selling face recognition to police",
        summary="Microsoft waits for a federal law.",
    )
    f.EventActorFactory(event=face_event, organization=eff, role=EventActor.Role.ACTOR)
    # The coalition's campaign touches this controversy too, so filtering by coalition
    # or by a coalition member finds it.
    campaign = f.CampaignFactory(
        name="No face surveillance", slug="no-face-surveillance", controversies=[face_id]
    )
    campaign.organising_coalition = coalition
    campaign.save()

    chatbot = f.ControversyFactory(
        title="Chatbot spreads election falsehoods",
        slug="chatbot-falsehoods",
        status=Controversy.Status.DORMANT,
        companies=[microsoft],
        topics=[misinformation],
    )
    add_event(
        controversy=chatbot,
        occurred_on=dt.date(2023, 11, 2),
        kind="report",
        title="Researchers catalogue wrong election answers",
        summary="A study finds a third of answers wrong.",
    )
    return World(
        rekognition=rekognition,
        face_id=face_id,
        chatbot=chatbot,
        amazon=amazon,
        microsoft=microsoft,
        aclu=aclu,
        open_mic=open_mic,
        eff=eff,
    )
