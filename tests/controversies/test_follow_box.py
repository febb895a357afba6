"""The "Follow / download" box of every public page: the Atom feed, CSV and JSON downloads
and the API query, each giving exactly what the page shows (its filters included), and
the page's feed announced in the head."""

from __future__ import annotations

import csv
import html
import io
import json
import re

import feedparser
import pytest

from controversies.models import Event

pytestmark = pytest.mark.django_db

KINDS = ("feed", "csv", "json", "api")


def follow_links(page: str) -> dict[str, str]:
    """The box's links by kind, unescaped as a browser would follow them."""
    box = re.search(r'<section class="follow-box".*?</section>', page, re.S)
    assert box, "the page has a Follow / download box"
    assert re.search(r"<h[23] id=\"follow-heading\"[^>]*>Follow / download</h[23]>", box[0])
    links = re.findall(r'<a href="([^"]+)"[^>]*data-follow="(\w+)"', box[0])
    return {kind: html.unescape(href) for href, kind in links}


def head_feed(page: str) -> list[str]:
    head = page[: page.index("</head>")]
    return [
        html.unescape(href)
        for href in re.findall(
            r'<link rel="alternate" type="application/atom\+xml" title="[^"]*" href="([^"]+)"',
            head,
        )
    ]


def get_page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def csv_rows(client, url: str) -> list[dict[str, str]]:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def json_rows(client, url: str) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/json")
    return json.loads(b"".join(response.streaming_content))


def api_results(client, url: str) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.json()["results"]


def feed_entries(client, url: str) -> feedparser.FeedParserDict:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed.entries


def listed_controversies(page: str) -> list[str]:
    return re.findall(r'<h3><a href="/controversies/([^"/]+)/">', page)


def event_ids(entries) -> set[int]:
    return {int(entry.link.rsplit("#event-", 1)[1]) for entry in entries}


PAGES = [
    "/controversies/",
    "/controversies/?company=microsoft",
    "/controversies/amazon-rekognition/",
    "/organizations/amazon/",
    "/organizations/aclu/",
    "/organizations/amazon/shareholder-record/",
    "/organizations/open-mic/shareholder-record/",
    "/products/rekognition/",
    "/campaigns/rekognition-shareholders/",
    "/coalitions/face-coalition/",
    "/resolutions/",
    "/resolutions/?company=amazon",
    "/resolutions/amazon-2019-rekognition-ban/",
    "/search/?q=police",
]

# The resolution pages follow resolutions, which the email alerts do not.
EMAIL_PAGES = [
    url
    for url in PAGES
    if not url.startswith("/resolutions/") and not url.endswith("/shareholder-record/")
]


@pytest.mark.parametrize("url", PAGES)
def test_every_page_offers_its_feed_downloads_and_api_query(client, world, url):
    page = get_page(client, url)
    links = follow_links(page)
    # Pages about controversies also offer email alerts (tests/alerts/, follow box).
    email = links.pop("email", None)
    assert (email is not None) == (url in EMAIL_PAGES)
    assert set(links) == set(KINDS)
    # Feed readers find the page's own feed (and still the site-wide one).
    assert head_feed(page) == ["/feeds/events/", links["feed"]]
    # Every link works and gives what it says.
    assert feed_entries(client, links["feed"]) is not None
    assert csv_rows(client, links["csv"])
    assert json_rows(client, links["json"])
    assert client.get(links["api"]).status_code == 200
    assert links["api"].startswith("/api/")


def test_each_link_is_named_for_what_it_gives(client, world):
    page = get_page(client, "/organizations/amazon/")
    box = re.search(r'<section class="follow-box".*?</section>', page, re.S)[0]
    assert '<section class="follow-box" aria-labelledby="follow-heading">' in box
    assert "Controversies involving Amazon" in box
    names = [
        re.sub(r"<[^>]+>", "", name)
        for name in re.findall(r"<a [^>]*data-follow[^>]*>(.*?)</a>", box, re.S)
    ]
    assert names == [
        "Follow by email: Controversies involving Amazon",
        "Atom feed: Controversies involving Amazon",
        "CSV download: Controversies involving Amazon",
        "JSON download: Controversies involving Amazon",
        "API query: Controversies involving Amazon",
    ]


