from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from tests import factories as f
from tests.rekognition import build_case

pytestmark = pytest.mark.django_db

LIST = reverse("controversies:resolution_list")


def _titles(response) -> list[str]:
    return [r.title for r in response.context["table"].page.object_list]


def test_it_lists_resolutions_with_support_bars(client):
    case = build_case()
    response = client.get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert "3 resolutions" in html
    assert case.ban.get_absolute_url() in html
    assert '<progress value="2.40" max="100"' in html
    # Newest meeting first.
    assert _titles(response)[0] == case.audit_2021.title


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"company": "amazon"}, {"ban", "study", "audit_2021"}),
        ({"year": "2019"}, {"ban", "study"}),
        ({"topic": "policing"}, {"audit_2021"}),
        ({"proponent": "harrington"}, {"study", "audit_2021"}),
        ({"proponent": "open-mic"}, {"ban"}),  # organiser
        ({"proponent": "tri-state"}, {"ban"}),  # co-filer
        ({"status": "voted"}, {"ban", "study", "audit_2021"}),
        ({"year": "2019", "proponent": "harrington"}, {"study"}),
        ({"company": "amazon", "year": "2021", "topic": "policing"}, {"audit_2021"}),
    ],
)
def test_it_filters_alone_and_combined(client, params, expected):
    case = build_case()
    other = f.ShareholderResolutionFactory(
        meeting=f.ShareholderMeetingFactory(held_on=dt.date(2018, 4, 1)), status="withdrawn"
    )
    response = client.get(LIST, params)
    assert response.status_code == 200
    assert set(_titles(response)) == {getattr(case, name).title for name in expected}
    assert other.title not in response.content.decode()
    assert not response.context["table"].messages


def test_it_filters_by_status(client):
    build_case()
    withdrawn = f.ShareholderResolutionFactory(status="withdrawn")
    assert _titles(client.get(LIST, {"status": "withdrawn"})) == [withdrawn.title]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"year": "20x9"}, "Ignored the year filter"),
        ({"year": "1850"}, "Ignored the year filter"),
        ({"company": "no-such-company"}, "Ignored the company filter"),
        ({"topic": "<script>"}, "Ignored the topic filter"),
        ({"status": "pending"}, "Ignored the status filter"),
        ({"proponent": "x" * 500}, "Ignored the proponent filter"),
        ({"page": "abc"}, "is not a page number"),
        ({"page": "-3"}, "is not a page number"),
        ({"page": "99"}, "There is no page 99"),
    ],
)
def test_it_ignores_bad_filters_with_a_message(client, params, message):
    build_case()
    response = client.get(LIST, params)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "3 resolutions" in html  # the bad filter was dropped
    assert "<script>" not in html.split("<main", 1)[1]


def test_it_keeps_good_filters_when_another_is_bad(client):
    case = build_case()
    response = client.get(LIST, {"year": "2019", "company": "nope"})
    assert set(_titles(response)) == {case.ban.title, case.study.title}
    assert "Ignored the company filter" in response.content.decode()


def test_it_serves_only_the_results_fragment_to_htmx(client):
    build_case()
    full = client.get(LIST, {"year": "2019"})
    fragment = client.get(LIST, {"year": "2019"}, HTTP_HX_REQUEST="true")
    assert "<html" in full.content.decode() and "<form" in full.content.decode()
    body = fragment.content.decode()
    assert "<html" not in body and "<form" not in body
    assert body.strip().startswith('<section id="results"')
    assert "2 resolutions" in body
    assert "HX-Request" in full["Vary"] and "HX-Request" in fragment["Vary"]


