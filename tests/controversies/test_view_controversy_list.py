from __future__ import annotations

import datetime as dt
import re

import pytest

from controversies.filters import ControversyFilter
from controversies.models import Controversy, EventActor
from tests import factories as f
from tests.scenarios import add_event

pytestmark = pytest.mark.django_db

URL = "/controversies/"


def titles(response) -> list[str]:
    """The controversy titles listed in the results, in order."""
    html = response.content.decode()
    return re.findall(r'<h3><a href="/controversies/[^"]+/">([^<]+)</a></h3>', html)


def notices(response) -> list[str]:
    return re.findall(r'<p class="notice" role="status">([^<]+)</p>', response.content.decode())


def test_it_lists_every_controversy_newest_activity_first(client, world):
    response = client.get(URL)
    assert response.status_code == 200
    assert titles(response) == [
        "Chatbot spreads election falsehoods",
        "Amazon Rekognition sold to police",
        "Microsoft face API and police",
    ]
    assert "3 controversies" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("company=amazon", ["Amazon Rekognition sold to police"]),
        (
            "company=microsoft",
            ["Chatbot spreads election falsehoods", "Microsoft face API and police"],
        ),
        ("product=rekognition", ["Amazon Rekognition sold to police"]),
        (
            "topic=facial-recognition",
            ["Amazon Rekognition sold to police", "Microsoft face API and police"],
        ),
        ("status=dormant", ["Chatbot spreads election falsehoods"]),
        (
            "coalition=face-coalition",
            ["Amazon Rekognition sold to police", "Microsoft face API and police"],
        ),
        (
            "year_from=2020&year_to=2020",
            ["Amazon Rekognition sold to police", "Microsoft face API and police"],
        ),
        ("year_from=2022", ["Chatbot spreads election falsehoods"]),
        ("year_to=2018", ["Amazon Rekognition sold to police"]),
        ("q=falsehoods", ["Chatbot spreads election falsehoods"]),
        ("q=Shareholders+objected", ["Amazon Rekognition sold to police"]),
        (
            "q=POLICE",
            ["Amazon Rekognition sold to police", "Microsoft face API and police"],
        ),
        ("q=ELECTION", ["Chatbot spreads election falsehoods"]),
    ],
)
def test_it_filters_by_each_parameter_alone(client, world, query, expected):
    response = client.get(f"{URL}?{query}")
    assert titles(response) == expected
    assert notices(response) == []


def test_it_finds_an_organisation_through_events_campaigns_and_coalitions(client, world):
    # Open MIC acted in a Rekognition event; EFF acted in the Microsoft one and belongs to
    # the coalition that signed a Rekognition letter; ACLU acted in Rekognition events and
    # belongs to the coalition running the Microsoft campaign.
    assert titles(client.get(f"{URL}?organisation=open-mic")) == [
        "Amazon Rekognition sold to police"
    ]
    assert titles(client.get(f"{URL}?organisation=eff")) == [
        "Amazon Rekognition sold to police",
        "Microsoft face API and police",
    ]
    assert titles(client.get(f"{URL}?organisation=aclu")) == [
        "Amazon Rekognition sold to police",
        "Microsoft face API and police",
    ]
    organiser = f.AdvocacyGroupFactory(name="Campaign Org", slug="campaign-org")
    f.CampaignFactory(organisers=[organiser], controversies=[world.chatbot])
    assert titles(client.get(f"{URL}?organisation=campaign-org")) == [
        "Chatbot spreads election falsehoods"
    ]


def test_it_combines_filters(client, world):
    response = client.get(f"{URL}?organisation=aclu&company=microsoft&topic=facial-recognition")
    assert titles(response) == ["Microsoft face API and police"]
    response = client.get(f"{URL}?organisation=aclu&year_from=2018&year_to=2019&status=resolved")
    assert titles(response) == ["Amazon Rekognition sold to police"]
    response = client.get(f"{URL}?company=amazon&status=ongoing")
    assert titles(response) == []
    assert "No controversy matches these filters." in response.content.decode()


