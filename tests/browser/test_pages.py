from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_from_home_reach_the_rekognition_case_and_its_2019_vote(
    page: Page, live_server, world, screenshot
):
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    screenshot("home")
    page.get_by_role("link", name="Ban sales of facial recognition to government").click()

    expect(page).to_have_url(re.compile(r"/controversies/amazon-rekognition/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Amazon Rekognition sold to police")
    votes = page.locator("#votes table")
    expect(votes).to_contain_text("Item 6: Ban sales of facial recognition to government")
    expect(votes).to_contain_text("2.4%")
    expect(votes).to_contain_text("22 May 2019")
    screenshot("controversy-rekognition")


def test_the_case_timeline_filters_in_place(page: Page, live_server, world, screenshot):
    page.goto(f"{live_server.url}/controversies/amazon-rekognition/")
    expect(page.locator("li.event")).to_have_count(7)
    page.evaluate("window.__sameDocument = true")

    page.get_by_label("Organisation involved").select_option("aclu")
    expect(page.locator("li.event")).to_have_count(3)
    expect(page).to_have_url(re.compile(r"actor=aclu"))
    page.get_by_label("Kind of event").select_option("open_letter")
    expect(page.locator("li.event")).to_have_count(1)
    expect(page.locator("li.event")).to_contain_text("Coalition of 85 groups")
    assert page.evaluate("window.__sameDocument === true")
    # The overview still shows the whole timeline.
    expect(page.locator("svg circle.marker")).to_have_count(7)

    page.go_back()
    expect(page.locator("li.event")).to_have_count(3)
    page.get_by_role("link", name="Show every event").click()
    expect(page.locator("li.event")).to_have_count(7)
    screenshot("controversy-rekognition-filtered")


def test_the_case_page_fits_a_phone_and_dark_mode(browser, live_server, world):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, color_scheme="dark", device_scale_factor=2
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/controversies/amazon-rekognition/")
    # Nothing wider than the screen, apart from the table that scrolls in its own box.
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    red, green, blue = (int(n) for n in re.findall(r"\d+", background)[:3])
    assert red + green + blue < 150, f"expected a dark background, got {background}"
    page.screenshot(path=str(_screens() / "controversy-rekognition-phone-dark.png"), full_page=True)
    page.goto(f"{live_server.url}/controversies/")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.screenshot(path=str(_screens() / "controversy-list-phone-dark.png"), full_page=True)
    context.close()


def test_an_unknown_case_shows_the_friendly_404(page: Page, live_server, world, screenshot):
    response = page.goto(f"{live_server.url}/controversies/no-such-case/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("We could not find that page")
    page.get_by_role("link", name="Browse every controversy").click()
    expect(page).to_have_url(re.compile(r"/controversies/$"))
    screenshot("controversy-list-after-404")


def test_the_skip_link_moves_focus_to_the_main_content(page: Page, live_server, world):
    page.goto(f"{live_server.url}/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def _screens():
    from tests.browser.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
