"""load_demo: the Amazon Rekognition case as records, and a rerun that changes nothing."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from io import StringIO

import pytest
import yaml
from django.apps import apps
from django.core.management import call_command
from django.db import IntegrityError

from controversies.demo import CASE_SLUG, loader
from controversies.demo.files import DATA_DIR
from controversies.models import (
    Campaign,
    Coalition,
    Controversy,
    DemandStatus,
    Event,
    EventActor,
    Organization,
    ShareholderResolution,
    Source,
)
from controversies.source_audit import audit_findings

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


def resolution(item: str, held_on: dt.date = D(2019, 5, 22)) -> ShareholderResolution:
    return ShareholderResolution.objects.get(
        meeting__company__slug="amazon", meeting__held_on=held_on, item_number=item
    )


def roles(event: Event) -> set[tuple[str, str]]:
    return set(event.event_actors.values_list("organization__slug", "role"))


# (date, precision, kind, words in the title): the case's timeline, each event once.
CASE_TIMELINE = [
    (D(2018, 5, 22), "day", "report", "marketing Rekognition to police"),
    (D(2018, 5, 22), "day", "open_letter", "About 40 groups"),
    (D(2018, 6, 1), "month", "open_letter", "Amazon employees"),
    (D(2018, 6, 18), "day", "open_letter", "nearly 70 groups"),
    (D(2018, 7, 26), "day", "research", "28 members of Congress"),
    (D(2018, 10, 16), "day", "open_letter", "over 450 signatures"),
    (D(2019, 1, 15), "day", "open_letter", "85+ groups"),
    (D(2019, 1, 17), "day", "resolution_filed", "halt Rekognition sales"),
    (D(2019, 3, 28), "day", "regulator", "SEC staff"),
    (D(2019, 4, 3), "day", "regulator", "reconsider"),
    (D(2019, 4, 11), "day", "company_response", "proxy statement"),
    (D(2019, 5, 22), "day", "shareholder_vote", "reject both"),
    (D(2020, 5, 27), "day", "shareholder_vote", "2020 annual meeting"),
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
    assert case_events().count() == len(CASE_TIMELINE), "no event twice, none left over"


def test_it_has_no_unsourced_fact_and_no_source_that_is_not_a_document(demo):
    assert audit_findings() == []


def test_it_cites_the_documents_themselves_where_they_were_found(demo):
    urls = set(Source.objects.values_list("canonical_url", flat=True))
    # The ACLU's own posts, Amazon's own announcement, the proponents' SEC filings.
    assert any("aclu.org/press-releases/pressure-mounts" in url for url in urls)
    assert any("aboutamazon.com" in url and "moratorium" in url for url in urls)
    assert any("j514203px14a6g.htm" in url for url in urls)
    assert any("d54211px14a6g.htm" in url for url in urls)
    # No home page, no EDGAR browse page, no case of "Amazon declined to comment".
    assert not any(url.rstrip("/") == "https://techcrunch.com" for url in urls)
    assert not any("browse-edgar" in url for url in urls)
    assert not Event.objects.filter(kind="no_comment").exists()


def test_it_gives_the_case_at_least_15_events_each_with_a_source_and_an_actor(demo):
    events = list(case_events().prefetch_related("citations", "event_actors"))
    assert len(events) >= 15
    for event in events:
        assert event.citations.all(), f"{event} has no source"
        assert event.event_actors.all(), f"{event} has no actor"
        assert all(c.source.canonical_url.startswith("http") for c in event.citations.all())


def test_it_numbers_an_events_sources_in_order(demo):
    vote = case_events().get(occurred_on=D(2019, 5, 22), kind="shareholder_vote")
    citations = list(vote.citations.select_related("source"))
    assert [c.position for c in citations] == [1, 2, 3, 4]
    assert "businesstimes.com.sg" in citations[0].source.canonical_url
    assert "irishtimes.com" in citations[1].source.canonical_url


def test_it_stores_the_2019_results_as_reported_percentages_without_invented_counts(demo):
    ban, study = resolution("6").vote, resolution("7").vote
    assert ban.reported_support_pct == Decimal("2.40")
    assert study.reported_support_pct == Decimal("27.50")
    for vote in (ban, study):
        assert vote.passed is False
        assert vote.votes_for is None and vote.votes_against is None
        assert vote.abstentions is None and vote.broker_non_votes is None
        assert "broker non-votes excluded" in vote.reported_basis
        assert "8-K itself was not consulted" in vote.reported_basis
        assert vote.headline_support == vote.reported_support_pct
        assert "businesstimes.com.sg" in vote.source.canonical_url
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
    # The Tri-State Coalition is the proponents' contact address, not a proponent.
    tri_state = Organization.objects.get(slug="tri-state-coalition-for-responsible-investment")
    assert not tri_state.resolutions_led.exists() and not tri_state.resolutions_cofiled.exists()
    assert not tri_state.event_roles.exists()
    assert "Not itself a proponent" in tri_state.description


def test_it_records_the_2020_and_2021_meetings_without_claiming_their_results(demo):
    meetings = ShareholderResolution.objects.filter(meeting__company__slug="amazon")
    assert sorted({r.meeting.held_on for r in meetings}) == [
        D(2019, 5, 22),
        D(2020, 5, 27),
        D(2021, 5, 26),
    ]
    due_diligence_2020 = resolution("6", D(2020, 5, 27))
    due_diligence_2021 = resolution("4", D(2021, 5, 26))
    for proposal in (due_diligence_2020, due_diligence_2021):
        assert "customer due diligence" in proposal.title.lower()
        assert proposal.lead_filer.slug == "sisters-of-st-joseph-of-brentwood"
        assert proposal.status == "on_ballot"
        assert not hasattr(proposal, "vote") or proposal.vote is None
    assert due_diligence_2020.co_filers.count() == due_diligence_2021.co_filers.count() == 8
    assert "Unitarian Universalist Association" in set(
        due_diligence_2020.co_filers.values_list("name", flat=True)
    )
    assert "Robeco Institutional Asset Management B.V." in set(
        due_diligence_2021.co_filers.values_list("name", flat=True)
    )
    # No resolution says it was voted on without a result to show.
    assert not ShareholderResolution.objects.filter(status="voted", vote__isnull=True).exists()


def test_it_keeps_the_aclu_affiliates_that_acted_apart(demo):
    assert not Organization.objects.filter(slug="aclu-of-california").exists()
    disclosure = case_events().get(occurred_on=D(2018, 5, 22), kind="report")
    test = case_events().get(occurred_on=D(2018, 7, 26))
    for event in (disclosure, test):
        assert ("aclu-of-northern-california", "author") in roles(event)
    delivery = case_events().get(occurred_on=D(2018, 6, 18))
    assert ("aclu-of-washington", "organiser") in roles(delivery)
    vote = case_events().get(occurred_on=D(2019, 5, 22), kind="shareholder_vote")
    assert ("aclu-of-washington", "actor") in roles(vote)
    letters = case_events().get(occurred_on=D(2019, 1, 15))
    assert roles(letters) == {
        ("aclu", "organiser"),
        ("amazon", "target"),
        ("microsoft", "target"),
        ("google", "target"),
    }


def test_it_dates_the_employees_signature_counts_when_they_were_reported(demo):
    june = case_events().get(occurred_on=D(2018, 6, 1))
    october = case_events().get(occurred_on=D(2018, 10, 16))
    assert "more than 100" in june.summary and "450" not in june.summary
    assert "more than 450" in october.summary
    employees = Organization.objects.get(slug="amazon-employees")
    assert "by October 2018" in employees.description


def test_it_records_the_board_and_proxy_adviser_recommendations(demo):
    ban, study = resolution("6"), resolution("7")
    assert ban.board_recommendation == study.board_recommendation == "against"

    def advice(res):
        return {r.adviser.slug: r.recommendation for r in res.adviser_recommendations.all()}

    assert advice(ban) == {"iss": "against", "glass-lewis": "against"}
    assert advice(study) == {"iss": "for", "glass-lewis": "for"}
    for res in (ban, study):
        for recommendation in res.adviser_recommendations.select_related("source"):
            assert "irishtimes.com" in recommendation.source.canonical_url


def test_it_lists_the_coalitions_named_members_and_its_letters(demo):
    coalition = Coalition.objects.get()
    members = {m.organization.slug: m for m in coalition.memberships.select_related("organization")}
    # Only members a cited document names; unconfirmed signatories are not listed.
    assert set(members) == {"aclu", "electronic-frontier-foundation", "aclu-of-washington"}
    assert members["aclu"].role == "lead"
    assert all(m.source_id for m in members.values())
    for slug in ("national-lawyers-guild", "freedom-of-the-press-foundation", "mijente"):
        assert not Organization.objects.filter(slug=slug).exists()
    letters = list(coalition.actions.order_by("occurred_on"))
    assert [e.occurred_on for e in letters] == [D(2018, 5, 22), D(2018, 6, 18), D(2019, 1, 15)]
    assert "About 40" in letters[0].title and "approximate" in letters[0].summary
    assert "nearly 70" in letters[1].title
    assert all(e.citations.exists() for e in letters)
    assert set(letters[2].controversies.values_list("slug", flat=True)) == {
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


def test_it_removes_what_an_older_demo_wrote_and_the_specs_dropped(demo):
    """A database loaded with an older demo: its dropped event, organisation and source go,
    and an event the demo still has loses the actor and the citation it no longer cites."""
    from controversies import services

    aclu_ca = Organization.objects.create(
        slug="aclu-of-california", name="ACLU of California", kind="advocacy_group"
    )
    home_page, _ = services.source_get_or_create(url="https://techcrunch.com/")
    services.event_create(
        controversy=Controversy.objects.get(slug=CASE_SLUG),
        occurred_on=D(2019, 1, 17),
        title="Amazon declines to comment on the shareholder proposal",
        kind="no_comment",
        actors=[(Organization.objects.get(slug="amazon"), "respondent")],
        sources=[home_page],
    )
    test = case_events().get(occurred_on=D(2018, 7, 26))
    services.event_actors_add(event=test, actors=[(aclu_ca, "author")])
    services.source_attach(event=test, source=home_page)
    # An organisation the old demo wrote that a curator has since used elsewhere stays.
    mijente = Organization.objects.create(slug="mijente", name="Mijente", kind="advocacy_group")
    services.event_create(
        controversy=Controversy.objects.get(slug=CASE_SLUG),
        occurred_on=D(2022, 1, 1),
        title="A curator's own event",
        actors=[(mijente, "actor")],
        sources=[Source.objects.get(canonical_url__contains="pressure-mounts")],
    )

    output = run_load_demo()

    assert "Removed:" in output
    assert not Event.objects.filter(kind="no_comment").exists()
    assert not Organization.objects.filter(slug="aclu-of-california").exists()
    assert not Source.objects.filter(canonical_url__startswith="https://techcrunch.com").exists()
    assert ("aclu-of-california", "author") not in roles(test)
    assert [c.position for c in test.citations.all()] == [1]
    assert Organization.objects.filter(slug="mijente").exists()
    assert EventActor.objects.filter(organization__slug="mijente").exists()
    assert "Nothing to do" in run_load_demo()


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
        ({"reported_support_pct": "240", "reported_basis": "typo"}, IntegrityError),
        ({"reported_support_pct": "2.4", "reported_basis": "x" * 201}, ValueError),
    ],
    ids=["percentage-over-100", "text-longer-than-its-column"],
)
def test_it_writes_nothing_when_part_of_the_data_is_invalid(tmp_path, vote, error):
    """The files are well formed, but the first resolution's vote is a value the database
    refuses: the rows written before it are rolled back."""
    data = shutil.copytree(DATA_DIR, tmp_path / "data")
    shareholders = yaml.safe_load((data / "shareholders.yaml").read_text())
    shareholders["resolutions"][0]["vote"].update(vote)
    (data / "shareholders.yaml").write_text(yaml.safe_dump(shareholders))

    with pytest.raises(error):
        loader.load_demo(data)

    assert not Organization.objects.exists()
    assert not Event.objects.exists()