def test_a_page_without_follow_links_shows_no_box_and_only_the_site_feed(client, world):
    page = get_page(client, "/search/")
    assert 'class="follow-box"' not in page
    assert head_feed(page) == ["/feeds/events/"]


FILTERED = [
    "company=microsoft&topic=facial-recognition",
    "topic=facial-recognition",
    "coalition=face-coalition",
    "organisation=aclu&year_from=2018&year_to=2019",
    "status=dormant",
    "q=police",
]


@pytest.mark.parametrize("query", FILTERED)
def test_the_links_of_a_filtered_list_give_exactly_its_rows(client, world, query):
    page = get_page(client, f"/controversies/?{query}")
    shown = listed_controversies(page)
    assert shown, "each filter keeps something"
    assert len(shown) < 3 or query == "q=police", "and drops something"
    links = follow_links(page)

    assert [row["slug"] for row in csv_rows(client, links["csv"])] == shown
    assert [row["slug"] for row in json_rows(client, links["json"])] == shown
    assert sorted(row["slug"] for row in api_results(client, links["api"])) == sorted(shown)
    expected_events = set(
        Event.objects.filter(controversies__slug__in=shown).values_list("pk", flat=True)
    )
    assert event_ids(feed_entries(client, links["feed"])) == expected_events


def test_a_filter_the_page_ignores_is_left_out_of_its_links(client, world):
    page = get_page(client, "/controversies/?company=nobody-at-all&status=ongoing")
    assert "Ignored the unknown company" in page
    links = follow_links(page)
    for kind in KINDS:
        assert "nobody-at-all" not in links[kind]
        assert "status=ongoing" in links[kind]
    shown = listed_controversies(page)
    assert shown == ["microsoft-face-api"]
    assert [row["slug"] for row in csv_rows(client, links["csv"])] == shown


def test_a_typed_name_becomes_the_slug_in_the_links(client, world):
    page = get_page(client, "/controversies/?company=Amazon")
    links = follow_links(page)
    assert "company=amazon" in links["csv"]
    assert [row["slug"] for row in csv_rows(client, links["csv"])] == ["amazon-rekognition"]


def test_the_box_says_which_filters_it_follows(client, world):
    page = get_page(client, "/controversies/?company=microsoft&topic=facial-recognition")
    assert (
        '<p class="follow-label">Controversies filtered by company “Microsoft”, '
        "topic “Facial recognition”</p>" in page
    )
    page = get_page(client, "/controversies/")
    assert '<p class="follow-label">All controversies</p>' in page
    page = get_page(client, "/resolutions/?company=amazon&status=voted")
    assert (
        '<p class="follow-label">Shareholder resolutions filtered by company “Amazon”, '
        "status “Voted”</p>" in page
    )


def test_the_case_page_links_follow_its_timeline_filter(client, world):
    page = get_page(client, "/controversies/amazon-rekognition/?kind=policy_change")
    links = follow_links(page)
    shown = {int(pk) for pk in re.findall(r'<li class="event" id="event-(\d+)"', page)}
    assert len(shown) == 2
    assert {int(row["event_id"]) for row in csv_rows(client, links["csv"])} == shown
    assert {row["event_id"] for row in json_rows(client, links["json"])} == shown
    assert {row["id"] for row in api_results(client, links["api"])} == shown
    assert event_ids(feed_entries(client, links["feed"])) == shown
    assert head_feed(page)[1] == links["feed"]


def test_the_case_page_links_follow_its_actor_filter_in_a_fragment_too(client, world):
    url = "/controversies/amazon-rekognition/?actor=aclu"
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    links = follow_links(fragment)
    shown = {int(pk) for pk in re.findall(r'<li class="event" id="event-(\d+)"', fragment)}
    assert len(shown) == 3
    assert {int(row["event_id"]) for row in csv_rows(client, links["csv"])} == shown
    assert event_ids(feed_entries(client, links["feed"])) == shown


