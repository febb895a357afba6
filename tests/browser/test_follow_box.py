"""The "Follow / download" box in a browser: visible and within the screen on a phone, and
after a filter changes the list in place, the box and the feed the head announces follow
what the list shows."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, VIEWPORTS

pytestmark = pytest.mark.browser

PAGES = [
    "/controversies/?company=microsoft",
    "/controversies/amazon-rekognition/",
    "/organizations/amazon/",
    "/products/rekognition/",
    "/campaigns/rekognition-shareholders/",
    "/coalitions/face-coalition/",
    "/resolutions/",
    "/resolutions/amazon-2019-rekognition-ban/",
    "/search/?q=police",
]


def shoot(page, name: str) -> None:
    """The screen as the reader sees it, box in view (the screenshot fixture shoots the
    default page, not one opened at a size)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def head_feeds(page) -> list[str]:
    return page.locator('head link[rel="alternate"][type="application/atom+xml"]').evaluate_all(
        "links => links.map(l => l.getAttribute('href'))"
    )


@pytest.mark.parametrize("path", PAGES)
def test_the_box_fits_a_phone_screen(open_page, live_server, world, path):
    page = open_page("phone")
    page.goto(live_server.url + path)
    box = page.get_by_role("region", name="Follow / download")
    expect(box).to_be_visible()
    for name in ("Atom feed", "CSV", "JSON", "API query"):
        link = box.get_by_role("link", name=re.compile(f"^{name}"))
        expect(link).to_be_visible()
        right = link.bounding_box()
        assert right["x"] >= 0 and right["x"] + right["width"] <= VIEWPORTS["phone"]["width"]
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= VIEWPORTS["phone"]["width"], "the page scrolls sideways"
    name = path.strip("/").replace("/", "-").replace("?", "-").replace("=", "-") or "home"
    box.scroll_into_view_if_needed()
    shoot(page, f"follow-box-phone-{name}")


def test_the_box_and_the_head_follow_a_filter_applied_in_place(open_page, live_server, world):
    page = open_page("desktop")
    page.goto(f"{live_server.url}/controversies/")
    box = page.get_by_role("region", name="Follow / download")
    expect(box.get_by_role("link", name=re.compile("^CSV"))).to_have_attribute(
        "href", "/exports/controversies.csv"
    )
    assert head_feeds(page) == ["/feeds/events/", "/feeds/controversies/"]
    page.evaluate("window.__sameDocument = true")

    company = page.get_by_label("Company", exact=True)
    company.fill("microsoft")
    company.press("Enter")
    expect(page.locator("#results-heading")).to_contain_text("2 controversies")
    assert page.evaluate("window.__sameDocument === true"), "the filter reloaded the page"
    expect(box.get_by_role("link", name=re.compile("^CSV"))).to_have_attribute(
        "href", "/exports/controversies.csv?company=microsoft"
    )
    page.wait_for_function(
        "document.head.querySelector('link[rel=alternate]:not(#site-feed)').getAttribute('href')"
        " === '/feeds/controversies/?company=microsoft'"
    )
    assert head_feeds(page) == ["/feeds/events/", "/feeds/controversies/?company=microsoft"]
    shoot(page, "follow-box-filtered-list")