def test_it_swaps_a_reversed_year_range(client, world):
    response = client.get(f"{URL}?year_from=2019&year_to=2018")
    assert titles(response) == ["Amazon Rekognition sold to police"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("company=acme", "Ignored the unknown company “acme”."),
        ("organisation=nobody", "Ignored the unknown organisation “nobody”."),
        ("coalition=%00", "Ignored the unknown coalition"),
        ("status=closed", "Ignored the unknown status “closed”."),
        ("year_from=19x9", "Ignored the start year “19x9”"),
        ("year_to=99999", "Ignored the end year “99999”"),
        ("page=two", "Ignored the page number “two”"),
        ("q=%00", "Ignored the search text: it contains characters"),
        ("year_from=NaN", "Ignored the start year “NaN”"),
        ("company=%C0%AF", "Ignored the unknown company"),
        ("page=0", "Page numbers start at 1"),
        ("page=999", "There is only 1 page: showing the last one."),
    ],
)
def test_it_ignores_bad_values_with_a_message(client, world, query, message):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200
    assert len(titles(response)) == 3
    assert any(notice.startswith(message) for notice in notices(response)), notices(response)


def test_it_keeps_the_good_filters_when_one_is_bad(client, world):
    response = client.get(f"{URL}?company=amazon&topic=nonsense&year_from=abc")
    assert titles(response) == ["Amazon Rekognition sold to police"]
    assert len(notices(response)) == 2


def test_it_cuts_an_over_long_search(client, world):
    response = client.get(f"{URL}?q=" + "police " + "x" * 5000)
    assert response.status_code == 200
    assert "The search text was cut to 200 characters." in notices(response)


def test_it_paginates(client, db):
    for n in range(45):
        add_event(
            controversy=f.ControversyFactory(title=f"Case {n:02}"),
            occurred_on=dt.date(2020, 1, 1) + dt.timedelta(days=n),
        )
    first = client.get(URL)
    assert titles(first)[0] == "Case 44"
    assert len(titles(first)) == 20
    assert "Page 1 of 3" in first.content.decode()
    last = client.get(f"{URL}?page=3")
    assert titles(last) == ["Case 04", "Case 03", "Case 02", "Case 01", "Case 00"]
    assert 'rel="prev"' in last.content.decode()
    assert 'rel="next"' not in last.content.decode()


def test_it_keeps_filters_in_pagination_links(client, db):
    topic = f.TopicFactory(slug="privacy", name="Privacy")
    for _ in range(25):
        add_event(controversy=f.ControversyFactory(topics=[topic]))
    f.ControversyFactory()
    page = client.get(f"{URL}?topic=privacy").content.decode()
    assert 'href="/controversies/?page=2&amp;topic=privacy"' in page


def test_it_shows_facet_counts_for_the_current_results(client, world):
    page = client.get(URL).content.decode()
    facets = page[page.index('<div class="facets">') :]
    assert re.search(r"Microsoft <span class=\"count\">2<", facets)
    assert re.search(r"Facial recognition <span class=\"count\">2<", facets)
    assert re.search(r"2020 <span class=\"count\">2<", facets)

    page = client.get(f"{URL}?company=amazon").content.decode()
    facets = page[page.index('<div class="facets">') :]
    assert re.search(r"Facial recognition <span class=\"count\">1<", facets)
    assert "Misinformation" not in facets
    # A facet link adds its value to the filters in force.
    assert 'href="/controversies/?company=amazon&amp;topic=policing"' in facets


def test_it_refreshes_facet_counts_after_an_edit(client, world):
    client.get(URL)  # fills the cache
    world.chatbot.topics.add(f.TopicFactory(name="Elections", slug="elections"))
    page = client.get(URL).content.decode()
    assert re.search(r"Elections <span class=\"count\">1<", page)


