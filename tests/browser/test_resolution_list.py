from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.rekognition import build_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def case(live_server):
    return build_case()


def test_it_filters_by_a_proponent_typed_by_name(page: Page, live_server, case):
    page.goto(f"{live_server.url}/resolutions/")
    expect(page.locator("#results-heading")).to_have_text("3 resolutions")
    page.evaluate("window.notReloaded = true")
    proponent = page.get_by_label("Proponent")
    # The suggestions hold the proponents that filed most, so Harrington is among them.
    expect(page.locator("#id_proponent-suggestions option[value=harrington]")).to_have_count(1)
    proponent.fill("Harrington Investments")
    proponent.press("Enter")
    expect(page.locator("#results-heading")).to_have_text("2 resolutions")
    expect(page).to_have_url(re.compile(r"proponent=Harrington(\+|%20)Investments"))
    assert page.evaluate("window.notReloaded") is True
    page.go_back()  # one filter, one history entry
    expect(page.locator("#results-heading")).to_have_text("3 resolutions")
    expect(page).to_have_url(f"{live_server.url}/resolutions/")
