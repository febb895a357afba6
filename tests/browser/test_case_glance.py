"""On the reference case, where it stands and how shareholders voted are on the first
screen, on a phone and on a desktop, with JavaScript on and off."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import SCREENSHOTS

pytestmark = pytest.mark.browser

CASE = "/controversies/amazon-rekognition/"
SCREENS = {"phone": (390, 844), "desktop": (1280, 800)}


@pytest.fixture
def demo(transactional_db: None) -> None:
    call_command("load_demo", stdout=StringIO())


def top_of(page: Page, selector: str) -> float:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not shown"
    return box["y"]


@pytest.mark.parametrize("screen", list(SCREENS))
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_status_and_the_vote_are_on_the_first_screen(
    browser: Browser, live_server, demo, screen, javascript
):
    width, height = SCREENS[screen]
    context = browser.new_context(
        viewport={"width": width, "height": height}, java_script_enabled=javascript
    )
    page = context.new_page()
    try:
        page.goto(live_server.url + CASE)
        status = page.locator(".glance-status .status")
        expect(status).to_be_visible()
        vote = page.locator(".glance-votes li", has_text="2.4%")
        expect(vote).to_contain_text("2019")
        expect(vote).to_contain_text("support")
        assert top_of(page, ".glance-status .status") < height
        box = vote.bounding_box()
        assert box is not None and box["y"] < height, box
        page.screenshot(path=_artifact(f"case-glance-{screen}-{'js' if javascript else 'nojs'}"))
    finally:
        context.close()


def test_a_jump_link_brings_its_section_into_view(page: Page, live_server, demo):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + CASE)
    page.locator(".glance nav").get_by_role("link", name="Votes").click()
    expect(page).to_have_url(live_server.url + CASE + "#votes")
    heading = page.locator("#resolutions-heading")
    expect(heading).to_be_in_viewport()


def _artifact(name: str) -> str:
    """Where a first-screen screenshot goes (the screenshot fixture takes whole pages)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return str(SCREENSHOTS / f"{name}.png")
