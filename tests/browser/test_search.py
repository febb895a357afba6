"""In a real Chromium: search for the reference case and reach the 2019 vote.

Chromium's launch arguments come from tests/browser/conftest.py.
"""

from __future__ import annotations

import os
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from tests.rekognition import build_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", "test-artifacts/screenshots"))


@pytest.fixture(autouse=True)
def _patient_expectations(page: Page):
    """Nine agents share two cores here: give each assertion and action time to settle."""
    page.set_default_timeout(20_000)
    expect.set_options(timeout=20_000)
    yield
    expect.set_options(timeout=5_000)


@pytest.fixture
def case(live_server):
    return build_case()


def _shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def test_it_searches_rekognition_and_lands_on_the_case(page: Page, live_server, case):
    page.goto(f"{live_server.url}/search/")
    box = page.get_by_label("Search controversies, events, organisations, products and sources")
    box.fill("Rekognition")
    box.press("Enter")
    # HTMX swaps the results in place and pushes the query into the address bar.
    expect(page).to_have_url(re.compile(r"/search/\?q=Rekognition$"))
    first = page.locator("#results .search-hits a").first
    expect(first).to_have_text("Amazon Rekognition sold to police")
    expect(page.locator("#results mark").first).to_have_text("Rekognition")
    _shot(page, "search-rekognition")
    first.click()
    expect(page).to_have_url(f"{live_server.url}/controversies/amazon-rekognition/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Amazon Rekognition sold to police")


def test_it_reaches_the_2019_vote_from_the_company_page(page: Page, live_server, case):
    page.goto(f"{live_server.url}/search/?q=Amazon")
    page.locator("#group-organizations + ol a", has_text="Amazon").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Amazon")
    expect(page.locator("figure.support-chart svg")).to_be_visible()
    expect(page.get_by_text("Response record")).to_be_visible()
    _shot(page, "company-amazon")
    page.get_by_role("link", name=re.compile(r"Item 6: Prohibit sales")).click()
    expect(page).to_have_url(f"{live_server.url}/resolutions/amazon-2019-item-6/")
    # The meeting's date (the page also dates its citation with today's date).
    expect(page.locator('time[datetime="2019-05-22"]')).to_have_text("22 May 2019")
    expect(page.get_by_text("2.40%")).to_be_visible()
    expect(page.get_by_text("as reported by Reuters")).to_be_visible()
    _shot(page, "resolution-amazon-2019-item-6")


def test_it_filters_resolutions_in_place_and_goes_back(page: Page, live_server, case):
    page.goto(f"{live_server.url}/resolutions/")
    expect(page.locator("#results-heading")).to_have_text("3 resolutions")
    # A marker on the window survives an HTMX swap but not a full page load.
    page.evaluate("window.notReloaded = true")
    page.get_by_label("Year").select_option("2019")
    expect(page.locator("#results-heading")).to_have_text("2 resolutions")
    expect(page).to_have_url(re.compile(r"year=2019"))
    assert page.evaluate("window.notReloaded") is True
    _shot(page, "resolutions-2019")
    page.go_back()
    expect(page.locator("#results-heading")).to_have_text("3 resolutions")
    expect(page).to_have_url(f"{live_server.url}/resolutions/")


@pytest.mark.parametrize(
    ("path", "heading", "name"),
    [
        ("/organizations/aclu/", "American Civil Liberties Union", "organization-aclu"),
        ("/products/rekognition/", "Rekognition", "product-rekognition"),
        ("/coalitions/face-surveillance-coalition/", "Face surveillance coalition", "coalition"),
        (
            "/campaigns/stop-rekognition-sales/",
            "Stop selling Rekognition to government",
            "campaign",
        ),
    ],
)
def test_it_renders_the_entity_pages(page: Page, live_server, case, path, heading, name):
    page.goto(f"{live_server.url}{path}")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    _shot(page, name)


def test_it_finds_the_demo_case_and_its_2019_vote(page: Page, live_server):
    """The same journey on the data `make demo` loads."""
    call_command("load_demo", stdout=StringIO())
    page.goto(f"{live_server.url}/search/?q=Rekognition")
    page.locator("#group-controversies + ol a").first.click()
    expect(page).to_have_url(f"{live_server.url}/controversies/amazon-rekognition/")
    page.goto(f"{live_server.url}/search/?q=Amazon")
    page.locator("#group-organizations + ol a", has_text="Amazon").first.click()
    page.get_by_role("link", name=re.compile(r"Item 6: Ban")).click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("main")).to_contain_text("22 May 2019")
    expect(page.locator("main")).to_contain_text("Against")  # the board's recommendation
    _shot(page, "demo-resolution-2019-item-6")


@pytest.mark.parametrize(
    ("size", "javascript"), [("desktop", True), ("phone", True), ("phone", False)]
)
def test_three_everyday_words_find_the_case_on_search_and_on_the_list(
    open_page, live_server, case, size, javascript
):
    """Neither page holds the three words in one field: "facial recognition" is the
    case's topic and "police" is in its title. Both pages find it, with JavaScript on
    (HTMX swaps the results) and off (the form loads a page)."""
    page = open_page(size, javascript=javascript)
    page.goto(f"{live_server.url}/search/")
    box = page.get_by_label("Search controversies, events, organisations, products and sources")
    box.fill("facial recognition police")
    box.press("Enter")
    # HTMX pushes spaces as %20, a plain form submission as +.
    expect(page).to_have_url(re.compile(r"/search/\?q=facial(\+|%20)recognition(\+|%20)police$"))
    hit = page.locator("#group-controversies + ol a").first
    expect(hit).to_have_text("Amazon Rekognition sold to police")
    _shot(page, f"search-three-words-{size}-{'js' if javascript else 'nojs'}")

    page.goto(f"{live_server.url}/controversies/")
    text_box = page.locator('input[name="q"]')
    text_box.fill("facial recognition police")
    text_box.press("Enter")
    expect(page).to_have_url(re.compile(r"q=facial(\+|%20)recognition(\+|%20)police"))
    expect(page.locator(".controversy-list h3 a")).to_have_text(
        ["Amazon Rekognition sold to police"]
    )
    text_box = page.locator('input[name="q"]')
    text_box.fill("facial recognition zzqxv")
    text_box.press("Enter")
    expect(page.get_by_text("Every word of the search text has to be found")).to_be_visible()
