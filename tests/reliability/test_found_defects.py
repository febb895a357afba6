"""Regression tests for defects the hostile-input corpus found, each pinned down alone."""

from __future__ import annotations

import pytest

from controversies.canonical import MAX_URL_LENGTH, InvalidURL, canonicalize_url
from ingestion.fetch import FetchError, fetch_page
from ingestion.pipeline.poll import FeedParseError, parse_feed


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