def test_the_links_of_a_filtered_resolution_table_give_exactly_its_rows(client, world):
    page = get_page(client, "/resolutions/?company=amazon&year=2019&proponent=ssj-brentwood")
    shown = re.findall(r'href="/resolutions/([^"/]+)/"', page)
    assert shown == ["amazon-2019-rekognition-ban"]
    links = follow_links(page)
    assert "year_from=2019" in links["csv"] and "year_to=2019" in links["csv"]
    assert [row["slug"] for row in csv_rows(client, links["csv"])] == shown
    assert [row["slug"] for row in json_rows(client, links["json"])] == shown
    assert [row["slug"] for row in api_results(client, links["api"])] == shown
    entries = feed_entries(client, links["feed"])
    assert [entry.link for entry in entries] == [
        "http://testserver/resolutions/amazon-2019-rekognition-ban/"
    ]


def test_the_search_page_links_its_words_escaped(client, world):
    page = get_page(client, '/search/?q=police "<b>&amp')
    box = re.search(r'<section class="follow-box".*?</section>', page, re.S)[0]
    assert "<b>" not in box
    links = follow_links(page)
    assert links["csv"].startswith("/exports/controversies.csv?q=")
    assert "%3Cb%3E" in links["csv"]


def test_the_entity_pages_link_what_they_list(client, world):
    product = follow_links(get_page(client, "/products/rekognition/"))
    assert [r["slug"] for r in csv_rows(client, product["csv"])] == ["amazon-rekognition"]
    coalition = follow_links(get_page(client, "/coalitions/face-coalition/"))
    assert sorted(r["slug"] for r in csv_rows(client, coalition["csv"])) == [
        "amazon-rekognition",
        "microsoft-face-api",
    ]
    campaign = follow_links(get_page(client, "/campaigns/no-face-surveillance/"))
    assert [r["slug"] for r in csv_rows(client, campaign["csv"])] == ["microsoft-face-api"]
    assert client.get(campaign["api"]).json()["slug"] == "no-face-surveillance"
    record = follow_links(get_page(client, "/organizations/open-mic/shareholder-record/"))
    assert [r["slug"] for r in csv_rows(client, record["csv"])] == ["amazon-2019-rekognition-ban"]
    resolution = follow_links(get_page(client, "/resolutions/amazon-2019-rekognition-study/"))
    assert [r["slug"] for r in csv_rows(client, resolution["csv"])] == [
        "amazon-2019-rekognition-study"
    ]


def test_the_new_feeds_list_the_events_of_their_controversies(client, world):
    rekognition = set(world.rekognition.events.values_list("pk", flat=True))
    face = set(world.face_id.events.values_list("pk", flat=True))
    assert event_ids(feed_entries(client, "/feeds/products/rekognition/")) == rekognition
    assert event_ids(feed_entries(client, "/feeds/campaigns/no-face-surveillance/")) == face
    assert event_ids(feed_entries(client, "/feeds/coalitions/face-coalition/")) == (
        rekognition | face
    )
    for url in ("/feeds/products/nope/", "/feeds/campaigns/nope/", "/feeds/coalitions/nope/"):
        assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/feeds/resolutions/?status=maybe", "status"),
        ("/feeds/resolutions/?year_from=1066", "year_from"),
        ("/feeds/controversies/amazon-rekognition/?kind=rumour", "kind"),
        ("/exports/controversies/amazon-rekognition/timeline.csv?kind=rumour", "kind"),
    ],
)
def test_the_new_filters_refuse_what_they_cannot_use(client, world, url, parameter):
    response = client.get(url)
    assert response.status_code == 400
    assert parameter in response.content.decode()


def test_the_box_costs_no_query(db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from controversies import follow

    with CaptureQueriesContext(connection) as queries:
        links = follow.controversy_list({"company": "amazon", "q": "a&b"})
        follow.organization("amazon", "Amazon", is_company=True)
        follow.resolution_list({"year": "2019"})
    assert len(queries) == 0
    assert links.csv_url == "/exports/controversies.csv?company=amazon&q=a%26b"
