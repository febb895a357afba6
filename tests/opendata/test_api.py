from __future__ import annotations

import re

import pytest
from django.core.cache import cache

from controversies.models import Controversy, Event, Source
from tests import factories

pytestmark = pytest.mark.django_db


def _get(client, url: str, status: int = 200, **headers) -> dict:
    response = client.get(url, **headers)
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def _slugs(page: dict, key: str = "slug") -> list:
    return [row[key] for row in page["results"]]


# --- list and detail for every resource ----------------------------------------------------


def test_it_lists_controversies_with_their_companies_and_ids(client, world):
    page = _get(client, "/api/controversies")
    assert _slugs(page) == ["amazon-rekognition", "project-maven", "old-chatbot"]
    first = page["results"][0]
    assert first["companies"] == [{"slug": "amazon", "name": "Amazon", "kind": "company"}]
    assert first["aiid_incident_id"] == 42
    assert first["url"] == "/controversies/amazon-rekognition/"
    assert page["next"] is None


def test_it_shows_a_controversy_with_its_timeline_and_sources(client, world):
    data = _get(client, "/api/controversies/amazon-rekognition")
    assert [e["title"] for e in data["events"]] == [
        "ACLU reveals sales to police",
        "Test misidentifies 28 members of Congress",
    ]
    second = data["events"][1]
    assert [s["source"]["url"] for s in second["sources"]] == [
        "https://www.aclu.org/blog/rekognition-test",
        "https://www.aclu.org/letter",
    ]
    assert second["display_date"] == "26 July 2018"


def test_it_lists_events_newest_first_and_shows_one(client, world):
    page = _get(client, "/api/events")
    assert [e["occurred_on"] for e in page["results"]] == [
        "2018-07-26",
        "2018-06-01",
        "2018-05-22",
        "2016-01-01",
    ]
    event_id = page["results"][0]["id"]
    data = _get(client, f"/api/events/{event_id}")
    assert data["controversy"] == {
        "slug": "amazon-rekognition",
        "title": "Amazon Rekognition sold to police",
    }
    assert data["actors"] == [
        {
            "organization": {"slug": "aclu", "name": "ACLU", "kind": "advocacy_group"},
            "role": "author",
        }
    ]


def test_it_lists_and_shows_organisations(client, world):
    page = _get(client, "/api/organizations?kind=company")
    assert set(_slugs(page)) >= {"amazon", "google"}
    assert "aclu" not in _slugs(page)
    assert _get(client, "/api/organizations/amazon")["sec_cik"] == "0001018724"


def test_it_lists_and_shows_products(client, world):
    assert _slugs(_get(client, "/api/products?developer=amazon")) == ["rekognition"]
    data = _get(client, "/api/products/rekognition")
    assert data["developer"]["slug"] == "amazon"


def test_it_lists_and_shows_coalitions(client, world):
    assert _slugs(_get(client, "/api/coalitions?member=aclu")) == ["fsc"]
    data = _get(client, "/api/coalitions/fsc")
    assert [m["organization"]["slug"] for m in data["members"]] == ["aclu"]


def test_it_lists_and_shows_campaigns(client, world):
    assert _slugs(_get(client, "/api/campaigns?target=amazon")) == ["stop-rekognition"]
    data = _get(client, "/api/campaigns/stop-rekognition")
    assert data["controversies"] == [
        {"slug": "amazon-rekognition", "title": "Amazon Rekognition sold to police"}
    ]
    assert data["demands"][0]["statuses"][0]["status"] == "made"


def test_it_lists_and_shows_resolutions_with_votes(client, world):
    assert _slugs(_get(client, "/api/resolutions?company=amazon")) == ["amazon-2019-rekognition"]
    data = _get(client, "/api/resolutions/amazon-2019-rekognition")
    assert data["company"]["slug"] == "amazon"
    assert data["vote"]["support_for_against_pct"] == "2.50"
    assert data["co_filers"][0]["slug"] == "aclu"
    assert data["adviser_recommendations"][0]["recommendation"] == "for"
    assert _get(client, "/api/resolutions/google-2021-ai")["vote"] is None


def test_it_lists_and_shows_sources(client, world):
    page = _get(client, "/api/sources?controversy=amazon-rekognition")
    assert sorted(r["url"] for r in page["results"]) == [
        "https://www.aclu.org/blog/rekognition-test",
        "https://www.aclu.org/letter",
    ]
    source = Source.objects.get(url="https://www.aclu.org/letter")
    assert _get(client, f"/api/sources/{source.pk}")["title"] == "ACLU letter to Amazon"


