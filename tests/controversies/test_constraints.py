"""Each database constraint rejects its bad row, whatever code path wrote it.

These write with ``objects.create`` / ``update`` so no form or ``clean()`` stands in the
way: the database itself must refuse. The suite runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from controversies.models import (
    Campaign,
    CoalitionMembership,
    Event,
    EventSource,
    Organization,
    Source,
    VoteResult,
)
from tests import factories as f

pytestmark = pytest.mark.django_db


def _rejected(write) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        write()


@pytest.mark.parametrize(
    "factory",
    [
        f.OrganizationFactory,
        f.ProductFactory,
        f.TopicFactory,
        f.ControversyFactory,
        f.CoalitionFactory,
        f.CampaignFactory,
        f.ShareholderResolutionFactory,
    ],
    ids=lambda factory: factory._meta.model.__name__,
)
def test_it_rejects_a_second_record_with_the_same_slug(factory):
    first = factory()
    second = factory()
    model = type(first)
    _rejected(lambda: model.objects.filter(pk=second.pk).update(slug=first.slug))
    assert model.objects.filter(slug=first.slug).count() == 1


@pytest.mark.parametrize(
    "factory",
    [
        f.OrganizationFactory,
        f.ProductFactory,
        f.ControversyFactory,
        f.CoalitionFactory,
        f.CampaignFactory,
    ],
    ids=lambda factory: factory._meta.model.__name__,
)
def test_it_rejects_an_empty_slug(factory):
    row = factory()
    _rejected(lambda: type(row).objects.filter(pk=row.pk).update(slug=""))


def test_it_rejects_two_sources_with_the_same_canonical_url():
    f.SourceFactory(url="https://example.org/a", canonical_url="https://example.org/a")
    _rejected(
        lambda: Source.objects.create(
            url="https://example.org/a?utm_source=x", canonical_url="https://example.org/a"
        )
    )
    assert Source.objects.count() == 1


def test_it_rejects_a_source_without_a_canonical_url():
    _rejected(lambda: Source.objects.create(url="https://example.org/b", canonical_url=""))


@pytest.mark.parametrize(
    "field",
    ["votes_for", "votes_against", "abstentions", "broker_non_votes", "shares_outstanding"],
)
def test_it_rejects_a_negative_vote_count(field):
    vote = f.VoteResultFactory()
    _rejected(lambda: VoteResult.objects.filter(pk=vote.pk).update(**{field: -1}))


def test_it_rejects_a_negative_citation_position():
    citation = f.EventSourceFactory()
    _rejected(lambda: EventSource.objects.filter(pk=citation.pk).update(position=-1))


def test_it_rejects_more_votes_for_than_shares_outstanding():
    vote = f.VoteResultFactory(votes_for=100, votes_against=0, shares_outstanding=1000)
    _rejected(lambda: VoteResult.objects.filter(pk=vote.pk).update(votes_for=1001))


@pytest.mark.parametrize(
    ("occurred_on", "precision"),
    [
        (dt.date(2018, 6, 15), "month"),
        (dt.date(2019, 5, 1), "quarter"),
        (dt.date(2019, 4, 2), "quarter"),
        (dt.date(2019, 5, 1), "season"),
        (dt.date(2020, 3, 1), "year"),
        (dt.date(2020, 1, 2), "year"),
        (dt.date(2020, 1, 6), "week"),
    ],
)
def test_it_rejects_a_date_more_precise_than_its_precision(occurred_on, precision):
    _rejected(
        lambda: Event.objects.create(
            occurred_on=occurred_on,
            occurred_on_precision=precision,
            title="Too precise",
        )
    )


@pytest.mark.parametrize(
    ("occurred_on", "precision"),
    [
        (dt.date(2018, 6, 15), "day"),
        (dt.date(2018, 6, 1), "month"),
        (dt.date(2019, 4, 1), "quarter"),
        (dt.date(2019, 12, 1), "season"),
        (dt.date(2020, 1, 1), "year"),
    ],
)
def test_it_accepts_a_date_that_matches_its_precision(occurred_on, precision):
    # The other half of the check: a constraint that rejected everything would pass above.
    event = f.EventFactory(occurred_on=occurred_on, occurred_on_precision=precision)
    assert Event.objects.filter(pk=event.pk, occurred_on_precision=precision).exists()


def test_it_rejects_a_membership_that_ends_before_it_starts():
    membership = f.CoalitionMembershipFactory(joined_on=dt.date(2019, 1, 15))
    _rejected(
        lambda: CoalitionMembership.objects.filter(pk=membership.pk).update(
            left_on=dt.date(2019, 1, 14)
        )
    )
    CoalitionMembership.objects.filter(pk=membership.pk).update(left_on=dt.date(2019, 1, 15))


def test_it_rejects_a_second_membership_of_the_same_coalition():
    membership = f.CoalitionMembershipFactory()
    _rejected(
        lambda: CoalitionMembership.objects.create(
            coalition=membership.coalition, organization=membership.organization
        )
    )


def test_it_rejects_a_campaign_that_ends_before_it_starts():
    campaign = f.CampaignFactory(started_on=dt.date(2018, 6, 18))
    _rejected(lambda: Campaign.objects.filter(pk=campaign.pk).update(ended_on=dt.date(2018, 6, 17)))


@pytest.mark.parametrize("pct", [Decimal("100.01"), Decimal("-0.01"), Decimal("250")])
def test_it_rejects_a_reported_percentage_outside_0_to_100(pct):
    vote = f.VoteResultFactory(votes_for=None, votes_against=None, reported_support_pct=2)
    _rejected(lambda: VoteResult.objects.filter(pk=vote.pk).update(reported_support_pct=pct))


@pytest.mark.parametrize("pct", [Decimal("0"), Decimal("100")])
def test_it_accepts_a_reported_percentage_at_the_bounds(pct):
    vote = f.VoteResultFactory(votes_for=None, votes_against=None, reported_support_pct=pct)
    assert VoteResult.objects.get(pk=vote.pk).reported_support_pct == pct


@pytest.mark.parametrize(
    ("field", "value"),
    [("sec_cik", "0001018724"), ("wikidata_id", "Q3884"), ("aiid_slug", "amazon")],
)
def test_it_rejects_two_organisations_with_the_same_identifier(field, value):
    f.OrganizationFactory(**{field: value})
    _rejected(lambda: f.OrganizationFactory(**{field: value}))


def test_it_allows_many_organisations_without_identifiers():
    f.OrganizationFactory.create_batch(3, sec_cik="", wikidata_id="", aiid_slug="")
    assert Organization.objects.filter(sec_cik="").count() == 3


@pytest.mark.parametrize(
    ("factory", "field"),
    [
        (f.OrganizationFactory, "kind"),
        (f.ControversyFactory, "status"),
        (f.EventFactory, "kind"),
        (f.DemandStatusFactory, "status"),
        (f.ShareholderResolutionFactory, "status"),
    ],
    ids=lambda v: (
        getattr(getattr(v, "_meta", None), "model", v).__name__ if hasattr(v, "_meta") else v
    ),
)
def test_it_rejects_a_value_outside_the_choices(factory, field):
    row = factory()
    _rejected(lambda: type(row).objects.filter(pk=row.pk).update(**{field: "bogus"}))


def test_it_rejects_a_second_vote_result_for_one_resolution():
    vote = f.VoteResultFactory()
    _rejected(lambda: VoteResult.objects.create(resolution=vote.resolution))
