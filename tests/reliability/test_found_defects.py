"""Regression tests for defects the hostile-input corpus found, each pinned down alone."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

import pytest
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path

from controversies.canonical import MAX_URL_LENGTH, InvalidURL, canonicalize_url
from controversies.models import Organization
from controversies.search_selectors import MAX_TERMS
from ingestion.fetching import FetchError, fetch_page
from ingestion.pipeline.poll import FeedParseError, parse_feed
from tests import factories as f
from tests.reliability.payloads import OPERATOR_SOUP
from tests.reliability.processes import REPO


@pytest.mark.parametrize(
    "url",
    ["http://a\x00b.org/", "http://10.0.0.1/\x00x", "https://example.org/\r\nHost: evil"],
)
def test_it_refuses_a_url_with_control_characters(url):
    # PostgreSQL text cannot hold NUL: such a URL used to reach the database and fail
    # the whole feed poll with a DataError.
    with pytest.raises(InvalidURL, match="control characters"):
        canonicalize_url(url)


def test_it_refuses_a_url_too_long_to_store():
    # Article.canonical_url holds 2000 characters; a longer feed link used to crash the
    # poll with "value too long" and leave the feed's run unfinished.
    with pytest.raises(InvalidURL, match="longer than"):
        canonicalize_url("http://example.org/" + "a" * MAX_URL_LENGTH)


def test_it_keeps_a_long_url_that_fits():
    url = "http://example.org/" + "a" * (MAX_URL_LENGTH - 40)
    assert canonicalize_url(url) == url


def test_it_reports_a_redirect_to_an_unparseable_location(settings, news_site):
    # urllib raises ValueError("Invalid IPv6 URL") for such a Location; it used to
    # escape the fetcher and crash the article task instead of failing the article.
    settings.INGESTION_ALLOWED_HOSTS = [news_site.host_port]
    news_site.redirect("/moved", "http://[not-an-ip/")
    with pytest.raises(FetchError, match="unparseable Location") as error:
        fetch_page(news_site.url("/moved"))
    assert not error.value.transient


@pytest.mark.parametrize(
    "body",
    [
        b"<>&#xD800;",
        b'<rss version="2.0"><channel><title>&#xD800;</title></channel></rss>',
    ],
)
def test_it_refuses_a_feed_with_a_lone_surrogate_reference(body):
    # feedparser raised UnicodeEncodeError out of parse() for these (found by hypothesis);
    # the poll task crashed and left the feed's run unfinished.
    with pytest.raises(FeedParseError, match="could not be decoded"):
        parse_feed(body, content_type="application/rss+xml")


API_WITHOUT_DATABASE = """
import json, os, django
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
django.setup()
from django.test import Client, override_settings

with override_settings(API_RATE_LIMIT=""):
    response = Client().get("/api/controversies")
print(json.dumps({"status": response.status_code, "retry_after": response.get("Retry-After"),
                  "body": response.content.decode()}))
