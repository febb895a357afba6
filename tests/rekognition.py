"""A compact version of the reference case (Amazon Rekognition) for view and browser tests.

Figures follow /work/shared/cases/amazon-rekognition.md; texts are our own words.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from controversies import models
from controversies.services import controversy_refresh_last_event
from tests import factories as f

D = dt.date
# A result known only as a reported percentage: no share counts at all.
NO_COUNTS = {
    "votes_for": None,
    "votes_against": None,
    "abstentions": None,
    "broker_non_votes": None,
    "shares_outstanding": None,
}


@dataclass
class Case:
    amazon: models.Organization
    aclu: models.Organization
    open_mic: models.Organization
    brentwood: models.Organization
    harrington: models.Organization
    iss: models.Organization
    rekognition: models.Product
    controversy: models.Controversy
    coalition: models.Coalition
    campaign: models.Campaign
    ban: models.ShareholderResolution
    study: models.ShareholderResolution
    audit_2021: models.ShareholderResolution


def build_case() -> Case:
    org = models.Organization.Kind
    amazon = f.CompanyFactory(
        name="Amazon", slug="amazon", ticker="AMZN", sec_cik="0001018724", wikidata_id="Q3884"
    )
    aclu = f.AdvocacyGroupFactory(
        name="American Civil Liberties Union", slug="aclu", aliases="ACLU"
    )
    eff = f.AdvocacyGroupFactory(name="Electronic Frontier Foundation", slug="eff")
    open_mic = f.OrganizationFactory(name="Open MIC", slug="open-mic", kind=org.INVESTOR)
    brentwood = f.InvestorFactory(name="Sisters of St. Joseph of Brentwood", slug="ssj-brentwood")
    tri_state = f.InvestorFactory(
        name="Tri-State Coalition for Responsible Investment", slug="tri-state"
    )
    harrington = f.InvestorFactory(name="Harrington Investments", slug="harrington")
    iss = f.OrganizationFactory(name="ISS", slug="iss", kind=org.OTHER)
    topic = f.TopicFactory(name="Facial recognition", slug="facial-recognition")
    policing = f.TopicFactory(name="Policing", slug="policing")
    rekognition = f.ProductFactory(
        name="Rekognition",
        slug="rekognition",
        developer=amazon,
        description="Amazon's image and video analysis service, with face matching.",
    )
    controversy = f.ControversyFactory(
        title="Amazon Rekognition sold to police",
        slug="amazon-rekognition",
        summary="Amazon marketed its face matching service to police forces; civil rights "
        "groups, employees and shareholders pushed back until a moratorium in 2020.",
    )
    controversy.companies.add(amazon)
    controversy.products.add(rekognition)
    controversy.topics.add(topic, policing)

    reveal = f.EventFactory(
        controversy=controversy,
        occurred_on=D(2018, 5, 22),
        kind="report",
        title="ACLU shows Amazon is pitching Rekognition to police",
    )
    f.EventActorFactory(event=reveal, organization=aclu, role="author")
    f.EventActorFactory(event=reveal, organization=amazon, role="target")
    letter = f.EventFactory(
        controversy=controversy,
        occurred_on=D(2019, 1, 15),
        kind="open_letter",
        title="Coalition of 85+ groups writes to Amazon, Microsoft and Google",
    )
    f.EventActorFactory(event=letter, organization=aclu, role="signatory")
    no_comment = f.EventFactory(
        controversy=controversy,
        occurred_on=D(2019, 1, 17),
        kind="no_comment",
        title="Amazon declines to comment on the shareholder resolution",
    )
    f.EventActorFactory(event=no_comment, organization=amazon, role="respondent")
    moratorium = f.EventFactory(
        controversy=controversy,
        occurred_on=D(2020, 6, 10),
        kind="policy_change",
        title="Amazon pauses police use of Rekognition for a year",
    )
    f.EventActorFactory(event=moratorium, organization=amazon, role="actor")
    source = f.SourceFactory(
        url="https://www.aclu.org/press-releases/pressure-mounts-amazon-microsoft-and-google",
        title="Pressure mounts on Amazon, Microsoft and Google over face surveillance",
        publisher="ACLU",
        published_on=D(2019, 1, 15),
    )
    models.EventSource.objects.create(event=letter, source=source, position=1)

    coalition = f.CoalitionFactory(
        name="Face surveillance coalition",
        slug="face-surveillance-coalition",
        formed_on=D(2019, 1, 15),
    )
    f.CoalitionMembershipFactory(
        coalition=coalition, organization=aclu, role="lead", joined_on=D(2019, 1, 15)
    )
    f.CoalitionMembershipFactory(
        coalition=coalition, organization=eff, joined_on=D(2019, 1, 15), left_on=D(2020, 12, 31)
    )
    coalition.actions.add(letter)

    campaign = f.CampaignFactory(
        name="Stop selling Rekognition to government",
        slug="stop-rekognition-sales",
        started_on=D(2018, 5, 22),
        organising_coalition=coalition,
    )
    campaign.organisers.add(aclu)
    campaign.targets.add(amazon)
    campaign.controversies.add(controversy)
    halt = f.DemandFactory(
        campaign=campaign, text="Stop selling face surveillance to police", position=1
    )
    f.DemandStatusFactory(demand=halt, status="made", on=D(2018, 5, 22))
    f.DemandStatusFactory(
        demand=halt,
        status="committed",
        on=D(2020, 6, 10),
        note="One-year moratorium on police use.",
    )
    f.DemandStatusFactory(
        demand=halt,
        status="met",
        on=D(2021, 5, 18),
        note="Moratorium extended until further notice.",
    )
    ice = f.DemandFactory(campaign=campaign, text="Stop pitching Rekognition to ICE", position=2)
    f.DemandStatusFactory(demand=ice, status="made", on=D(2018, 6, 1))

    meeting = f.ShareholderMeetingFactory(
        company=amazon, held_on=D(2019, 5, 22), location="Seattle"
    )
    ban = f.ShareholderResolutionFactory(
        meeting=meeting,
        item_number="6",
        slug="amazon-2019-item-6",
        title="Prohibit sales of facial recognition to government",
        ask="Stop sales to government agencies unless the board finds, after an independent "
        "review, that the technology does not cause or contribute to rights violations.",
        lead_filer=brentwood,
        organiser=open_mic,
        filed_on=D(2019, 1, 17),
        board_recommendation="against",
        controversy=controversy,
        campaign=campaign,
    )
    ban.co_filers.add(tri_state)
    ban.topics.add(topic)
    f.VoteResultFactory(
        resolution=ban,
        **NO_COUNTS,
        reported_support_pct=Decimal("2.40"),
        reported_basis="of votes cast, as reported by Reuters",
        passed=False,
    )
    f.ProxyAdviserRecommendationFactory(resolution=ban, adviser=iss, recommendation="against")
    study = f.ShareholderResolutionFactory(
        meeting=meeting,
        item_number="7",
        slug="amazon-2019-item-7",
        title="Independent study of Rekognition",
        lead_filer=harrington,
        board_recommendation="against",
        controversy=controversy,
    )
    study.topics.add(topic)
    # Round illustrative counts chosen to give 27.5% of for+against; not Amazon's 8-K figures.
    f.VoteResultFactory(
        resolution=study,
        votes_for=275_000_000,
        votes_against=725_000_000,
        abstentions=100_000_000,
        broker_non_votes=50_000_000,
        shares_outstanding=None,
        passed=False,
    )
    f.ProxyAdviserRecommendationFactory(resolution=study, adviser=iss, recommendation="for")
    meeting_2021 = f.ShareholderMeetingFactory(company=amazon, held_on=D(2021, 5, 26))
    audit = f.ShareholderResolutionFactory(
        meeting=meeting_2021,
        item_number="9",
        slug="amazon-2021-item-9",
        title="Independent audit of government use of Rekognition",
        lead_filer=harrington,
        board_recommendation="against",
        status="voted",
    )
    audit.topics.add(policing)
    f.VoteResultFactory(
        resolution=audit,
        **NO_COUNTS,
        reported_support_pct=Decimal("35.00"),
        reported_basis="of votes cast",
    )
    controversy_refresh_last_event(controversy=controversy)
    return Case(
        amazon,
        aclu,
        open_mic,
        brentwood,
        harrington,
        iss,
        rekognition,
        controversy,
        coalition,
        campaign,
        ban,
        study,
        audit,
    )
