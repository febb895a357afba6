"""In a real browser, the Content-Security-Policy blocks nothing the site itself uses."""

from __future__ import annotations

import pytest
from playwright.sync_api import sync_playwright

from controversies.models import Controversy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def test_it_loads_pages_without_content_security_policy_violations(live_server):
    # Rows first: the ORM refuses to run once Playwright's event loop is up.
    Controversy.objects.create(title="Face recognition sold to police", slug="face-police")
    pages = ["/admin/login/", "/controversies/face-police/"]
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            # Chromium reports each blocked script, style or image as a console error
            # starting "Refused to ..." and naming the Content Security Policy.
            page.on(
                "console",
                lambda message: (
                    problems.append(message.text)
                    if "Content Security Policy" in message.text
                    else None
                ),
            )
            page.on("pageerror", lambda error: problems.append(str(error)))
            for path in pages:
                response = page.goto(live_server.url + path)
                assert response.status == 200, path
                assert "unsafe-inline" not in response.headers["content-security-policy"]
                page.wait_for_load_state("networkidle")
            # htmx loaded (a same-origin script) and runs under the policy.
            assert page.evaluate("typeof htmx !== 'undefined' && htmx.version")
            # The stylesheet applied: Pico styles the body.
            assert page.evaluate("getComputedStyle(document.body).fontFamily") != ""
        finally:
            browser.close()
    assert problems == []
