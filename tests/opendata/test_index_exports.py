"""Feeds and downloads of the index pages: exactly the records the page lists."""

from __future__ import annotations

import csv
import io
import json
import time

import feedparser
import pytest
from django.conf import settings
from django.core.cache import cache
from django.http import StreamingHttpResponse

from controversies import index_selectors
from opendata import csvsafe
from tests import factories as f
from tests.controversies.test_view_indexes import rows as page_rows
from tests.scenarios import World, rekognition_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def indexed(db: None) -> World:
    return rekognition_world()


def _body(response) -> str:
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content).decode()


def _csv(client, url: str) -> list[dict[str, str]]:
    response = client.get(url)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(_body(response))))


def _json(client, url: str) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return json.loads(_body(response))


def _every_page(client, path: str) -> list[tuple[str, ...]]:
    """The rows of every page of the listing, in order."""
    listed, number = [], 1
    while True:
        response = client.get(f"{path}&page={number}")
        listed += page_rows(response)
        if 'rel="next"' not in response.content.decode():
            return listed
        number += 1


def _shown(row: dict, *, kind: bool) -> tuple[str, ...]:
    """A download's row as the page shows it."""
    from controversies.models import Organization

    latest = row["latest_activity_on"]
    date = (
        f"{int(latest[8:])} {time.strftime('%b', time.strptime(latest[5:7], '%m'))} {latest[:4]}"
        if latest
        else "none recorded"
    )
    kinds = dict(Organization.Kind.choices)
    middle = (kinds[row["kind"]],) if kind else ()
    return (row["name"], *middle, str(row["controversies"]), date)


def test_the_csv_holds_every_page_of_what_the_page_lists(client, indexed, monkeypatch):
    monkeypatch.setattr(index_selectors, "PAGE_SIZE", 2)
    for n in range(3):
        f.InvestorFactory(name=f"Pension fund {n}")
    query = "kind=investor&sort=name"
    on_pages = _every_page(client, f"/organizations/?{query}")
    assert len(on_pages) > 2  # more than one page
    exported = _csv(client, f"/exports/organizations.csv?{query}")
    assert [_shown(row, kind=True) for row in exported] == on_pages
    assert {row["kind"] for row in exported} == {"investor"}
    assert exported[0].keys() == {
        "slug", "name", "kind", "controversies", "latest_activity_on", "url",
    }  # fmt: skip


def test_the_json_holds_what_a_search_lists_in_its_order(client, indexed):
    indexed.amazon.aliases = "Amazon.com"
    indexed.amazon.save()
    query = "q=a"
    on_page = page_rows(client.get(f"/organizations/?{query}"))
    exported = _json(client, f"/exports/organizations.json?{query}")
    assert [_shown(row, kind=True) for row in exported] == on_page
    amazon = next(row for row in exported if row["slug"] == "amazon")
    assert amazon == {
        "slug": "amazon",
        "name": "Amazon",
        "kind": "company",
        "controversies": 1,
        "latest_activity_on": "2021-01-01",
        "url": "/organizations/amazon/",
    }


@pytest.mark.parametrize("index", ["products", "campaigns", "coalitions", "topics"])
def test_every_index_has_downloads_matching_its_page(client, indexed, index):
    on_page = page_rows(client.get(f"/{index}/?sort=name"))
    assert on_page
    assert [_shown(r, kind=False) for r in _csv(client, f"/exports/{index}.csv?sort=name")] == (
        on_page
    )
    assert [_shown(r, kind=False) for r in _json(client, f"/exports/{index}.json?sort=name")] == (
        on_page
    )


def test_topic_rows_link_to_their_controversies(client, indexed):
    (policing,) = [r for r in _json(client, "/exports/topics.json") if r["slug"] == "policing"]
    assert policing["url"] == "/controversies/?topic=policing"


