"""The public pages on a 390 x 844 phone: nothing wider than the screen, a search box wide
enough to type in, and charts whose marks a keyboard and a finger can reach and read."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def demo(transactional_db: None) -> None:
    call_command("load_demo", stdout=StringIO())


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(20_000)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/controversies/",
        "/controversies/amazon-rekognition/",
        "/search/?q=facial+recognition+police",
        "/resolutions/",
        "/organizations/amazon/shareholder-record/",
        "/no-such-page/",
    ],
)
def test_pages_fit_a_phone_without_sideways_scrolling(phone: Page, live_server, demo, path):
    response = phone.goto(live_server.url + path)
    assert response.status == (404 if path == "/no-such-page/" else 200)
    phone.wait_for_load_state("networkidle")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # Every link of the header is on screen, none cut off at the right edge.
    for link in phone.locator(".site-header a:not(.skip-link)").all():
        box = link.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]


def test_the_search_box_is_wide_enough_to_type_in(phone: Page, live_server, demo):
    phone.goto(f"{live_server.url}/search/")
    box = phone.get_by_label("Search controversies, events, organisations, products and sources")
    assert box.bounding_box()["width"] >= 250
    box.fill("facial recognition police")
    box.press("Enter")
    expect(phone.locator("#results")).to_contain_text("Rekognition")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_wide_tables_scroll_in_their_own_box_and_say_so(phone: Page, live_server, demo):
    phone.goto(f"{live_server.url}/resolutions/")
    box = phone.locator("#results .overflow-auto")
    assert box.evaluate("e => e.scrollWidth > e.clientWidth")  # the table is wider
    expect(phone.locator("#results .scroll-cue")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def _tab_to_mark(page: Page, chart: str) -> str:
    """Press Tab until a mark of the chart has focus; its accessible name."""
    page.locator("body").focus()
    for _ in range(200):
        page.keyboard.press("Tab")
        name = page.evaluate(
            """(chart) => {
                const mark = document.activeElement;
                if (!mark || !mark.matches(chart + ' .mark')) return null;
                return mark.getAttribute('aria-label');
            }""",
            chart,
        )
        if name:
            return name
    raise AssertionError(f"no mark of {chart} reached with the keyboard")


@pytest.mark.parametrize(
    ("path", "chart", "expected"),
    [
        ("/", ".month-chart", "event"),
        ("/controversies/amazon-rekognition/", "figure.overview", "2018"),
        ("/organizations/amazon/shareholder-record/", "figure.support-chart", "% support"),
    ],
)
def test_chart_marks_are_reached_by_keyboard_and_show_their_details(
    phone: Page, live_server, demo, path, chart, expected
):
    phone.goto(live_server.url + path)
    figure = phone.locator(chart)
    expect(figure.locator(".chart-key")).to_be_visible()
    # Axis labels keep a readable size on the small screen.
    label = figure.locator(".axis-label").first
    assert label.bounding_box()["height"] >= 11
    name = _tab_to_mark(phone, chart)
    assert expected in name
    detail = figure.locator(".mark:focus .mark-detail")
    expect(detail).to_be_visible()
    assert detail.text_content().split(":")[0] in name
    # Nothing else names a mark at the same time.
    expect(figure.locator(".mark-detail:visible")).to_have_count(1)
    # The same figures as a table, one tap away.
    figure.locator(".chart-table summary").click()
    expect(figure.locator(".chart-table table")).to_be_visible()


def test_a_tap_on_a_month_shows_its_figure(phone: Page, live_server, demo):
    phone.goto(f"{live_server.url}/")
    bar = phone.locator(".month-chart .mark").first
    bar.tap()
    detail = bar.locator(".mark-detail")
    expect(detail).to_be_visible()
    expect(detail).to_contain_text("event")
