"""In a real browser, the Content-Security-Policy blocks nothing the site itself uses."""

from __future__ import annotations

import pytest

from controversies.models import Controversy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_loads_pages_without_content_security_policy_violations(live_server, page):
    Controversy.objects.create(title="Face recognition sold to police", slug="face-police")
    problems: list[str] = []
    # Chromium reports each blocked script, style or image as a console message naming
    # the Content Security Policy.
    page.on(
        "console",
        lambda message: (
            problems.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    for path in ["/admin/login/", "/", "/controversies/face-police/"]:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        assert "unsafe-inline" not in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
    # htmx (a same-origin script) loaded on the last, public page and runs under the policy.
    assert page.evaluate("typeof htmx !== 'undefined' && htmx.version")
    assert problems == []
