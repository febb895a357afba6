"""load_demo: the Amazon Rekognition case as records, and a rerun that changes nothing."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import IntegrityError

from controversies.demo import CASE_SLUG, loader
from controversies.demo.shareholders import RESOLUTIONS
from controversies.demo.specs import VoteSpec
from controversies.models import (
    Campaign,
    Coalition,
    Controversy,
    DemandStatus,
    Event,
    Organization,
    ShareholderResolution,
)

D = dt.date
pytestmark = pytest.mark.django_db


def run_load_demo() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def demo() -> str:
    return run_load_demo()


def case_events():
    return Event.objects.filter(controversies__slug=CASE_SLUG)


def resolution(item: str) -> ShareholderResolution:
    return ShareholderResolution.objects.get(
        meeting__company__slug="amazon", meeting__held_on=D(2019, 5, 22), item_number=item
    )


# (date, precision, kind, words in the title): every row of the case file's timeline.
CASE_TIMELINE = [
    (D(2018, 5, 22), "day", "report", "marketing Rekognition to police"),
    (D(2018, 6, 1), "month", "open_letter", "Amazon employees"),
    (D(2018, 7, 26), "day", "research", "28 members of Congress"),
    (D(2019, 1, 15), "day", "open_letter", "85+ groups"),
    (D(2019, 1, 17), "day", "resolution_filed", "halt Rekognition sales"),
    (D(2019, 1, 17), "day", "no_comment", "declines to comment"),
    (D(2019, 3, 28), "day", "regulator", "SEC staff"),
    (D(2019, 4, 3), "day", "regulator", "reconsider"),
    (D(2019, 5, 22), "day", "shareholder_vote", "reject both"),
    (D(2019, 5, 24), "day", "shareholder_vote", "Form 8-K"),
    (D(2020, 6, 8), "day", "policy_change", "IBM"),
    (D(2020, 6, 10), "day", "policy_change", "one-year moratorium"),
    (D(2020, 6, 11), "day", "policy_change", "Microsoft"),
    (D(2021, 5, 18), "day", "policy_change", "until further notice"),
    (D(2021, 5, 26), "day", "shareholder_vote", "2021 annual meeting"),
]


def test_it_dates_each_event_of_the_case_at_its_precision(demo):
    for occurred_on, precision, kind, words in CASE_TIMELINE:
        event = case_events().get(occurred_on=occurred_on, kind=kind)
        assert event.occurred_on_precision == precision, event
        assert words in event.title, event
        shown = "June 2018" if precision == "month" else f"{occurred_on.day} {occurred_on:%B %Y}"
        assert event.display_date == shown


def test_it_gives_the_case_at_least_15_events_each_with_a_source_and_an_actor(demo):
    events = list(case_events().prefetch_related("citations", "event_actors"))
    assert len(events) >= 15
    for event in events:
        assert event.citations.all(), f"{event} has no source"
        assert event.event_actors.all(), f"{event} has no actor"
        assert all(c.source.canonical_url.startswith("http") for c in event.citations.all())


def test_it_numbers_an_events_sources_in_order(demo):
    filing = case_events().get(occurred_on=D(2019, 5, 24))
    citations = list(filing.citations.select_related("source"))
    assert [c.position for c in citations] == [1, 2, 3]
    assert "businesstimes.com.sg" in citations[0].source.canonical_url
    assert citations[1].locator.startswith("Form 8-K filed 24 May 2019")


def test_it_stores_the_2019_results_as_reported_percentages_without_invented_counts(demo):
    ban, study = resolution("6").vote, resolution("7").vote
    assert ban.reported_support_pct == Decimal("2.40")
    assert study.reported_support_pct == Decimal("27.50")
    for vote in (ban, study):
        assert vote.passed is False
        assert vote.votes_for is None and vote.votes_against is None
        assert vote.abstentions is None and vote.broker_non_votes is None
        assert "broker non-votes" in vote.reported_basis
        assert vote.headline_support == vote.reported_support_pct
    assert "ban" in resolution("6").title.lower()
    assert "study" in resolution("7").title.lower()


def test_it_records_who_filed_and_who_organised_the_2019_proposals(demo):
    ban, study = resolution("6"), resolution("7")
    assert ban.lead_filer.slug == "sisters-of-st-joseph-of-brentwood"
    assert set(ban.co_filers.values_list("name", flat=True)) == {
        "Sisters of St. Francis of Philadelphia",
        "Maryknoll Sisters of St. Dominic",
        "Sisters of St. Francis Charitable Trust",
        "Azzad Asset Management",
    }
    assert ban.organiser.name == "Open MIC"
    assert study.lead_filer.name == "Harrington Investments"
    assert "John C. Harrington" in study.lead_filer.alias_list
    assert {ban.status, study.status} == {"voted"}
    assert ban.campaign.organisers.get().name == "Open MIC"


def test_it_records_the_board_and_proxy_adviser_recommendations(demo):
    ban, study = resolution("6"), resolution("7")
    assert ban.board_recommendation == study.board_recommendation == "against"

    def advice(res):
        return {r.adviser.slug: r.recommendation for r in res.adviser_recommendations.all()}

    assert advice(ban) == {"iss": "against", "glass-lewis": "against"}
    assert advice(study) == {"iss": "for", "glass-lewis": "for"}


def test_it_lists_the_coalitions_named_members_and_its_letters(demo):
    coalition = Coalition.objects.get()
    members = {m.organization.slug: m for m in coalition.memberships.select_related("organization")}
    assert set(members) >= {
        "aclu",
        "aclu-of-california",
        "aclu-of-washington",
        "national-lawyers-guild",
        "freedom-of-the-press-foundation",
        "electronic-frontier-foundation",
        "raices",
        "mijente",
    }
    assert members["aclu"].role == "lead"
    assert members["mijente"].role == "member"
    letters = coalition.actions.all()
    assert [e.occurred_on for e in letters] == [D(2019, 1, 15)], "one letter, stored once"
    assert set(letters[0].controversies.values_list("slug", flat=True)) == {
        CASE_SLUG,
        "microsoft-face-recognition-police",
        "google-face-recognition-government",
    }


def test_it_tracks_the_demand_from_made_to_a_partial_commitment(demo):
    campaign = Campaign.objects.get(slug="stop-selling-face-surveillance")
    assert set(campaign.targets.values_list("slug", flat=True)) == {"amazon", "microsoft", "google"}
    assert "aclu" in campaign.organisers.values_list("slug", flat=True)
    demand = campaign.demands.get()
    assert "face surveillance" in demand.text
    history = [(s.on, s.status) for s in demand.statuses.all()]
    assert history[0] == (D(2018, 5, 22), "made")
    assert (D(2020, 6, 10), "committed") in history
    assert (D(2021, 5, 18), "committed") in history
    # The moratorium covers police only, so the demand is never marked as met.
    assert not DemandStatus.objects.filter(status="met").exists()


def test_it_records_the_moratorium_and_its_indefinite_extension(demo):
    moratorium = case_events().get(occurred_on=D(2020, 6, 10))
    extension = case_events().get(occurred_on=D(2021, 5, 18))
    for event in (moratorium, extension):
        assert event.kind == "policy_change"
        assert event.actors.filter(slug="amazon").exists()
    assert "one-year" in moratorium.title
    assert "until further notice" in extension.title


def test_it_gives_actors_identifiers_and_aliases_for_news_matching(demo):
    amazon = Organization.objects.get(slug="amazon")
    assert (amazon.ticker, amazon.sec_cik, amazon.kind) == ("AMZN", "0001018724", "company")
    aws = Organization.objects.get(slug="amazon-web-services")
    assert aws.parent == amazon
    assert {"AWS", "Amazon Web Services, Inc."} <= set(aws.alias_list)
    assert "ACLU" in Organization.objects.get(slug="aclu").alias_list
    ice = Organization.objects.get(slug="ice")
    assert ice.kind == "government_agency" and "ICE" in ice.alias_list
    assert Organization.objects.get(slug="open-mic").kind == "advocacy_group"
    assert Organization.objects.get(slug="harrington-investments").kind == "investor"
    assert amazon.products.get().name == "Rekognition"


def test_it_spreads_the_demo_over_several_companies_and_sets_last_event_dates(demo):
    for slug in ("amazon", "microsoft", "google", "ibm"):
        company = Organization.objects.get(slug=slug)
        assert Controversy.objects.for_company(company).exists(), slug
    case = Controversy.objects.get(slug=CASE_SLUG)
    assert case.title == "Amazon Rekognition sales to police and government"
    assert case.last_event_on == D(2021, 5, 26)
    assert not Controversy.objects.filter(last_event_on__isnull=True).exists()
    assert {"facial-recognition", "policing", "immigration"} <= set(
        case.topics.values_list("slug", flat=True)
    )


def _row_counts() -> dict[str, int]:
    """Every table of the domain, history tables included."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_app_config("controversies").get_models()
    }


