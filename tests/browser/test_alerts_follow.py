"""Following a page by email in a browser at phone width: follow -> confirm (the link
read from the mail) -> manage -> unsubscribe, each page passing axe's WCAG A/AA rules
and fitting the screen; and the form works with JavaScript off."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from alerts.models import Subscription
from tests.alerts.subscribe_support import fresh_limits, link_to  # noqa: F401
from tests.browser.axe import axe_violations, describe
from tests.browser.conftest import VIEWPORTS

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("fresh_limits")]


def check_page(page, what: str) -> None:
    violations = axe_violations(page)
    assert not violations, f"{what}:\n{describe(violations)}"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= VIEWPORTS["phone"]["width"], f"{what} scrolls sideways"


def test_follow_confirm_manage_unsubscribe(open_page, live_server, world, settings):
    settings.SITE_URL = live_server.url
    page = open_page("phone")
    page.goto(live_server.url + "/controversies/amazon-rekognition/")
    box = page.get_by_role("region", name="Follow / download")
    box.get_by_role("link", name=re.compile("^Follow by email")).click()

    expect(page.get_by_role("heading", name="Follow by email")).to_be_visible()
    check_page(page, "the follow form")
    page.get_by_label("Your email address").fill("not an address")
    page.get_by_role("button", name="Send me the confirmation link").click()
    expect(page.get_by_role("alert")).to_contain_text("name@example.org")
    check_page(page, "the form with its error")
    page.get_by_label("Your email address").fill("reader@example.org")
    page.get_by_role("radio", name="Weekly digest").check()
    page.get_by_role("button", name="Send me the confirmation link").click()

    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()
    check_page(page, "check your inbox")
    assert len(mail.outbox) == 1
    text = mail.outbox[0].body

    page.goto(live_server.url + link_to(text, "/alerts/confirm/"))
    check_page(page, "the confirm page")
    page.get_by_role("button", name="Yes, confirm").click()
    expect(page.get_by_role("heading", name="Alert confirmed")).to_be_visible()
    check_page(page, "the confirmed page")
    assert Subscription.objects.get().confirmed_at is not None

    page.get_by_role("link", name="manage your alerts").click()
    expect(page.get_by_role("heading", name="Your alerts")).to_be_visible()
    check_page(page, "the manage page")
    page.get_by_label(re.compile("^How often")).select_option(label="As it happens")
    page.get_by_role("button", name=re.compile("^Change")).click()
    expect(page.get_by_role("status")).to_contain_text("was changed")
    assert Subscription.objects.get().frequency == "immediate"
    expect(page.get_by_role("link", name=re.compile("^Download what we store"))).to_be_visible()

    page.goto(live_server.url + link_to(text, "/alerts/unsubscribe/"))
    check_page(page, "the unsubscribe page")
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("heading", name="Unsubscribed")).to_be_visible()
    check_page(page, "the unsubscribed page")
    assert not Subscription.objects.exists()


def test_the_form_works_without_javascript(open_page, live_server, world, settings):
    settings.SITE_URL = live_server.url
    page = open_page("phone", javascript=False)
    page.goto(live_server.url + "/organizations/amazon/")
    box = page.get_by_role("region", name="Follow / download")
    box.get_by_role("link", name=re.compile("^Follow by email")).click()
    expect(page.get_by_text("Controversies targeting Amazon")).to_be_visible()
    page.get_by_label("Your email address").fill("reader@example.org")
    page.get_by_role("button", name="Send me the confirmation link").click()
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()
    assert Subscription.objects.get().kind == "company"
    assert len(mail.outbox) == 1