# --- filters -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("company=google", ["project-maven"]),
        ("product=rekognition", ["amazon-rekognition"]),
        ("organisation=aclu", ["amazon-rekognition"]),
        ("organization=aclu", ["amazon-rekognition"]),
        ("coalition=fsc", ["amazon-rekognition"]),
        ("topic=military-use", ["project-maven"]),
        ("status=dormant", ["old-chatbot"]),
        ("year_from=2018", ["amazon-rekognition", "project-maven"]),
        ("year_to=2017", ["old-chatbot"]),
        ("year_from=2018&year_to=2018", ["amazon-rekognition", "project-maven"]),
        ("year_from=2018&year_to=2016", ["amazon-rekognition", "project-maven", "old-chatbot"]),
        ("year_from=2017&year_to=2017", []),
        ("q=rekognition", ["amazon-rekognition"]),
        ("aiid=42", ["amazon-rekognition"]),
        ("aiaaic=aiaaic0123", ["project-maven"]),
        ("company=amazon&status=resolved", []),
        # an unknown parameter is no filter
        ("whatever=1", ["amazon-rekognition", "project-maven", "old-chatbot"]),
    ],
)
def test_it_filters_controversies_like_the_pages(client, world, query, expected):
    assert _slugs(_get(client, f"/api/controversies?{query}")) == expected


@pytest.mark.parametrize(
    "query",
    ["year_from=soon", "status=bogus", "year_to=0", "year_from=99999", "company=no%20body"],
)
def test_it_refuses_a_malformed_filter_with_a_400(client, world, query):
    name = query.split("=")[0]
    assert name in _get(client, f"/api/controversies?{query}", status=400)["detail"]


def test_it_answers_400_for_a_value_that_names_no_record(client, world):
    data = _get(client, "/api/controversies?company=nobody&topic=nothing", status=400)
    assert data["detail"] == 'Unknown company "nobody". Unknown topic "nothing".'
    assert data["errors"] == [
        {"parameter": "company", "value": "nobody", "problem": "unknown"},
        {"parameter": "topic", "value": "nothing", "problem": "unknown"},
    ]


def test_it_filters_events_by_controversy_filters_and_kind(client, world):
    page = _get(client, "/api/events?company=amazon&kind=research")
    assert [e["title"] for e in page["results"]] == ["Test misidentifies 28 members of Congress"]
    page = _get(client, "/api/events?since=2018-06-01&until=2018-06-30")
    assert [e["title"] for e in page["results"]] == ["Google will not renew Maven"]


def test_it_finds_organisations_by_external_id(client, world):
    assert _slugs(_get(client, "/api/organizations?sec_cik=1018724")) == ["amazon"]
    assert _slugs(_get(client, "/api/organizations?wikidata=q95")) == ["google"]
    factories.OrganizationFactory(name="YouTube", slug="youtube", aiid_slug="youtube")
    assert _slugs(_get(client, "/api/organizations?aiid=youtube")) == ["youtube"]


def test_it_finds_sources_by_aiid_report_number(client, world):
    factories.SourceFactory(url="https://example.org/r", aiid_report_number=1234)
    page = _get(client, "/api/sources?aiid_report=1234")
    assert [r["url"] for r in page["results"]] == ["https://example.org/r"]


# --- cursor pagination ----------------------------------------------------------------------


def test_it_pages_with_a_cursor_until_the_end(client, world):
    for n in range(7):
        factories.EventFactory(controversy=world.dormant, title=f"Extra {n}")
    seen = []
    url = "/api/events?limit=3&controversy=old-chatbot"
    pages = 0
    while url:
        page = _get(client, url)
        assert len(page["results"]) <= 3
        seen += [e["id"] for e in page["results"]]
        url = page["next"]
        pages += 1
    expected = list(
        Event.objects.filter(controversies=world.dormant)
        .order_by("-occurred_on", "-id")
        .values_list("id", flat=True)
    )
    assert seen == expected
    assert pages == 3


def test_it_keeps_filters_in_the_next_link(client, world):
    page = _get(client, "/api/controversies?limit=1&year_from=2018")
    assert "year_from=2018" in page["next"]
    second = _get(client, page["next"])
    assert _slugs(second) == ["project-maven"]
    assert second["next"] is None


def test_it_answers_400_for_a_malformed_cursor(client, world):
    data = _get(client, "/api/controversies?cursor=not a cursor!", status=400)
    assert "cursor" in data["detail"]


def test_it_answers_404_for_a_cursor_it_did_not_give_out(client, world):
    data = _get(client, "/api/controversies?cursor=not-a-cursor", status=404)
    assert "No such page" in data["detail"]


def test_it_refuses_a_cursor_from_another_listing(client, world):
    cursor = _get(client, "/api/controversies?limit=1")["next_cursor"]
    assert _get(client, f"/api/sources?cursor={cursor}", status=404)["detail"].startswith(
        "No such page"
    )


def test_it_answers_400_for_a_bad_limit(client, world):
    data = _get(client, "/api/controversies?limit=100000", status=400)
    assert "limit" in data["detail"]
    _get(client, "/api/events?limit=many", status=400)


# --- errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/controversies/nope",
        "/api/events/999999",
        "/api/organizations/nope",
        "/api/products/nope",
        "/api/coalitions/nope",
        "/api/campaigns/nope",
        "/api/resolutions/nope",
        "/api/sources/999999",
        "/api/no-such-endpoint",
        "/api/events/not-a-number",
    ],
)
def test_it_answers_404_in_json(client, world, url):
    assert _get(client, url, status=404)["detail"]


