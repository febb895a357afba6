"""The demo a newcomer sees after `make demo`, driven in a real browser."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db: None) -> None:
    call_command("load_demo", stdout=StringIO())


def test_a_newcomer_finds_what_the_aclu_did_and_how_shareholders_voted(
    page: Page, live_server, demo, screenshot
):
    page.goto(f"{live_server.url}/")
    screenshot("demo-home")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Controversies").click()
    expect(page.locator("#results-heading")).to_contain_text("4 controversies")
    screenshot("demo-controversy-list")

    page.evaluate("window.__sameDocument = true")
    organisation = page.get_by_label("Organisation", exact=True)
    organisation.fill("aclu")
    organisation.press("Enter")
    expect(page.locator("#results-heading")).to_contain_text("3 controversies")
    expect(page).to_have_url(re.compile(r"\?organisation=aclu$"))
    expect(page.locator(".controversy-list")).not_to_contain_text("IBM")
    assert page.evaluate("window.__sameDocument === true")
    screenshot("demo-controversy-list-aclu")

    page.locator(".controversy-list a", has_text="Rekognition").first.click()
    expect(page).to_have_url(re.compile(r"/controversies/amazon-rekognition/$"))
    page.get_by_label("Organisation involved").select_option("aclu")
    expect(page).to_have_url(re.compile(r"\?actor=aclu$"))
    events = page.locator("li.event")
    expect(events.first).to_contain_text("American Civil Liberties Union")
    expect(page.locator("#timeline")).to_contain_text("28 members of Congress")
    screenshot("demo-controversy-rekognition-aclu")

    page.get_by_role("link", name="Show every event").click()
    votes = page.locator("#votes table")
    expect(votes).to_contain_text("22 May 2019")
    expect(votes).to_contain_text("2.4%")
    screenshot("demo-controversy-rekognition")


def test_from_the_home_page_a_reader_reaches_the_case_and_its_2019_vote(
    page: Page, live_server, demo
):
    page.goto(f"{live_server.url}/")
    page.locator("main a", has_text=re.compile("Rekognition")).first.click()
    expect(page).to_have_url(re.compile(r"/controversies/amazon-rekognition/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rekognition")
    expect(page.locator("#votes table")).to_contain_text("22 May 2019")
    expect(page.locator("li.event")).to_have_count(18)


def test_a_companys_page_brings_in_its_shareholder_record(
    page: Page, live_server, demo, screenshot
):
    """The record is loaded into the page by HTMX: the votes, with the support chart,
    appear on the company's page itself, under a policy that blocks inline code."""
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/organizations/amazon/")
    record = page.locator("#shareholder-record")
    expect(record.locator("svg")).to_be_visible()
    expect(record.locator("table.resolutions")).to_contain_text("2019")
    expect(record.locator("table.resolutions")).to_contain_text("2.40%")
    expect(page).to_have_url(re.compile(r"/organizations/amazon/$"))  # no navigation
    screenshot("demo-organization-amazon")
    assert problems == []
