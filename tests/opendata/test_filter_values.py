"""Filter values in the API, the exports and the Atom feed: a name or an alias works like
the slug, a known record involved in nothing gives an empty result, and a value that
names nothing (or several records) is refused with a 400 that names the parameter and
the value, never answered with every controversy."""

from __future__ import annotations

import csv
import io

import feedparser
import pytest

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def named(world):
    """The world's organisations with the names and aliases the news uses."""
    world.aclu.name = "American Civil Liberties Union"
    world.aclu.aliases = "ACLU\nAmerican Civil Liberties Union Foundation"
    world.aclu.save()
    world.amazon.aliases = "Amazon.com\n  Amazon.com, Inc.  \n"
    world.amazon.save()
    return world


def _api(client, url: str, status: int = 200) -> dict:
    response = client.get(url)
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def _api_slugs(client, url: str) -> list[str]:
    return [row["slug"] for row in _api(client, url)["results"]]


def _csv_slugs(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, response.content
    body = b"".join(response.streaming_content).decode()
    return [row["slug"] for row in csv.DictReader(io.StringIO(body))]


def _feed_titles(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return [entry.title for entry in feedparser.parse(response.content).entries]


def _refusal(client, url: str) -> str:
    """The plain-text 400 of an export or feed."""
    response = client.get(url)
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert not response.streaming
    return response.content.decode()


# --- an unknown value is a 400 naming the parameter and the value ---------------------------


def test_the_api_refuses_an_unknown_company_with_a_json_400(client, world):
    data = _api(client, "/api/controversies?company=alphabet", status=400)
    assert data["detail"] == 'Unknown company "alphabet".'
    assert data["errors"] == [{"parameter": "company", "value": "alphabet", "problem": "unknown"}]
    data = _api(client, "/api/events?organization=nobody", status=400)
    assert data["detail"] == 'Unknown organization "nobody".'


@pytest.mark.parametrize(
    "url",
    [
        "/exports/controversies.csv?company=alphabet",
        "/exports/controversies.json?company=alphabet",
        "/feeds/controversies/?company=alphabet",
        "/exports/resolutions.csv?company=alphabet",
    ],
)
def test_exports_and_the_feed_refuse_an_unknown_company_in_plain_text(client, world, url):
    assert _refusal(client, url).strip() == 'Unknown company "alphabet".'


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("organisation=nobody", 'Unknown organisation "nobody".'),
        ("organization=nobody", 'Unknown organization "nobody".'),
        ("topic=astrology", 'Unknown topic "astrology".'),
        ("coalition=the-league", 'Unknown coalition "the-league".'),
        ("product=skynet", 'Unknown product "skynet".'),
        ("year_from=abc", 'Invalid year_from "abc"'),
    ],
)
def test_every_filter_names_its_parameter_and_value(client, world, query, expected):
    param, value = query.split("=")
    detail = _api(client, f"/api/controversies?{query}", status=400)["detail"]
    assert f'{param} "{value}"' in detail
    assert _refusal(client, f"/exports/controversies.csv?{query}").startswith(expected)
    assert _refusal(client, f"/feeds/controversies/?{query}").startswith(expected)


# --- a known record that is involved in nothing gives an empty result ------------------------


def test_a_known_organisation_without_controversies_gives_an_empty_result(client, world):
    factories.AdvocacyGroupFactory(name="Quiet Group", slug="quiet-group")
    for query in ("organisation=quiet-group", "organization=Quiet+Group", "company=quiet-group"):
        assert _api(client, f"/api/controversies?{query}")["results"] == []
        assert _csv_slugs(client, f"/exports/controversies.csv?{query}") == []
        assert _feed_titles(client, f"/feeds/controversies/?{query}") == []


def test_an_organisation_that_is_never_a_target_gives_no_company_result(client, world):
    # The ACLU acts in events but no controversy targets it.
    assert _api_slugs(client, "/api/controversies?organisation=aclu") == ["amazon-rekognition"]
    assert _api_slugs(client, "/api/controversies?company=aclu") == []
    assert _csv_slugs(client, "/exports/controversies.csv?company=aclu") == []
    assert _feed_titles(client, "/feeds/controversies/?company=aclu") == []


