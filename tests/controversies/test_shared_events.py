"""One event on several controversies: stored once, on each of their timelines, and
listed once wherever events from several controversies meet (home, organisation and
product pages, search, feeds, the API and the exports)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from controversies.models import Event
from tests import factories as f
from tests.scenarios import add_event

pytestmark = [pytest.mark.django_db, pytest.mark.services]
LETTER = "Coalition letter asks three companies to stop face surveillance sales"


@pytest.fixture
def shared():
    amazon = f.CompanyFactory(name="Amazon", slug="amazon")
    product = f.ProductFactory(name="Rekognition", slug="rekognition", developer=amazon)
    aclu = f.AdvocacyGroupFactory(name="ACLU", slug="aclu")
    police = f.ControversyFactory(title="Rekognition sold to police", slug="police")
    ice = f.ControversyFactory(title="Rekognition pitched to ICE", slug="ice")
    for case in (police, ice):
        case.companies.add(amazon)
        case.products.add(product)
    letter = add_event(
        controversy=[police, ice],
        title=LETTER,
        occurred_on=dt.date(2019, 1, 15),
        kind=Event.Kind.OPEN_LETTER,
    )
    f.EventActorFactory(event=letter, organization=aclu, role="organiser")
    f.EventSourceFactory(event=letter)
    return police, ice, letter


def test_it_is_on_both_timelines_and_each_links_the_other(client, shared):
    police, ice, letter = shared
    for here, other in ((police, ice), (ice, police)):
        html = client.get(here.get_absolute_url()).content.decode()
        assert html.count(f"<h4>{LETTER}</h4>") == 1
        assert "Also on the timeline of" in html
        assert f'href="{other.get_absolute_url()}?event={letter.pk}#event-{letter.pk}"' in html


@pytest.mark.parametrize(
    "url",
    ["/", "/organizations/aclu/", "/products/rekognition/"],
)
def test_pages_that_gather_events_list_it_once_with_both_cases(client, shared, url):
    police, ice, letter = shared
    html = client.get(url).content.decode()
    assert html.count(LETTER) == 1
    assert f'href="{police.get_absolute_url()}?event={letter.pk}#event-{letter.pk}"' in html
    if url == "/":
        assert ice.title in html  # the home page's short list names every case
    else:
        assert "and 1 other controversy" in html


def test_search_finds_it_once(client, shared):
    html = client.get("/search/", {"q": "coalition letter"}).content.decode()
    assert html.count("three companies to stop face surveillance") == 1


@pytest.mark.parametrize("feed", ["/feeds/events/", "/feeds/companies/amazon/"])
def test_feeds_carry_one_entry_naming_both_cases(client, shared, feed):
    police, ice, _letter = shared
    xml = client.get(feed).content.decode()
    assert xml.count("<entry>") == 1
    assert f"{police.title}; {ice.title}: {LETTER}" in xml


def test_a_controversy_feed_links_to_its_own_timeline(client, shared):
    _police, ice, letter = shared
    xml = client.get(f"/feeds/controversies/{ice.slug}/").content.decode()
    assert f"{ice.get_absolute_url()}?event={letter.pk}#event-{letter.pk}" in xml


def test_the_api_lists_it_once_with_every_controversy(client, shared):
    police, ice, letter = shared
    page = client.get("/api/events", {"company": "amazon"}).json()
    assert [e["id"] for e in page["results"]] == [letter.pk]
    assert [c["slug"] for c in page["results"][0]["controversies"]] == [police.slug, ice.slug]
    assert page["results"][0]["controversy"]["slug"] == police.slug
    for case in (police, ice):
        listed = client.get("/api/events", {"controversy": case.slug}).json()["results"]
        assert [e["id"] for e in listed] == [letter.pk]


def test_each_timeline_export_names_both_cases(client, shared):
    police, ice, _letter = shared
    response = client.get(f"/exports/controversies/{ice.slug}/timeline.json")
    rows = json.loads(b"".join(response.streaming_content))
    assert [r["controversies"] for r in rows] == [[police.slug, ice.slug]]
    response = client.get("/exports/controversies.json", {"company": "amazon"})
    listed = json.loads(b"".join(response.streaming_content))
    assert sorted(r["slug"] for r in listed) == ["ice", "police"]


def test_both_cases_count_it_and_filters_find_both(client, shared):
    html = client.get("/controversies/", {"organisation": "aclu", "year_from": 2019}).content
    html = html.decode()
    assert "Rekognition sold to police" in html and "Rekognition pitched to ICE" in html
    assert html.count("· 1 event") == 2
