"""alerts.targets: the controversies each kind of subscription follows, its name and page."""

from __future__ import annotations

import pytest

from alerts import targets
from alerts.models import Subscription, Webhook
from controversies.models import Campaign, EventActor
from tests.factories import (
    AdvocacyGroupFactory,
    CampaignFactory,
    CoalitionFactory,
    CoalitionMembershipFactory,
    CompanyFactory,
    ControversyFactory,
    EventActorFactory,
    EventFactory,
)

pytestmark = pytest.mark.django_db
Kind = Subscription.Kind


def test_each_kind_selects_what_its_page_shows():
    amazon = CompanyFactory(name="Amazon", slug="amazon")
    aclu = AdvocacyGroupFactory(name="ACLU", slug="aclu")
    rekognition = ControversyFactory(title="Rekognition", companies=[amazon])
    other = ControversyFactory(title="Other")
    letter = EventFactory(controversy=other)
    EventActorFactory(event=letter, organization=aclu, role=EventActor.Role.SIGNATORY)
    coalition = CoalitionFactory(actions=[letter])
    campaign = CampaignFactory(controversies=[rekognition])

    def ids(**fields):
        return targets.controversy_ids(Subscription(**fields))

    assert ids(kind=Kind.CONTROVERSY, controversy=other) == {other.pk}
    assert ids(kind=Kind.COMPANY, organization=amazon) == {rekognition.pk}
    assert ids(kind=Kind.ACTOR, organization=aclu) == {other.pk}
    assert ids(kind=Kind.CAMPAIGN, campaign=campaign) == {rekognition.pk}
    assert ids(kind=Kind.COALITION, coalition=coalition) == {other.pk}
    assert ids(kind=Kind.FILTER, query="company=amazon") == {rekognition.pk}
    assert ids(kind=Kind.FILTER, query="") is None
    assert targets.controversy_ids(Webhook(query="organisation=ACLU")) == {other.pk}
    assert (
        targets.controversy_ids(Subscription(kind=Kind.FILTER, query=""), within=[other.pk]) is None
    )


def test_a_filter_that_no_longer_validates_follows_nothing():
    ControversyFactory()
    gone = Subscription(kind=Kind.FILTER, query="company=acme-that-was-deleted")
    assert targets.controversy_ids(gone) == set()


def test_names_and_pages():
    amazon = CompanyFactory(name="Amazon", slug="amazon")
    case = ControversyFactory(title="Rekognition", slug="rekognition")
    assert targets.describe(Subscription(kind=Kind.CONTROVERSY, controversy=case)) == (
        "Timeline of Rekognition"
    )
    assert targets.describe(Subscription(kind=Kind.COMPANY, organization=amazon)) == (
        "Controversies targeting Amazon"
    )
    assert targets.describe(Subscription(kind=Kind.FILTER, query="company=amazon")) == (
        "Controversies filtered by company “Amazon”"
    )
    assert targets.target_url(Subscription(kind=Kind.COMPANY, organization=amazon)) == (
        "/organizations/amazon/"
    )
    assert targets.target_url(Subscription(kind=Kind.FILTER, query="topic=x&company=amazon")) == (
        "/controversies/?company=amazon&topic=x"
    )
    assert targets.target_url(Subscription(kind=Kind.CONTROVERSY, controversy=case)) == (
        "/controversies/rekognition/"
    )


def test_reading_every_record_at_once_agrees_with_one_at_a_time():
    """GIVEN organisations linked to controversies by every path the filters know (target
    company, event actor, campaign organiser, member of a coalition that signed an event
    or organised a campaign) WHEN the selections of every record are read at once THEN
    each equals the one-at-a-time rule's answer, within the same controversies."""
    amazon, ibm = CompanyFactory(), CompanyFactory()
    aclu, eff, fight = AdvocacyGroupFactory(), AdvocacyGroupFactory(), AdvocacyGroupFactory()
    cases = [ControversyFactory(companies=[amazon]), ControversyFactory(companies=[ibm])]
    cases += [ControversyFactory(), ControversyFactory(companies=[amazon, ibm])]
    letter = EventFactory(controversy=[cases[0], cases[2]])
    EventActorFactory(event=letter, organization=aclu, role=EventActor.Role.SIGNATORY)
    coalition = CoalitionFactory(actions=[letter])
    CoalitionMembershipFactory(coalition=coalition, organization=eff)
    organised_by = CoalitionFactory()
    CoalitionMembershipFactory(coalition=organised_by, organization=fight)
    CampaignFactory(controversies=[cases[1]], organisers=[aclu])
    CampaignFactory(controversies=[cases[3]], organising_coalition=organised_by)
    records = {
        Kind.COMPANY: [amazon, ibm, aclu],
        Kind.ACTOR: [amazon, aclu, eff, fight],
        Kind.COALITION: [coalition, organised_by],
        Kind.CAMPAIGN: list(Campaign.objects.all()),
    }
    within = {cases[0].pk, cases[1].pk, cases[3].pk}
    for kind, found in records.items():
        at_once = targets.selections_of_kind(kind, within)
        field = Subscription.TARGET_FIELD[kind]
        for record in found:
            one = targets.controversy_ids(Subscription(kind=kind, **{field: record}), within)
            assert at_once.get(record.pk, frozenset()) == one, (kind, record)
    assert targets.selections_of_kind(Kind.ACTOR, within)[fight.pk] == {cases[3].pk}
    assert targets.selections_of_kind(Kind.ACTOR, within)[eff.pk] == {cases[0].pk}