def test_the_csv_defuses_a_formula_in_a_name(client, indexed):
    f.AdvocacyGroupFactory(name='=HYPERLINK("https://evil.example","x")', slug="evil")
    (row,) = [r for r in _csv(client, "/exports/organizations.csv") if r["slug"] == "evil"]
    assert row["name"].startswith(csvsafe.PREFIX + "=")
    (same,) = [r for r in _json(client, "/exports/organizations.json") if r["slug"] == "evil"]
    assert same["name"].startswith("=")


@pytest.mark.parametrize(
    "url",
    [
        "/exports/organizations.csv?kind=regulator",
        "/exports/organizations.json?kind=regulator",
        "/feeds/organizations/?kind=regulator",
        "/exports/products.csv?kind=company",
        "/exports/topics.json?sort=newest",
        "/feeds/campaigns/?sort=newest",
    ],
)
def test_an_unknown_value_is_refused_naming_it(client, indexed, url):
    response = client.get(url)
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    parameter, value = url.rsplit("?", 1)[1].split("=")
    assert response.content.decode() == f"Unknown value for {parameter}: “{value}”.\n"


def test_a_search_that_finds_nothing_gives_an_empty_file(client, indexed):
    assert _json(client, "/exports/organizations.json?q=zzzz") == []
    assert _csv(client, "/exports/organizations.csv?q=zzzz") == []


def _feed(client, url: str) -> feedparser.FeedParserDict:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.author == settings.SITE_NAME
    return feed


def test_the_feed_lists_the_records_latest_activity_first(client, indexed):
    feed = _feed(client, "/feeds/organizations/")
    assert [e.title for e in feed.entries] == [
        "Microsoft",  # 2 Nov 2023
        "Amazon",  # the three of 1 Jan 2021 by name
        "American Civil Liberties Union",
        "Open MIC",
        "Electronic Frontier Foundation",  # 11 Jun 2020
    ]  # records with no activity have nothing to announce
    first = feed.entries[0]
    assert first.link == "http://testserver/organizations/microsoft/"
    assert first.updated.startswith("2023-11-02")
    assert first.summary == "Company: 2 controversies, latest activity 2 November 2023."


def test_the_feed_is_filtered_like_the_page(client, indexed):
    feed = _feed(client, "/feeds/organizations/?kind=advocacy_group&q=foundation")
    assert [e.title for e in feed.entries] == ["Electronic Frontier Foundation"]
    assert feed.feed.link == "http://testserver/organizations/?kind=advocacy_group&q=foundation"
    topics = _feed(client, "/feeds/topics/")
    assert [e.title for e in topics.entries] == ["Misinformation", "Facial recognition", "Policing"]
    assert topics.entries[0].link == "http://testserver/controversies/?topic=misinformation"


def test_downloads_and_feeds_are_rate_limited(client, indexed, settings):
    settings.EXPORT_RATE_LIMIT = "1/m"
    settings.FEED_RATE_LIMIT = "1/m"
    address = "198.51.100.77"
    window = int(time.time() // 60)
    cache.delete_many(
        [
            f"ratelimit:{c}:{address}:60:{w}"
            for c in ("exports", "feeds")
            for w in (window, window + 1)
        ]
    )
    for url in ("/exports/organizations.csv", "/feeds/topics/"):
        assert client.get(url, REMOTE_ADDR=address).status_code == 200
        assert client.get(url, REMOTE_ADDR=address).status_code == 429


def test_a_download_reads_its_rows_a_chunk_at_a_time(
    client, indexed, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(index_selectors, "CHUNK_SIZE", 4)
    for _ in range(10):
        f.CompanyFactory()
    total = len(index_selectors.standing(index_selectors.INDEXES["organizations"]).by_name)
    with django_assert_max_num_queries(-(-total // 4) + 2):
        assert len(_json(client, "/exports/organizations.json")) == total


def test_every_index_column_is_documented():
    from pathlib import Path

    from opendata.index_exports import columns

    doc = (Path(__file__).resolve().parents[2] / "docs" / "data-dictionary.md").read_text()
    for index in index_selectors.INDEXES.values():
        for column in columns(index):
            assert f"| `{column.name}` |" in doc, column.name