def test_it_renders_only_the_results_for_htmx(client, world):
    response = client.get(f"{URL}?company=amazon", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="results"')
    assert "<html" not in html
    assert titles(response) == ["Amazon Rekognition sold to police"]
    assert "HX-Request" in response["Vary"]


def test_it_renders_the_full_page_without_htmx(client, world):
    response = client.get(f"{URL}?company=amazon")
    html = response.content.decode()
    assert html.startswith("<!doctype html>")
    assert '<div id="results"' in html
    assert "HX-Request" in response["Vary"]


def test_it_renders_the_full_page_for_a_history_restore(client, world):
    response = client.get(
        f"{URL}?company=amazon",
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert response.content.decode().startswith("<!doctype html>")


def test_it_pairs_every_hx_get_with_a_real_link_or_form(client, world):
    html = client.get(f"{URL}?company=microsoft").content.decode()
    tags = re.findall(r"<(?:a|form)\b[^>]*hx-get=[^>]*>", html)
    assert len(tags) > 10
    for tag in tags:
        hx = re.search(r'hx-get="([^"]*)"', tag).group(1)
        real = re.search(r'(?:href|action)="([^"]*)"', tag).group(1)
        assert real == hx
        assert 'hx-push-url="true"' in tag


def test_it_labels_every_filter_control(client, world):
    html = client.get(URL).content.decode()
    form = html[html.index('<form id="filter-form"') : html.index("</form>")]
    ids = re.findall(r'<(?:select|input)[^>]*\bid="([^"]+)"', form)
    assert len(ids) == 9
    for control in ids:
        assert f'<label for="{control}">' in form


@pytest.mark.parametrize("htmx", [False, True])
def test_it_runs_a_fixed_number_of_queries(client, db, django_assert_max_num_queries, htmx):
    topic = f.TopicFactory(slug="bias")
    org = f.AdvocacyGroupFactory(slug="watchdog")
    coalition = f.CoalitionFactory(slug="alliance")
    f.CoalitionMembershipFactory(coalition=coalition, organization=org)
    for n in range(60):
        controversy = f.ControversyFactory(
            companies=[f.CompanyFactory(), f.CompanyFactory()],
            products=[f.ProductFactory()],
            topics=[topic, f.TopicFactory()],
        )
        for day in (1, 2):
            event = add_event(controversy=controversy, occurred_on=dt.date(2019 + n % 4, 3, day))
            f.EventActorFactory(event=event, organization=org, role=EventActor.Role.ACTOR)
        coalition.actions.add(event)
    headers = {"HX-Request": "true"} if htmx else {}
    for query in (
        "",
        "?topic=bias&organisation=watchdog&year_from=2020&page=2",
        # Whole words (as on /search/), found in different fields.
        "?coalition=alliance&q=controversy+happened",
    ):
        with django_assert_max_num_queries(12):
            response = client.get(URL + query, headers=headers)
        assert response.status_code == 200
        assert len(titles(response)) == 20


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("company=Amazon", ["Amazon Rekognition sold to police"]),
        (
            "company=++microsoft+",
            ["Chatbot spreads election falsehoods", "Microsoft face API and police"],
        ),
        ("product=face+api", ["Microsoft face API and police"]),
        ("organisation=open+mic", ["Amazon Rekognition sold to police"]),
    ],
)
def test_it_takes_a_name_as_well_as_a_slug(client, world, query, expected):
    response = client.get(f"{URL}?{query}")
    assert titles(response) == expected
    assert notices(response) == []


def test_it_lets_the_reader_choose_when_a_name_is_shared(client, world):
    world.chatbot.companies.add(f.CompanyFactory(name="amazon", slug="amazon-2"))
    response = client.get(f"{URL}?company=amazon")  # a slug wins over a name
    assert titles(response) == ["Amazon Rekognition sold to police"]
    response = client.get(f"{URL}?company=AMAZON")
    assert len(titles(response)) == 3
    assert notices(response) == []
    html = response.content.decode()
    assert "More than one company matches “AMAZON”" in html
    assert 'href="/controversies/?company=amazon"' in html
    assert 'href="/controversies/?company=amazon-2"' in html


def test_it_suggests_the_most_involved_values_in_a_text_box(client, world, monkeypatch):
    monkeypatch.setattr("controversies.filters.SUGGESTIONS", 1)
    html = client.get(URL).content.decode()
    form = html[html.index('<form id="filter-form"') : html.index("</form>")]
    # Microsoft is in two controversies, Amazon in one: only Microsoft is suggested.
    assert '<input type="text" name="company"' in form
    assert 'list="id_company-suggestions"' in form
    suggestions = re.search(r'<datalist id="id_company-suggestions">(.*?)</datalist>', form)
    assert suggestions.group(1) == '<option value="microsoft">Microsoft</option>'
    # The short lists stay <select>s, with every value.
    assert re.search(r'<select name="topic"[^>]*>.*>Policing</option>', form)


