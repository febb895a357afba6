"""Support for a resolution under both conventions, from raw counts or a reported figure."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from controversies.models import VoteResult


def test_it_computes_support_under_both_conventions():
    vote = VoteResult(votes_for=25, votes_against=70, abstentions=5)
    assert vote.support_for_against == Decimal("26.32")  # 25 / 95
    assert vote.support_with_abstentions == Decimal("25.00")  # 25 / 100


def test_it_shows_the_abstentions_convention_first_when_counts_are_known():
    vote = VoteResult(votes_for=25, votes_against=70, abstentions=5, reported_support_pct=30)
    assert vote.headline_support == Decimal("25.00")


def test_it_treats_missing_abstentions_as_none_cast():
    vote = VoteResult(votes_for=1, votes_against=3)
    assert vote.support_for_against == vote.support_with_abstentions == Decimal("25.00")


def test_it_ignores_broker_non_votes_in_both_conventions():
    with_brokers = VoteResult(votes_for=1, votes_against=3, broker_non_votes=1_000)
    assert with_brokers.support_for_against == Decimal("25.00")
    assert with_brokers.support_with_abstentions == Decimal("25.00")


def test_it_falls_back_to_the_reported_percentage_without_counts():
    vote = VoteResult(reported_support_pct=Decimal("27.50"), reported_basis="of votes cast")
    assert vote.has_counts is False
    assert vote.support_for_against is None
    assert vote.support_with_abstentions is None
    assert vote.headline_support == Decimal("27.50")


def test_it_has_no_support_figure_when_nothing_is_known():
    assert VoteResult().headline_support is None


def test_it_has_no_support_when_no_vote_was_cast():
    vote = VoteResult(votes_for=0, votes_against=0, abstentions=0)
    assert vote.support_for_against is None
    assert vote.support_with_abstentions is None


@pytest.mark.parametrize(
    ("votes_for", "votes_against", "field"),
    [(10, None, "votes_against"), (None, 10, "votes_for")],
)
def test_it_requires_both_counts_or_neither(votes_for, votes_against, field):
    vote = VoteResult(votes_for=votes_for, votes_against=votes_against)
    with pytest.raises(ValidationError) as error:
        vote.clean()
    assert field in error.value.message_dict


def test_it_accepts_neither_count():
    VoteResult(reported_support_pct=Decimal("2.40")).clean()


def test_it_rejects_more_votes_cast_than_shares_outstanding():
    vote = VoteResult(votes_for=60, votes_against=40, abstentions=1, shares_outstanding=100)
    with pytest.raises(ValidationError) as error:
        vote.clean()
    assert "votes_for" in error.value.message_dict


@pytest.mark.parametrize("pct", [Decimal("100.5"), Decimal("-1")])
def test_it_rejects_a_reported_percentage_outside_0_to_100(pct):
    with pytest.raises(ValidationError) as error:
        VoteResult(reported_support_pct=pct).clean()
    assert "reported_support_pct" in error.value.message_dict
