from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from controversies.models import Event
from tests import factories as f
from tests.rekognition import build_case
from tests.scenarios import add_event

pytestmark = pytest.mark.django_db


def _url(slug: str) -> str:
    return reverse("controversies:organization", args=[slug])


def _record_url(slug: str) -> str:
    return reverse("controversies:organization_votes", args=[slug])


def test_it_shows_a_company_with_its_identifiers_controversies_and_products(client):
    case = build_case()
    response = client.get(_url("amazon"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Amazon</h1>" in html
    assert "AMZN" in html and "0001018724" in html and "Q3884" in html
    assert case.controversy.get_absolute_url() in html
    assert case.rekognition.get_absolute_url() in html
    assert case.campaign.get_absolute_url() in html
    assert "aimed at Amazon" in html


def test_it_lists_the_companys_resolutions_with_a_support_chart(client):
    case = build_case()
    html = client.get(_record_url("amazon")).content.decode()
    assert "<h1>Shareholder record of Amazon</h1>" in html
    assert "<svg" in html
    # One dot per voted resolution, each linking to its page.
    for resolution in (case.ban, case.study, case.audit_2021):
        assert f'<a href="{resolution.get_absolute_url()}">' in html
    assert "2.40%" in html  # the reported figure for the ban
    assert "27.5%" in html or "25.00%" in html  # the study, from raw counts
    assert "majority" in html


def test_it_shows_the_response_record(client):
    build_case()
    html = client.get(_url("amazon")).content.decode()
    # Controversy first raised 22 May 2018, first answered (declined to comment) 17 Jan 2019;
    # demand 1 made 22 May 2018 and committed to 10 Jun 2020; demand 2 never answered.
    assert "Response record" in html
    assert "67%" in html  # 2 of 3 things asked got an answer
    assert "answered (2 of 3 controversies and demands)" in html
    assert "1 met · 0 broken" in html
    assert "declined to comment 1 time" in html
    assert "Amazon pauses police use of Rekognition for a year" in html  # policy change


def test_it_counts_only_the_companys_own_answers_in_shared_controversies(client):
    """GIVEN a controversy aimed at two companies WHEN only the other one answers
    THEN this company's record shows no answer."""
    ours, theirs = f.CompanyFactory(slug="ours"), f.CompanyFactory(slug="theirs")
    controversy = f.ControversyFactory()
    controversy.companies.add(ours, theirs)
    f.EventFactory(controversy=controversy, occurred_on=dt.date(2020, 1, 1), kind="report")
    reply = f.EventFactory(
        controversy=controversy, occurred_on=dt.date(2020, 2, 1), kind="company_response"
    )
    f.EventActorFactory(event=reply, organization=theirs, role="respondent")
    assert "no answer recorded" in client.get(_url("ours")).content.decode()
    assert "no answer recorded" not in client.get(_url("theirs")).content.decode()
    assert "31 days" in client.get(_url("theirs")).content.decode()


def test_it_shows_an_advocacy_groups_campaigns_coalitions_and_events(client):
    case = build_case()
    html = client.get(_url("aclu")).content.decode()
    assert "Advocacy group" in html
    assert "Controversies American Civil Liberties Union took part in" in html
    assert f'<a href="{case.controversy.get_absolute_url()}">' in html
    assert case.campaign.get_absolute_url() in html and "run by American Civil" in html
    assert case.coalition.get_absolute_url() in html and "joined 15 Jan 2019" in html
    assert "ACLU shows Amazon is pitching Rekognition to police" in html
    assert "(author or publisher; in <a href=" in html
    assert f"{case.controversy.get_absolute_url()}?event=" in html
    assert "Response record" not in html  # not aimed at, so no scorecard
    # A company is not listed as taking part in the controversies aimed at it.
    assert "Controversies Amazon took part in" not in client.get(_url("amazon")).content.decode()


def test_it_shows_the_resolutions_an_investor_filed_or_organised(client):
    case = build_case()
    lead = client.get(_record_url("ssj-brentwood")).content.decode()
    assert case.ban.get_absolute_url() in lead and "(lead filer)" in lead
    organiser = client.get(_record_url("open-mic")).content.decode()
    assert case.ban.get_absolute_url() in organiser and "(organiser)" in organiser
    cofiler = client.get(_record_url("tri-state")).content.decode()
    assert case.ban.get_absolute_url() in cofiler and "(co-filer)" in cofiler


def test_it_shows_a_proxy_advisers_recommendations(client):
    case = build_case()
    html = client.get(_record_url("iss")).content.decode()
    assert "Proxy voting advice" in html
    ban_row = html.split(case.ban.get_absolute_url())[1].split("</tr>")[0]
    study_row = html.split(case.study.get_absolute_url())[1].split("</tr>")[0]
    # Each recommendation cell starts with the advice; its source (or "unsourced") follows.
    assert "<td>Against " in ban_row and "<td>For " in study_row


def test_it_loads_the_shareholder_record_into_the_page_with_a_link_for_readers_without_js(
    client,
):
    """GIVEN a company with resolutions WHEN its page is read THEN a placeholder section
    links to the record and asks HTMX to swap it in; the HTMX request gets only the
    record, which a reader without JavaScript gets as a page of its own."""
    case = build_case()
    html = client.get(_url("amazon")).content.decode()
    record = _record_url("amazon")
    assert f'hx-get="{record}" hx-trigger="load" hx-swap="outerHTML"' in html
    link = f'<a href="{record}">3 resolutions at its meetings, filed by it or advised on</a>'
    assert link in html
    fragment = client.get(record, headers={"HX-Request": "true"})
    body = fragment.content.decode()
    assert body.lstrip().startswith('<div id="shareholder-record">')
    assert "<html" not in body and case.ban.get_absolute_url() in body
    assert "HX-Request" in fragment["Vary"]
    assert "<html" in client.get(record).content.decode()


def test_it_has_no_shareholder_section_without_a_record(client):
    f.CompanyFactory(slug="quiet", name="Quiet Co")
    assert "shareholder-record" not in client.get(_url("quiet")).content.decode()
    html = client.get(_record_url("quiet")).content.decode()
    assert "No shareholder resolutions or proxy advice are recorded for Quiet Co." in html
    assert client.get(_record_url("no-such-organisation")).status_code == 404
    assert client.post(_record_url("quiet")).status_code == 405


def test_it_escapes_names_and_descriptions(client):
    f.CompanyFactory(slug="evil", name="<script>alert(1)</script>", description="<b>x</b>")
    html = client.get(_url("evil")).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_it_returns_404_for_an_unknown_slug(client):
    assert client.get(_url("no-such-organisation")).status_code == 404


def test_it_refuses_post(client):
    f.CompanyFactory(slug="acme")
    assert client.post(_url("acme")).status_code == 405


def test_it_runs_a_fixed_number_of_queries_whatever_the_rows(client, django_assert_max_num_queries):
    case = build_case()
    for i in range(30):
        controversy = f.ControversyFactory()
        controversy.companies.add(case.amazon)
        for kind in ("report", "company_response", "no_comment", "policy_change"):
            event = f.EventFactory(
                controversy=controversy, kind=kind, occurred_on=dt.date(2019, 1, 1 + i % 28)
            )
            f.EventActorFactory(event=event, organization=case.amazon)
        campaign = f.CampaignFactory()
        campaign.targets.add(case.amazon)
        demand = f.DemandFactory(campaign=campaign)
        f.DemandStatusFactory(demand=demand, status="made")
        f.DemandStatusFactory(demand=demand, status="broken", on=dt.date(2020, 1, 1))
        meeting = f.ShareholderMeetingFactory(company=case.amazon, held_on=dt.date(2000 + i, 5, 1))
        resolution = f.ShareholderResolutionFactory(meeting=meeting, lead_filer=case.aclu)
        f.VoteResultFactory(resolution=resolution, votes_for=i, votes_against=100)
        f.ProductFactory(developer=case.amazon)
        f.CoalitionMembershipFactory(organization=case.amazon)
        f.ProxyAdviserRecommendationFactory(adviser=case.amazon, resolution=resolution)
        resolution.co_filers.add(case.aclu)
    assert Event.objects.count() > 100
    # Cold: two more queries read the answers over every controversy, then cached.
    with django_assert_max_num_queries(12):
        response = client.get(_url("amazon"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "30 broken" in html
    assert '<strong class="figure">31</strong><br>policy changes' in html  # 30 + the case's
    with django_assert_max_num_queries(10):
        assert client.get(_url("amazon")).content.decode() == html
    with django_assert_max_num_queries(11):
        assert client.get(_url("aclu")).status_code == 200
    # The record: the 33 resolutions at its meetings, and the latest 20 of the 30 it
    # advised on (each table with its header row), after the support chart (whose own
    # table repeats the 33 dots).
    with django_assert_max_num_queries(4):
        record = client.get(_record_url("amazon")).content.decode()
    chart, tables = record.split("</figure>", 1)
    assert chart.count("<tr>") == 33 + 1
    assert tables.count("<tr>") == 33 + 1 + 20 + 1
    with django_assert_max_num_queries(4):
        assert client.get(_record_url("aclu")).status_code == 200


def test_it_lists_the_latest_controversies_and_links_to_all_of_them(client):
    company = f.CompanyFactory(slug="acme", name="Acme")
    for day in range(1, 53):
        controversy = f.ControversyFactory(title=f"Case {day:02d}")
        controversy.companies.add(company)
        add_event(controversy=controversy, occurred_on=dt.date(2020, 1, 1) + dt.timedelta(day))
    html = client.get(_url("acme")).content.decode()
    assert "Case 52" in html and "Case 33" in html
    assert "Case 32" not in html and "Case 01" not in html
    assert "Showing the 20 most recently active of 52" in html
    assert '<a href="/controversies/?company=acme">see all 52 controversies' in html
    # The record still counts every one of them.
    assert "(0 of 52 controversies and demands)" in html


def test_it_shows_an_edit_at_once_despite_the_cached_record(client):
    company = f.CompanyFactory(slug="acme")
    controversy = f.ControversyFactory()
    controversy.companies.add(company)
    f.EventFactory(controversy=controversy, occurred_on=dt.date(2020, 1, 1), kind="report")
    assert "no answer recorded" in client.get(_url("acme")).content.decode()
    f.EventFactory(controversy=controversy, occurred_on=dt.date(2020, 1, 11), kind="no_comment")
    html = client.get(_url("acme")).content.decode()
    assert "no answer recorded" not in html
    assert "declined to comment 1 time" in html
    assert "10 days" in html