def test_it_escapes_names_in_suggestions_and_options(client, db):
    evil = "<script>alert(1)</script>"
    f.ControversyFactory(
        companies=[f.CompanyFactory(name=evil, slug="evil")], topics=[f.TopicFactory(name=evil)]
    )
    html = client.get(URL).content.decode()
    assert evil not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_filter_is_usable_on_its_own(world):
    """Feeds, exports and the API build the same FilterSet from a query dict."""
    from django.http import QueryDict

    filterset = ControversyFilter(
        QueryDict("organisation=aclu&status=bogus"), queryset=Controversy.objects.all()
    )
    assert set(filterset.qs) == {world.rekognition, world.face_id}
    assert filterset.active == {"organisation": "aclu"}
    assert filterset.notices == ["Ignored the unknown status “bogus”."]
    assert set(ControversyFilter(None).qs) == {world.rekognition, world.face_id, world.chatbot}


def test_it_pushes_a_tidy_address_for_htmx(client, world):
    response = client.get(
        f"{URL}?q=&company=amazon&product=&status=bogus&year_from=&page=1",
        headers={"HX-Request": "true", "HX-Trigger": "filter-form"},
    )
    assert response["HX-Push-Url"] == "/controversies/?company=amazon"
    response = client.get(URL + "?q=", headers={"HX-Request": "true"})
    assert response["HX-Push-Url"] == "/controversies/"


def test_it_updates_the_form_only_when_a_link_changed_the_filters(client, world):
    from_link = client.get(f"{URL}?company=amazon", headers={"HX-Request": "true"})
    html = from_link.content.decode()
    assert '<form id="filter-form" method="get" action="/controversies/" hx-swap-oob="true"' in html
    assert 'name="company" value="amazon"' in html

    from_form = client.get(
        f"{URL}?company=amazon", headers={"HX-Request": "true", "HX-Trigger": "filter-form"}
    )
    assert "filter-form" not in from_form.content.decode()


@pytest.mark.services
def test_it_serves_facet_counts_from_redis_until_data_changes(
    client, world, django_assert_num_queries
):
    from controversies import facets

    client.get(f"{URL}?company=microsoft")  # computes and stores both facet sets
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    assert isinstance(caches["default"], RedisCache)
    # Now only the company's id, the page and its three prefetches hit the database (the
    # count comes from the cached facets).
    with django_assert_num_queries(5):
        client.get(f"{URL}?company=microsoft")
    before = facets.generation()
    f.TopicFactory(name="Labour", slug="labour").controversies.add(world.chatbot)
    assert facets.generation() != before
    page = client.get(f"{URL}?company=microsoft").content.decode()
    assert re.search(r"Labour <span class=\"count\">1<", page)


def test_the_last_page_costs_the_queries_of_the_first(client, db):
    """Only the page's rows are counted and prefetched, however many pages come before."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for n in range(65):
        controversy = f.ControversyFactory(title=f"Case {n:02}", topics=[f.TopicFactory()])
        for day in range(1 + n % 3):
            add_event(
                controversy=controversy,
                occurred_on=dt.date(2020, 1, 1 + day) + dt.timedelta(days=3 * n),
            )
    client.get(URL)  # the facets, cached from here on
    with CaptureQueriesContext(connection) as first:
        client.get(URL)
    with CaptureQueriesContext(connection) as last:
        response = client.get(f"{URL}?page=4")
    assert len(last.captured_queries) == len(first.captured_queries)
    assert titles(response) == ["Case 04", "Case 03", "Case 02", "Case 01", "Case 00"]
    # Case 04 has two events, Case 03 one, Case 02 three...
    counts = re.findall(r"· (\d+) events?", response.content.decode())
    assert counts == ["2", "1", "3", "2", "1"]