def test_known_topics_coalitions_and_products_without_controversies_give_empty_results(
    client, world
):
    factories.TopicFactory(name="Astrology", slug="astrology")
    factories.CoalitionFactory(name="Idle coalition", slug="idle")
    factories.ProductFactory(name="Vapourware", slug="vapourware")
    for query in ("topic=astrology", "coalition=idle", "product=Vapourware"):
        assert _api(client, f"/api/controversies?{query}")["results"] == []
        assert _feed_titles(client, f"/feeds/controversies/?{query}") == []
    assert _api(client, "/api/resolutions?topic=astrology")["results"] == []


# --- names and aliases ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "ACLU",
        "aclu+",
        "American+Civil+Liberties+Union",
        "american+civil+liberties+union+FOUNDATION",
    ],
)
def test_an_organisation_is_found_by_slug_name_or_alias_in_any_case(client, named, value):
    assert _api_slugs(client, f"/api/controversies?organisation={value}") == ["amazon-rekognition"]
    by_slug = _feed_titles(client, "/feeds/controversies/?organisation=aclu")
    assert len(by_slug) == 2
    assert _feed_titles(client, f"/feeds/controversies/?organization={value}") == by_slug


@pytest.mark.parametrize(
    "value", ["amazon", "Amazon", "Amazon.com", "AMAZON.COM", "amazon.com,+inc."]
)
def test_a_company_is_found_by_slug_name_or_alias_in_any_case(client, named, value):
    assert _api_slugs(client, f"/api/controversies?company={value}") == ["amazon-rekognition"]
    assert _csv_slugs(client, f"/exports/controversies.csv?company={value}") == [
        "amazon-rekognition"
    ]
    assert len(_feed_titles(client, f"/feeds/controversies/?company={value}")) == 2
    assert _api_slugs(client, f"/api/resolutions?company={value}") == ["amazon-2019-rekognition"]


def test_an_ambiguous_name_is_refused_with_its_candidates(client, named):
    factories.AdvocacyGroupFactory(
        name="ACLU of Northern California", slug="aclu-norcal", aliases="ACLU NorCal\nACLU"
    )
    data = _api(client, "/api/controversies?organisation=ACLU", status=400)
    assert data["errors"] == [
        {
            "parameter": "organisation",
            "value": "ACLU",
            "problem": "ambiguous",
            "candidates": ["aclu-norcal", "aclu"],
        }
    ]
    assert "aclu-norcal" in data["detail"] and "aclu" in data["detail"]
    assert _refusal(client, "/feeds/controversies/?organization=Aclu").startswith(
        'Ambiguous organization "Aclu": it names more than one record (aclu-norcal, aclu)'
    )
    assert "aclu-norcal, aclu" in _refusal(client, "/exports/controversies.csv?organisation=Aclu")
    # The exact slug is never ambiguous: every link the site writes uses it.
    assert _api_slugs(client, "/api/controversies?organisation=aclu") == ["amazon-rekognition"]
    assert _api_slugs(client, "/api/controversies?organisation=ACLU+NorCal") == []


# --- both spellings ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["aclu", "ACLU", "nobody"])
def test_both_spellings_give_the_same_answer(client, named, value):
    british = client.get(f"/api/controversies?organisation={value}")
    american = client.get(f"/api/controversies?organization={value}")
    assert british.status_code == american.status_code
    assert british.json().get("results") == american.json().get("results")
    british = client.get(f"/exports/controversies.json?organisation={value}")
    american = client.get(f"/exports/controversies.json?organization={value}")
    assert british.status_code == american.status_code
    if british.status_code == 200:
        assert b"".join(british.streaming_content) == b"".join(american.streaming_content)


def test_both_spellings_with_different_values_are_refused(client, named):
    data = _api(client, "/api/controversies?organisation=aclu&organization=google", status=400)
    assert data["errors"][0]["problem"] == "conflict"
    assert 'Conflicting organisation "aclu"' in data["detail"]
    # The same organisation twice is simply that organisation.
    assert _api_slugs(client, "/api/controversies?organisation=aclu&organization=ACLU") == [
        "amazon-rekognition"
    ]