def test_it_serves_the_full_page_for_a_history_restore(client):
    build_case()
    response = client.get(
        LIST, {"year": "2019"}, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in response.content.decode()


def test_it_paginates_and_keeps_the_filters_in_page_links(client, django_assert_max_num_queries):
    company = f.CompanyFactory(slug="megacorp")
    topic = f.TopicFactory(slug="privacy")
    for i in range(60):
        meeting = f.ShareholderMeetingFactory(
            company=company, held_on=dt.date(2000 + i % 20, 5, 1 + i // 20)
        )
        resolution = f.ShareholderResolutionFactory(
            meeting=meeting,
            lead_filer=f.InvestorFactory(slug=f"lead-{i}"),
            organiser=f.AdvocacyGroupFactory(),
        )
        resolution.topics.add(topic)
        resolution.co_filers.add(f.InvestorFactory())
        f.VoteResultFactory(resolution=resolution, votes_for=i, votes_against=100, abstentions=3)
    with django_assert_max_num_queries(12):
        response = client.get(LIST, {"company": "megacorp", "page": "2"})
    html = response.content.decode()
    assert "60 resolutions" in html and "Page 2 of 3" in html
    assert len(response.context["table"].page.object_list) == 25
    assert 'href="?company=megacorp&amp;page=3"' in html
    assert 'href="?company=megacorp&amp;page=1"' in html
    with django_assert_max_num_queries(12):
        response = client.get(LIST, {"proponent": "lead-5", "topic": "privacy", "year": "2005"})
    assert "1 resolution<" in response.content.decode()


DETAIL = "controversies:resolution"


def test_it_shows_a_vote_with_counts_under_each_convention(client):
    case = build_case()
    html = client.get(reverse(DETAIL, args=[case.study.slug])).content.decode()
    # 275m for, 725m against, 100m abstain.
    assert "27.50%" in html  # for / (for + against)
    assert "25.00%" in html  # for / (for + against + abstain)
    assert "275,000,000" in html and "50,000,000" in html  # counts, broker non-votes shown
    assert "defeated" in html
    assert "Harrington Investments" in html
    assert "ISS" in html and "For" in html  # proxy adviser recommendation


def test_it_shows_the_reported_figure_and_its_basis_without_counts(client):
    case = build_case()
    html = client.get(reverse(DETAIL, args=[case.ban.slug])).content.decode()
    assert "2.40%" in html
    assert "as reported by Reuters" in html
    assert "cannot be recomputed" in html
    assert "Sisters of St. Joseph of Brentwood" in html  # lead filer
    assert "Tri-State Coalition for Responsible Investment" in html  # co-filer
    assert "Open MIC" in html  # organiser
    assert "Board</dt><dd>Against" in html
    assert case.controversy.get_absolute_url() in html
    assert case.campaign.get_absolute_url() in html


def test_it_says_when_no_vote_was_held(client):
    resolution = f.ShareholderResolutionFactory(status="withdrawn")
    html = client.get(reverse(DETAIL, args=[resolution.slug])).content.decode()
    assert "did not reach the ballot" in html


def test_it_keeps_the_detail_page_within_its_query_budget(client, django_assert_max_num_queries):
    case = build_case()
    for _ in range(20):
        case.ban.co_filers.add(f.InvestorFactory())
        f.ProxyAdviserRecommendationFactory(resolution=case.ban)
    with django_assert_max_num_queries(6):
        response = client.get(reverse(DETAIL, args=[case.ban.slug]))
    assert response.content.decode().count("(proxy adviser)") == 21


def test_it_returns_404_for_an_unknown_resolution(client):
    assert client.get(reverse(DETAIL, args=["no-such-resolution"])).status_code == 404


def test_it_computes_support_the_way_the_page_shows_it():
    vote = f.VoteResultFactory.build(votes_for=1, votes_against=3, abstentions=4)
    assert vote.support_for_against == Decimal("25.00")
    assert vote.support_with_abstentions == Decimal("12.50")


def test_it_leaves_out_a_missing_item_number(client):
    resolution = f.ShareholderResolutionFactory(item_number="", title="Audit the product")
    assert ">Audit the product</a>" in client.get(LIST).content.decode()
    detail = client.get(reverse(DETAIL, args=[resolution.slug])).content.decode()
    assert "item  ·" not in detail and "Item :" not in detail


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"company": "AMAZON"}, {"ban", "study", "audit_2021"}),
        ({"proponent": "Harrington Investments"}, {"study", "audit_2021"}),
        ({"proponent": " open mic "}, {"ban"}),
    ],
)
def test_it_takes_a_name_as_well_as_a_slug(client, params, expected):
    case = build_case()
    response = client.get(LIST, params)
    assert set(_titles(response)) == {getattr(case, name).title for name in expected}
    assert not response.context["table"].messages


def test_it_shows_long_lists_as_text_boxes_with_suggestions(client):
    build_case()
    html = client.get(LIST).content.decode()
    assert '<input type="text" name="proponent"' in html
    assert 'list="id_proponent-suggestions"' in html
    assert '<option value="harrington">Harrington Investments</option>' in html
    assert '<label for="id_company">Company' in html
    assert re.search(r'<select name="year"[^>]*><option value="" selected>Any year</option>', html)


def test_it_caches_the_filter_options_until_a_resolution_changes(client, django_assert_num_queries):
    case = build_case()
    client.get(LIST)
    with django_assert_num_queries(3):  # the count, the page and its topics
        client.get(LIST)
    newcomer = f.InvestorFactory(name="Newcomer Fund", slug="newcomer")
    case.ban.co_filers.add(newcomer)
    assert set(_titles(client.get(LIST, {"proponent": "newcomer"}))) == {case.ban.title}
