"""A long case timeline read a year at a time, on a phone: with JavaScript the year and
page links swap the timeline in place and update the address; without it they are plain
links to the same parts (issue 18)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from controversies.timeline_pages import PAGE_SIZE
from tests import factories as f
from tests.browser.conftest import SCREENSHOTS
from tests.scenarios import World, add_event

pytestmark = pytest.mark.browser

URL = "/controversies/amazon-rekognition/"


def lengthen(world: World) -> None:
    """Two pages of events in 2019 and ten in 2022 on the Rekognition case."""
    for n in range(PAGE_SIZE + 6):
        event = add_event(
            controversy=world.rekognition,
            occurred_on=dt.date(2019, 1, 2) + dt.timedelta(days=9 * n),
            title=f"Development {n} of 2019",
        )
        f.EventSourceFactory(event=event, position=1)
    for n in range(10):
        add_event(
            controversy=world.rekognition,
            occurred_on=dt.date(2022, 1, 3) + dt.timedelta(days=20 * n),
            title=f"Development {n} of 2022",
        )


def years_shown(page: Page):
    return page.locator("#timeline h3.year")


def year_link(page: Page, year: int):
    return page.get_by_role("navigation", name="Timeline by year").get_by_role(
        "link", name=re.compile(rf"^{year} \(")
    )


def test_year_links_swap_the_timeline_in_place_on_a_phone(open_page, live_server, world):
    lengthen(world)
    page = open_page("phone")
    page.goto(live_server.url + URL)
    expect(years_shown(page)).to_have_text(["2022"])
    page.evaluate("window.__sameDocument = true")

    year_link(page, 2019).click()
    expect(page).to_have_url(re.compile(r"\?year=2019$"))
    expect(years_shown(page)).to_have_text(["2019"])
    expect(page.get_by_role("heading", name="Development 0 of 2019")).to_be_visible()
    expect(year_link(page, 2019)).to_have_attribute("aria-current", "page")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "long-timeline-phone-2019.png"))

    page.get_by_role("link", name="Page 2", exact=True).first.click()
    expect(page).to_have_url(re.compile(r"\?year=2019&page=2$"))
    expect(page.get_by_role("heading", name=f"Development {PAGE_SIZE + 5} of 2019")).to_be_visible()
    expect(page.get_by_role("heading", name="Development 0 of 2019")).to_have_count(0)
    assert page.evaluate("window.__sameDocument === true"), "the link reloaded the page"

    page.go_back()
    expect(page).to_have_url(re.compile(r"\?year=2019$"))
    expect(page.get_by_role("heading", name="Development 0 of 2019")).to_be_visible()


def test_without_javascript_year_links_and_event_links_still_work(open_page, live_server, world):
    lengthen(world)
    page = open_page("phone", javascript=False)
    page.goto(live_server.url + URL)
    expect(years_shown(page)).to_have_text(["2022"])

    year_link(page, 2019).click()
    expect(page).to_have_url(re.compile(r"\?year=2019#timeline$"))
    expect(years_shown(page)).to_have_text(["2019"])
    expect(page.get_by_role("heading", name="Development 0 of 2019")).to_be_visible()

    last = world.rekognition.events.get(title=f"Development {PAGE_SIZE + 5} of 2019")
    page.goto(live_server.url + last.url_on(world.rekognition))
    expect(page.locator(f"#event-{last.pk}")).to_be_in_viewport()