def test_it_changes_nothing_on_a_second_run(demo):
    assert "Created:" in demo and "/controversies/amazon-rekognition/" in demo
    counts = _row_counts()
    assert counts["controversies.HistoricalOrganization"] > 0
    stamps = dict(Organization.objects.values_list("slug", "updated_at"))

    output = run_load_demo()

    assert _row_counts() == counts
    assert dict(Organization.objects.values_list("slug", "updated_at")) == stamps
    assert "Nothing to do" in output


def test_it_puts_back_a_changed_field_with_one_history_record(demo):
    Organization.objects.filter(slug="amazon").update(ticker="XXXX")
    amazon = Organization.objects.get(slug="amazon")
    before = amazon.history.count()

    output = run_load_demo()

    amazon.refresh_from_db()
    assert amazon.ticker == "AMZN"
    assert amazon.history.count() == before + 1
    assert amazon.history.first().history_change_reason == "load_demo"
    assert "Updated: 1 organizations." in output


@pytest.mark.parametrize(
    ("vote", "error"),
    [
        (VoteSpec(reported_support_pct="240", reported_basis="typo", passed=False), IntegrityError),
        (VoteSpec(reported_support_pct="2.4", reported_basis="x" * 201, passed=False), ValueError),
    ],
    ids=["percentage-over-100", "text-longer-than-its-column"],
)
def test_it_writes_nothing_when_part_of_the_data_is_invalid(monkeypatch, vote, error):
    bad = dataclasses.replace(RESOLUTIONS[0], vote=vote)
    monkeypatch.setattr(loader, "RESOLUTIONS", (bad,))

    with pytest.raises(error):
        loader.load_demo()

    assert not Organization.objects.exists()
    assert not Event.objects.exists()
