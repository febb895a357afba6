"""What a journalist, researcher or campaigner does on the public site, at desktop and
phone sizes, with JavaScript on and off: reach a case and its votes, filter by names
people use, search in everyday words, take the data away, browse the organisations.

Every journey also holds the page to its Content-Security-Policy: a blocked script or
style, or a script error, fails it. A screenshot of each page reached is saved as
test-artifacts/screenshots/journey-NAME-SIZE-js|nojs.png.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urljoin

import feedparser
import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import SCREENSHOTS

pytestmark = pytest.mark.browser

SETTINGS = [
    pytest.param(size, javascript, id=f"{size}-{'js' if javascript else 'nojs'}")
    for size in ("desktop", "phone")
    for javascript in (True, False)
]

REKOGNITION = "Amazon Rekognition sold to police"
FACE_API = "Microsoft face API and police"
CHATBOT = "Chatbot spreads election falsehoods"


@dataclass
class Reader:
    page: Page
    base: str
    suffix: str  # SIZE-js or SIZE-nojs, for screenshot names
    javascript: bool
    problems: list[str] = field(default_factory=list)


@pytest.fixture
def reader(open_page, live_server, world, request) -> Iterator[Reader]:
    """A page at the test's size with JavaScript as the test asks, whose CSP violations
    and script errors are collected; the reference case's names as readers type them."""
    world.amazon.aliases = "Amazon.com\nAmazon.com, Inc."
    world.amazon.save()
    world.aclu.aliases = "ACLU"
    world.aclu.save()
    size, javascript = request.node.callspec.params["size"], request.node.callspec.params["js"]
    page = open_page(size, javascript=javascript)
    reader = Reader(page, live_server.url, f"{size}-{'js' if javascript else 'nojs'}", javascript)
    page.on(
        "console",
        lambda m: reader.problems.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.on("pageerror", lambda error: reader.problems.append(str(error)))
    yield reader
    assert reader.problems == [], "a page broke its Content-Security-Policy or threw"


def shot(reader: Reader, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"journey-{name}-{reader.suffix}.png"
    reader.page.screenshot(path=str(path), full_page=True)


def submit(reader: Reader, box) -> None:
    """Send the form a text box is in as a reader would: Enter. With JavaScript the page
    updates in place; without it the browser submits the form."""
    box.press("Enter")
    reader.page.wait_for_load_state("networkidle")


def results_heading(page: Page):
    return page.locator("#results-heading")


def listed(page: Page) -> list[str]:
    return page.locator(".controversy-list h3 a").all_inner_texts()


def on_first_screen(page: Page, locator) -> bool:
    """Whether one of the elements is visible without scrolling."""
    height = page.viewport_size["height"]
    for element in locator.all():
        box = element.bounding_box()
        if element.is_visible() and box and box["y"] >= 0 and box["y"] + box["height"] <= height:
            return True
    return False


@pytest.mark.parametrize(("size", "js"), SETTINGS)
def test_home_to_the_case_and_its_votes_at_a_glance(reader: Reader, size, js):
    page = reader.page
    page.goto(reader.base + "/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    shot(reader, "home")
    page.get_by_role("link", name="Browse and filter every controversy").click()
    page.locator(".controversy-list").get_by_role("link", name=REKOGNITION).click()

    expect(page).to_have_url(re.compile(r"/controversies/amazon-rekognition/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(REKOGNITION)
    # Without scrolling: where the case stands and the 2019 vote with its support.
    assert on_first_screen(page, page.locator("main").get_by_text(re.compile(r"\bResolved\b"))), (
        "the case's status is not on the first screen"
    )
    main = page.locator("main")
    assert on_first_screen(
        page, main.get_by_text(re.compile(r"Ban sales of facial recognition"))
    ), "the 2019 resolution is not on the first screen"
    assert on_first_screen(page, main.get_by_text(re.compile(r"2\.40?\s?%"))), (
        "the 2019 vote's support (2.4%) is not on the first screen"
    )
    shot(reader, "case-top")

    # The jump link takes the reader to the full record of the votes.
    page.get_by_role("navigation", name="On this page").get_by_role(
        "link", name=re.compile(r"^Votes")
    ).click()
    expect(page).to_have_url(re.compile(r"#votes$"))
    votes = page.locator("#votes")
    expect(votes).to_be_in_viewport()
    expect(votes).to_contain_text("Ban sales of facial recognition to government")
    expect(votes).to_contain_text("22 May 2019")
    expect(votes).to_contain_text(re.compile(r"2\.40?\s?%"))


@pytest.mark.parametrize(("size", "js"), SETTINGS)
def test_filter_by_a_company_and_an_advocacy_group_by_the_names_people_use(
    reader: Reader, size, js
):
    page = reader.page
    page.goto(reader.base + "/controversies/")
    expect(results_heading(page)).to_contain_text("3 controversies")

    company = page.get_by_label("Company", exact=True)
    company.fill("Amazon.com")
    submit(reader, company)
    expect(results_heading(page)).to_contain_text("1 controversy")
    assert listed(page) == [REKOGNITION]
    shot(reader, "list-company-alias")

    page.goto(reader.base + "/controversies/")
    organisation = page.get_by_label("Organisation", exact=True)
    organisation.fill("ACLU")
    submit(reader, organisation)
    expect(results_heading(page)).to_contain_text("2 controversies")
    assert sorted(listed(page)) == sorted([REKOGNITION, FACE_API])
    # The filter in force is named as the reader knows it, not as a slug.
    expect(page.locator("main")).to_contain_text("American Civil Liberties Union")
    shot(reader, "list-organisation-alias")

    # Back and Forward go through the filters the reader applied.
    page.go_back()
    expect(results_heading(page)).to_contain_text("3 controversies")
    page.go_back()
    expect(results_heading(page)).to_contain_text("1 controversy")
    page.go_forward()
    expect(results_heading(page)).to_contain_text("3 controversies")


@pytest.mark.parametrize(("size", "js"), SETTINGS)
def test_search_in_three_everyday_words_finds_the_rekognition_case(reader: Reader, size, js):
    page = reader.page
    page.goto(reader.base + "/search/")
    box = page.get_by_role("searchbox", name=re.compile(r"^Search"))
    # The box is wide enough to see what one types, on a phone too.
    assert box.bounding_box()["width"] >= page.viewport_size["width"] * 0.5
    box.fill("facial recognition police")
    submit(reader, box)
    expect(page).to_have_url(re.compile(r"/search/\?q=facial(\+|%20)recognition(\+|%20)police"))
    expect(page.locator("#results").get_by_role("link", name=REKOGNITION)).to_be_visible()
    shot(reader, "search-everyday-words")

    # The list page's text box reads the same words the same way.
    page.goto(reader.base + "/controversies/")
    words = page.get_by_label("Search", exact=True)
    words.fill("facial recognition police")
    submit(reader, words)
    expect(page.get_by_role("link", name=REKOGNITION)).to_be_visible()
    assert REKOGNITION in listed(page)
    assert CHATBOT not in listed(page)
    shot(reader, "list-everyday-words")


@pytest.mark.parametrize(("size", "js"), SETTINGS)
def test_follow_the_feed_and_download_the_csv_of_a_filtered_list(reader: Reader, size, js):
    page = reader.page
    page.goto(reader.base + "/controversies/")
    company = page.get_by_label("Company", exact=True)
    company.fill("Microsoft")
    submit(reader, company)
    expect(results_heading(page)).to_contain_text("2 controversies")
    shown = sorted(listed(page))
    assert shown == sorted([FACE_API, CHATBOT])
    slugs = {"microsoft-face-api", "chatbot-falsehoods"}

    box = page.get_by_role("region", name="Follow / download")
    expect(box).to_be_visible()
    shot(reader, "list-follow-box")

    feed_link = box.get_by_role("link", name=re.compile(r"Atom"))
    feed_url = urljoin(page.url, feed_link.get_attribute("href"))
    # Feed readers find the same feed from the page's head.
    head_feeds = page.locator('head link[rel="alternate"][type="application/atom+xml"]')
    assert feed_url in [
        urljoin(page.url, h)
        for h in head_feeds.evaluate_all("links => links.map(l => l.getAttribute('href'))")
    ]
    response = page.request.get(feed_url)
    assert response.status == 200, response.text()
    assert "atom" in response.headers["content-type"]
    feed = feedparser.parse(response.body())
    assert feed.entries, "the feed of the filtered list is empty"
    in_feed = {
        slug for entry in feed.entries for slug in slugs if f"/controversies/{slug}/" in entry.link
    }
    assert in_feed == slugs, "the feed should follow every listed controversy"
    for entry in feed.entries:
        assert any(f"/controversies/{slug}/" in entry.link for slug in slugs), entry.link

    with page.expect_download() as download_info:
        box.get_by_role("link", name=re.compile(r"CSV")).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(download.path().read_text(encoding="utf-8"))))
    assert sorted(row["title"] for row in rows) == shown
    for row in rows:
        assert "microsoft" in row["companies"].split("\n"), row


@pytest.mark.parametrize(("size", "js"), SETTINGS)
def test_the_organisation_index(reader: Reader, size, js):
    page = reader.page
    page.goto(reader.base + "/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Organisations").click()
    expect(page).to_have_url(re.compile(r"/organizations/$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    table = page.locator("main table")
    for name in ("Amazon", "American Civil Liberties Union", "Microsoft", "Open MIC"):
        expect(table.get_by_role("link", name=name, exact=True)).to_be_visible()
    shot(reader, "organisation-index")

    page.get_by_role("navigation", name=re.compile(r"Kinds")).get_by_role(
        "link", name=re.compile(r"^Advocacy group")
    ).click()
    expect(table.get_by_role("link", name="American Civil Liberties Union")).to_be_visible()
    expect(table.get_by_role("link", name="Electronic Frontier Foundation")).to_be_visible()
    expect(table.get_by_role("link", name="Amazon", exact=True)).to_have_count(0)

    box = page.get_by_label("Name or other name")
    box.fill("civil liberties")
    submit(reader, box)
    expect(table.get_by_role("link")).to_have_count(1)
    shot(reader, "organisation-index-search")
    table.get_by_role("link", name="American Civil Liberties Union").click()
    expect(page).to_have_url(re.compile(r"/organizations/aclu/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("American Civil Liberties Union")