"""


def test_it_answers_the_api_with_a_503_when_the_database_is_down():
    # The API's catch-all handler answered 500 "Internal error" while PostgreSQL
    # restarted; clients should see a temporary 503, like the pages' friendly one.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "test-only-secret-key-not-for-production-long-enough-for-the-check",
        "ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{closed_port}/tracker",
    }
    env.pop("REDIS_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", API_WITHOUT_DATABASE],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["status"] == 503
    assert answer["retry_after"] == "30"
    assert "cannot reach its database" in json.loads(answer["body"])["detail"]
    assert "Traceback" not in answer["body"]


# --- Hostile query strings and path segments (issue 17) -------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query", ["-" * 33, "-" * 200, "- " * 100, OPERATOR_SOUP * 12, '"' * 101, "x" * 10_000]
)
def test_it_answers_a_degenerate_search_with_a_page(client, query):
    # 33 dashes or more made PostgreSQL's query parser raise "tsquery stack too small".
    f.ControversyFactory(title="Amazon Rekognition sold to police")
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Type a word to look for" in body or "only its first 200 characters" in body


@pytest.mark.django_db
def test_it_finds_the_words_inside_an_operator_soup(client):
    controversy = f.ControversyFactory(title="Amazon Rekognition sold to police")
    query = "-" * 40 + " rekognition " + OPERATOR_SOUP * 4
    response = client.get("/search/", {"q": query})
    assert controversy.get_absolute_url() in response.content.decode()


@pytest.mark.django_db
def test_it_asks_for_a_word_when_a_search_only_excludes_words(client):
    f.ControversyFactory(title="Amazon Rekognition sold to police")
    body = client.get("/search/", {"q": "-police -drones"}).content.decode()
    assert "Add a word to look for" in body


@pytest.mark.django_db
def test_it_says_when_it_searched_only_the_first_terms(client):
    query = " ".join(f"word{i}" for i in range(MAX_TERMS + 5))
    body = client.get("/search/", {"q": query}).content.decode()
    assert f"only the first {MAX_TERMS} were used" in body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/api/resolutions?year_to=0", "year_to"),
        ("/api/resolutions?year_from=99999", "year_from"),
        ("/api/controversies?year_to=0", "year_to"),
        ("/api/events?since=2024-13-45", "since"),
        ("/api/sources?aiid_report=1e309", "aiid_report"),
        ("/exports/resolutions.csv?year_to=0", "year_to"),
        ("/exports/resolutions.json?year_from=99999", "year_from"),
        ("/exports/controversies.csv?status=bogus", "status"),
    ],
)
def test_it_refuses_a_bad_filter_before_the_response_starts(client, settings, url, parameter):
    # The API answered 500 for a year outside the calendar, and the export answered 200
    # with only its header row (its stream broke on the first query).
    settings.API_RATE_LIMIT = ""
    response = client.get(url)
    assert response.status_code == 400
    # The API answers JSON, the exports plain text (a client expecting a file shows it).
    message = response.json()["detail"] if url.startswith("/api/") else response.text
    assert parameter in message


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/api/resolutions?company=nobody", "/exports/controversies.json?company=nobody"]
)
def test_it_answers_400_for_a_filter_naming_no_record(client, settings, url):
    # Never every row under a filter's name: the value is refused, naming it.
    settings.API_RATE_LIMIT = ""
    response = client.get(url)
    assert response.status_code == 400
    message = response.json()["detail"] if url.startswith("/api/") else response.text
    assert message.strip() == 'Unknown company "nobody".'


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kind", ["controversies", "organizations", "products", "coalitions", "campaigns", "resolutions"]
)
@pytest.mark.parametrize("segment", ["%00", "a%00b", "%ED%A0%80"])
def test_it_answers_a_json_404_for_an_unmatchable_api_slug(client, settings, kind, segment):
    # A NUL in the slug reached PostgreSQL, which cannot compare text with NUL: a 500.
    settings.API_RATE_LIMIT = ""
    response = client.get(f"/api/{kind}/{segment}")
    assert response.status_code == 404
    assert response.json()["detail"]


def _organization_named(request, name: str) -> HttpResponse:
    organization = get_object_or_404(Organization, slug=name)
    return HttpResponse(organization.name)


# A route that takes any text, as the admin's <path:object_id> does: the rule for path
# parameters must not depend on each route's converter.
urlpatterns = [path("any-text/<str:name>/", _organization_named)]


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_it_answers_404_for_a_nul_in_any_path_parameter(client):
    assert client.get("/any-text/a%00b/").status_code == 404
    assert client.get("/any-text/nobody/").status_code == 404


@pytest.mark.django_db
def test_it_states_the_api_constraints_in_its_schema(client):
    # The schema said "any string" where the API refused most: schemathesis counted every
    # such refusal as a broken promise (tests/opendata/test_api_conformance.py runs it).
    schema = client.get("/api/openapi.json").json()

    def parameter(path: str, name: str) -> dict:
        for candidate in schema["paths"][path]["get"]["parameters"]:
            if candidate["name"] == name:
                return candidate["schema"].get("anyOf", [candidate["schema"]])[0]
        raise AssertionError(f"{path} has no parameter {name}")

    assert parameter("/api/resolutions", "year_to") == {
        "type": "integer",
        "minimum": 1900,
        "maximum": 2100,
    }
    assert parameter("/api/controversies", "status")["enum"] == ["ongoing", "resolved", "dormant"]
    assert "pattern" in parameter("/api/controversies", "company")
    assert "pattern" in parameter("/api/controversies", "cursor")
    url = parameter("/api/tracked", "url")
    assert url["format"] == "uri" and url["minLength"] > 0
    assert client.get("/api/tracked", {"url": ""}).status_code == 400