def test_it_answers_429_with_retry_after_when_a_client_exceeds_the_limit(client, world, settings):
    settings.API_RATE_LIMIT = "3/m"
    address = "198.51.100.7"
    for _ in range(3):
        _get(client, "/api/controversies", REMOTE_ADDR=address)
    response = client.get("/api/controversies", REMOTE_ADDR=address)
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "Too many requests" in response.json()["detail"]
    # Another client is not affected, and pages outside /api/ are not limited.
    _get(client, "/api/controversies", REMOTE_ADDR="198.51.100.8")
    assert client.get("/feeds/events/", REMOTE_ADDR=address).status_code == 200


@pytest.mark.services
def test_it_shares_the_count_between_workers_through_redis(client, world, settings):
    # GIVEN another worker process has already used up this client's window in Redis,
    # WHEN the client asks again here, THEN it is refused: the count is not per-process.
    import time

    import redis

    settings.API_RATE_LIMIT = "5/h"
    address = "198.51.100.9"
    key = f"ratelimit:api:{address}:3600:{int(time.time() // 3600)}"
    other_worker = redis.Redis.from_url(settings.REDIS_URL)
    other_worker.set(cache.make_key(key), 5, ex=3600)
    try:
        assert client.get("/api/controversies", REMOTE_ADDR=address).status_code == 429
        assert int(other_worker.get(cache.make_key(key))) == 6
    finally:
        other_worker.delete(cache.make_key(key))


def test_it_answers_cors_for_get_on_the_api_and_feeds_only(client, world):
    origin = {"HTTP_ORIGIN": "https://newsroom.example"}
    assert client.get("/api/controversies", **origin)["Access-Control-Allow-Origin"] == "*"
    assert client.get("/feeds/events/", **origin)["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Origin" not in client.get("/not-open-data/", **origin)
    preflight = client.options(
        "/api/controversies",
        HTTP_ORIGIN="https://newsroom.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert preflight["Access-Control-Allow-Methods"] == "GET"


def test_it_is_read_only(client, world):
    response = client.post("/api/controversies", {"title": "x"})
    assert response.status_code == 405
    assert "read-only" in response.json()["detail"]
    assert response["Allow"] == "GET"
    assert Controversy.objects.count() == 3


# --- schema and docs ------------------------------------------------------------------------


def test_it_describes_every_endpoint_in_the_openapi_schema(client):
    from opendata.api.routes import api

    schema = _get(client, "/api/openapi.json")
    documented = set(schema["paths"])
    # The schema names path parameters without their converters ({slug:slug} -> {slug}).
    routed = {re.sub(r"\{\w+:", "{", f"/api{path}") for path in api._routers[0][1].path_operations}
    assert routed <= documented
    for resource in (
        "controversies",
        "events",
        "organizations",
        "products",
        "coalitions",
        "campaigns",
        "resolutions",
        "sources",
    ):
        assert f"/api/{resource}" in documented
        assert any(p.startswith(f"/api/{resource}/{{") for p in documented)
    assert "/api/tracked" in documented
    params = [p["name"] for p in schema["paths"]["/api/controversies"]["get"]["parameters"]]
    for name in (
        "company",
        "product",
        "organization",
        "coalition",
        "topic",
        "status",
        "year_from",
        "year_to",
        "q",
        "aiid",
        "aiaaic",
        "limit",
        "cursor",
    ):
        assert name in params
    responses = schema["paths"]["/api/controversies/{slug}"]["get"]["responses"]
    assert {"200", "404"} <= set(responses)


def test_it_serves_browsable_docs_without_a_cdn(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    assert '"validatorUrl": null' in html
    # ... and the script is a local static file that collectstatic will ship.
    from django.contrib.staticfiles import finders

    assert finders.find("ninja/swagger-ui-bundle.js")


def test_it_counts_a_coalition_member_as_involved(client, world):
    # GIVEN a group whose only link is membership of a coalition that signed an event,
    # THEN the organisation filter still finds the controversy.
    member = factories.AdvocacyGroupFactory(name="Fight for the Future", slug="fftf")
    coalition = world.rekognition.events.first().coalitions.get()
    factories.CoalitionMembershipFactory(coalition=coalition, organization=member)
    assert _slugs(_get(client, "/api/controversies?organisation=fftf")) == ["amazon-rekognition"]


def test_it_answers_an_unexpected_failure_in_json_without_details(client, world, monkeypatch):
    # GIVEN a bug deep in a listing, THEN the client gets a JSON 500 that leaks nothing.
    from opendata.api import routes

    def broken():
        raise RuntimeError("secret internals")

    monkeypatch.setattr(routes, "_controversies", broken)
    data = _get(client, "/api/controversies", status=500)
    assert data == {"detail": "Internal error; it has been logged."}
