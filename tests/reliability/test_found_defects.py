"""Regression tests for defects the hostile-input corpus found, each pinned down alone."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

import pytest

from controversies.canonical import MAX_URL_LENGTH, InvalidURL, canonicalize_url
from ingestion.fetch import FetchError, fetch_page
from ingestion.pipeline.poll import FeedParseError, parse_feed
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
        "SECRET_KEY": "test-only-secret-key-not-for-production",
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
