"""In a real browser, the Content-Security-Policy blocks nothing the site itself uses."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from controversies.models import Controversy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


def _record_violations(page) -> list[str]:
    """Chromium reports each blocked script, style or image as a console message naming
    the Content Security Policy; those (and script errors) are collected here."""
    problems: list[str] = []
    page.on(
        "console",
        lambda message: (
            problems.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def test_it_loads_pages_without_content_security_policy_violations(live_server, page):
    Controversy.objects.create(title="Face recognition sold to police", slug="face-police")
    problems = _record_violations(page)
    for path in ["/admin/login/", "/", "/controversies/face-police/"]:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        assert "unsafe-inline" not in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
    # htmx (a same-origin script) loaded on the last, public page and runs under the policy.
    assert page.evaluate("typeof htmx !== 'undefined' && htmx.version")
    assert problems == []


def test_it_shows_the_admin_history_pages_without_content_security_policy_violations(
    live_server, page
):
    """The History list of a record (django-simple-history's page) and one old version
    of it, as a logged-in curator sees them."""
    get_user_model().objects.create_superuser("curator", password=PASSWORD)
    controversy = Controversy.objects.create(title="Face recognition", slug="face")
    controversy.title = "Face recognition sold to police"
    controversy.save()
    first_version = controversy.history.order_by("history_id").first().history_id
    problems = _record_violations(page)
    page.goto(live_server.url + "/admin/login/?next=/admin/")
    page.fill("#id_username", "curator")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")
    history = reverse("admin:controversies_controversy_history", args=[controversy.pk])
    old_version = reverse(
        "admin:controversies_controversy_simple_history", args=[controversy.pk, first_version]
    )
    for path in [history, old_version]:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        assert "unsafe-inline" not in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
    assert problems == []


def test_filtering_going_back_and_forward_and_pressing_enter_break_no_rule(live_server, page):
    """The journeys where HTMX swaps parts of the page and restores history: no blocked
    script or style, and no script error (an aborted request counts: htmx reports one when
    Enter in a text box sends "change" and "submit" for the same filter)."""
    from tests.scenarios import rekognition_world

    rekognition_world()
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error("
        "'Content Security Policy violation: ' + e.violatedDirective + ' ' + e.sample))"
    )
    problems = _record_violations(page)
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)

    def settled() -> None:
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(300)

    page.goto(live_server.url + "/controversies/")
    settled()
    page.locator("#id_status").select_option("ongoing")
    page.wait_for_url("**status=ongoing")
    settled()
    search = page.locator("#id_q")
    search.fill("rekognition")
    search.press("Enter")
    page.wait_for_url("**q=rekognition**")
    settled()
    assert "company=" not in page.url  # empty fields stay out of the address
    page.go_back()
    page.wait_for_url("**/controversies/?status=ongoing")
    settled()
    page.go_back()
    settled()
    page.go_forward()
    settled()
    page.go_forward()
    page.wait_for_url("**q=rekognition**")
    settled()
    page.locator(".chips a").first.click()
    settled()
    page.go_back()
    settled()

    page.goto(live_server.url + "/controversies/amazon-rekognition/")
    page.get_by_label("Kind of event").select_option("open_letter")
    page.wait_for_url("**kind=open_letter")
    assert "actor=" not in page.url
    settled()
    page.go_back()
    settled()
    page.go_forward()
    settled()

    page.goto(live_server.url + "/search/")
    page.get_by_role("searchbox").fill("facial recognition")
    page.get_by_role("searchbox").press("Enter")
    settled()
    page.go_back()
    settled()
    assert problems == []
