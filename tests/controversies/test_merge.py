"""Merging duplicate organisations: every reference moves, names become aliases,
collisions are resolved by dropping the duplicate row, and history records it."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.test import Client
from django.urls import reverse

from alerts.models import Subscriber, Subscription
from controversies.models import (
    CoalitionMembership,
    EventActor,
    Organization,
    ProxyAdviserRecommendation,
    ShareholderMeeting,
    ShareholderResolution,
)
from controversies.selectors import organization_reference_counts
from controversies.services import organization_merge
from tests import factories as f

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:controversies_organization_changelist")


def _counts(organization: Organization) -> Counter:
    return Counter(
        {(r.model.__name__, r.field): r.count for r in organization_reference_counts(organization)}
    )


def _relations_to_cover() -> int:
    """Relations to Organization, an explicit through model counting once."""
    return sum(
        1
        for rel in Organization._meta.related_objects
        if not (rel.many_to_many and not rel.through._meta.auto_created)
    )


def _reference_everything(org: Organization) -> dict[str, object]:
    """One row for every kind of reference to ``org``, none shared with another org."""
    resolution = f.ShareholderResolutionFactory(lead_filer=org, organiser=org, co_filers=[org])
    return {
        "subsidiary": f.OrganizationFactory(parent=org),
        "product": f.ProductFactory(developer=org),
        "controversy": f.ControversyFactory(companies=[org]),
        "actor": f.EventActorFactory(organization=org),
        "membership": f.CoalitionMembershipFactory(organization=org),
        "organised": f.CampaignFactory(organisers=[org]),
        "targeted": f.CampaignFactory(targets=[org]),
        "meeting": f.ShareholderMeetingFactory(company=org),
        "resolution": resolution,
        "recommendation": f.ProxyAdviserRecommendationFactory(adviser=org),
        "alert": Subscription.objects.create(
            subscriber=Subscriber.objects.create(email=f"{org.slug}@example.org"),
            kind=Subscription.Kind.COMPANY,
            organization=org,
        ),
    }


def test_it_moves_every_reference_to_the_survivor():
    survivor = f.CompanyFactory(name="Amazon")
    other = f.CompanyFactory(name="Amazon.com, Inc.")
    _reference_everything(survivor)
    rows = _reference_everything(other)
    # Guard: the scenario covers every relation the model has, so a relation added later
    # fails here until the test (and the merge) are checked against it.
    assert len(_counts(other)) == _relations_to_cover()
    expected = _counts(survivor) + _counts(other)

    organization_merge(survivor=survivor, others=[other])

    assert not Organization.objects.filter(pk=other.pk).exists()
    assert _counts(survivor) == expected
    for name, row in rows.items():
        row.refresh_from_db()
    assert rows["subsidiary"].parent == survivor
    assert rows["product"].developer == survivor
    assert list(rows["controversy"].companies.all()) == [survivor]
    assert rows["actor"].organization == survivor
    assert rows["membership"].organization == survivor
    assert list(rows["organised"].organisers.all()) == [survivor]
    assert list(rows["targeted"].targets.all()) == [survivor]
    assert rows["meeting"].company == survivor
    assert rows["resolution"].lead_filer == survivor
    assert rows["resolution"].organiser == survivor
    assert list(rows["resolution"].co_filers.all()) == [survivor]
    assert rows["recommendation"].adviser == survivor
    assert rows["alert"].organization == survivor


def test_it_merges_several_organisations_at_once():
    survivor = f.OrganizationFactory(name="Open MIC")
    others = [f.OrganizationFactory(name="OpenMIC"), f.OrganizationFactory(name="Open Mic")]
    products = [f.ProductFactory(developer=o) for o in others]

    report = organization_merge(survivor=survivor, others=others)

    assert sorted(report.merged_names) == ["Open Mic", "OpenMIC"]
    assert Organization.objects.filter(name__icontains="mic").count() == 1
    assert set(survivor.products.all()) == set(products)


def test_it_drops_a_row_that_would_duplicate_one_the_survivor_has():
    survivor, other = f.AdvocacyGroupFactory(name="ACLU"), f.AdvocacyGroupFactory(name="A.C.L.U.")
    coalition = f.CoalitionFactory()
    f.CoalitionMembershipFactory(coalition=coalition, organization=survivor, role="lead")
    f.CoalitionMembershipFactory(coalition=coalition, organization=other, role="member")
    event = f.EventFactory()
    f.EventActorFactory(event=event, organization=survivor, role="signatory")
    f.EventActorFactory(event=event, organization=other, role="signatory")
    f.EventActorFactory(event=event, organization=other, role="author")
    controversy = f.ControversyFactory(companies=[survivor, other])
    resolution = f.ShareholderResolutionFactory(co_filers=[survivor, other])
    f.ProxyAdviserRecommendationFactory(resolution=resolution, adviser=survivor)
    f.ProxyAdviserRecommendationFactory(resolution=resolution, adviser=other)

    report = organization_merge(survivor=survivor, others=[other])

    membership = CoalitionMembership.objects.get(coalition=coalition)
    assert (membership.organization, membership.role) == (survivor, "lead")
    roles = sorted(EventActor.objects.filter(event=event).values_list("role", flat=True))
    assert roles == ["author", "signatory"]
    assert list(controversy.companies.all()) == [survivor]
    assert list(resolution.co_filers.all()) == [survivor]
    assert ProxyAdviserRecommendation.objects.filter(resolution=resolution).count() == 1
    assert sum(report.dropped_duplicates.values()) == 3  # membership, actor, recommendation


def test_it_folds_a_duplicate_meeting_into_the_survivors_keeping_its_resolutions():
    """GIVEN both records of one company list the same annual meeting
    WHEN they are merged
    THEN one meeting remains, holding the resolutions of both; a resolution filed on both
    under the same item number is kept once, with the co-filers of both."""
    survivor, other = f.CompanyFactory(name="Amazon"), f.CompanyFactory(name="Amazon.com")
    day = dt.date(2019, 5, 22)
    kept_meeting = f.ShareholderMeetingFactory(company=survivor, held_on=day)
    dup_meeting = f.ShareholderMeetingFactory(company=other, held_on=day)
    sisters, harrington = f.InvestorFactory(), f.InvestorFactory()
    item6 = f.ShareholderResolutionFactory(meeting=kept_meeting, item_number="6")
    f.ShareholderResolutionFactory(meeting=dup_meeting, item_number="6", co_filers=[sisters])
    item7 = f.ShareholderResolutionFactory(
        meeting=dup_meeting, item_number="7", lead_filer=harrington
    )
    f.VoteResultFactory(resolution=item7)

    organization_merge(survivor=survivor, others=[other])

    assert list(ShareholderMeeting.objects.all()) == [kept_meeting]
    items = ShareholderResolution.objects.filter(meeting=kept_meeting)
    assert sorted(items.values_list("item_number", flat=True)) == ["6", "7"]
    assert list(item6.co_filers.all()) == [sisters]
    item7.refresh_from_db()
    assert item7.meeting == kept_meeting
    assert item7.vote.votes_for == 10_000_000


def test_it_keeps_names_and_aliases_as_aliases_of_the_survivor():
    survivor = f.CompanyFactory(name="Amazon", aliases="Amazon.com\nAMZN")
    other = f.CompanyFactory(name="Amazon.com, Inc.", aliases="amazon.com\nAWS\n\n")

    organization_merge(survivor=survivor, others=[other])

    survivor.refresh_from_db()
    assert survivor.name == "Amazon"
    assert survivor.alias_list == ["Amazon.com", "AMZN", "Amazon.com, Inc.", "AWS"]


def test_it_fills_the_survivors_blank_identifiers_only():
    survivor = f.CompanyFactory(name="Amazon", ticker="AMZN", sec_cik="", wikidata_id="")
    other = f.CompanyFactory(
        name="Amazon Inc", ticker="AMZ", sec_cik="0001018724", wikidata_id="Q3884"
    )

    organization_merge(survivor=survivor, others=[other])

    survivor.refresh_from_db()
    assert (survivor.ticker, survivor.sec_cik, survivor.wikidata_id) == (
        "AMZN",
        "0001018724",
        "Q3884",
    )


def test_it_never_makes_the_survivor_its_own_parent():
    holding = f.CompanyFactory(name="Holding")
    other = f.CompanyFactory(name="Amazon", parent=holding)
    survivor = f.CompanyFactory(name="AWS", parent=other)

    organization_merge(survivor=survivor, others=[other])

    survivor.refresh_from_db()
    assert survivor.parent == holding


def test_it_records_the_merge_in_history_with_its_author():
    user = f.EditorFactory()
    survivor, other = f.CompanyFactory(name="Amazon"), f.CompanyFactory(name="Amazon.com")
    product = f.ProductFactory(developer=other)

    organization_merge(survivor=survivor, others=[other], user=user)

    latest = survivor.history.first()
    assert latest.history_change_reason == "Merged Amazon.com into Amazon"
    assert latest.history_user == user
    deletion = Organization.history.filter(id=other.pk).first()
    assert deletion.history_type == "-"
    assert deletion.history_change_reason == "Merged Amazon.com into Amazon"
    moved = product.history.first()
    assert (moved.developer_id, moved.history_user) == (survivor.pk, user)


def test_it_refuses_a_merge_with_nothing_to_merge():
    survivor = f.CompanyFactory()
    with pytest.raises(ValueError):
        organization_merge(survivor=survivor, others=[survivor])
    assert Organization.objects.filter(pk=survivor.pk).exists()


# --- The admin action --------------------------------------------------------------------


def _select(*organizations: Organization) -> dict:
    return {"action": "merge_organizations", "_selected_action": [o.pk for o in organizations]}


def test_it_merges_through_the_admin_after_a_confirmation_page():
    editor = f.EditorFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    survivor, other = f.CompanyFactory(name="Amazon"), f.CompanyFactory(name="Amazon.com")
    f.ProductFactory(developer=other, name="Rekognition")

    # The changelist's action form carries a CSRF token like any admin form.
    token = client.get(CHANGELIST).cookies["csrftoken"].value
    confirm = client.post(
        CHANGELIST, {**_select(survivor, other), "index": 0, "csrfmiddlewaretoken": token}
    )
    assert confirm.status_code == 200
    page = confirm.content.decode()
    assert "csrfmiddlewaretoken" in page
    assert "1 product (developer)" in page
    assert Organization.objects.filter(pk=other.pk).exists()  # nothing happens yet

    data = {**_select(survivor, other), "confirm": "yes", "survivor": survivor.pk}
    assert client.post(CHANGELIST, data).status_code == 403  # no CSRF token
    response = client.post(CHANGELIST, {**data, "csrfmiddlewaretoken": token}, follow=True)

    assert "Merged Amazon.com into Amazon" in response.content.decode()
    assert not Organization.objects.filter(pk=other.pk).exists()
    assert survivor.products.get().name == "Rekognition"
    assert survivor.history.first().history_user == editor


def test_it_asks_again_when_no_survivor_is_chosen(client):
    client.force_login(f.EditorFactory())
    first, second = f.CompanyFactory(), f.CompanyFactory()
    response = client.post(CHANGELIST, {**_select(first, second), "confirm": "yes"})
    assert response.status_code == 200
    assert "Choose which organisation to keep" in response.content.decode()
    assert Organization.objects.count() == 2


def test_it_needs_two_organisations_to_merge(client):
    client.force_login(f.EditorFactory())
    only = f.CompanyFactory()
    response = client.post(CHANGELIST, {**_select(only), "index": 0}, follow=True)
    assert "Select at least two organisations" in response.content.decode()
    assert Organization.objects.filter(pk=only.pk).exists()


def test_it_does_not_offer_a_merge_to_a_curator_who_cannot_delete(client):
    client.force_login(f.CuratorFactory())
    first, second = f.CompanyFactory(), f.CompanyFactory()
    action_form = client.get(CHANGELIST).context["action_form"]
    assert action_form is None or "merge_organizations" not in dict(
        action_form.fields["action"].choices
    )
    data = {**_select(first, second), "confirm": "yes", "survivor": first.pk}
    client.post(CHANGELIST, data)
    assert Organization.objects.count() == 2
