"""Confirming, managing and unsubscribing through the signed links, and every way a
link can be wrong."""

from __future__ import annotations

import json

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from alerts import tokens
from alerts.models import Digest, Subscriber, Subscription
from tests import factories as f
from tests.alerts.subscribe_support import (  # noqa: F401
    confirm_path,
    fresh_limits,
    last_mail_text,
    link_to,
    sign_up,
)

pytestmark = [pytest.mark.django_db, pytest.mark.services, pytest.mark.usefixtures("fresh_limits")]


@pytest.fixture
def controversy():
    return f.ControversyFactory(title="Rekognition sold to police", slug="rekognition-police")


@pytest.fixture
def pending(client, controversy):
    sign_up(client, f"/alerts/follow/?controversy={controversy.slug}", "reader@example.org")
    return Subscription.objects.get()


def _path(url: str) -> str:
    return url.removeprefix("http://testserver")


def test_the_confirm_link_shows_a_button_and_confirms_only_when_pressed(client, pending):
    page = client.get(confirm_path())
    assert page.status_code == 200
    assert "Yes, confirm" in page.content.decode()
    pending.refresh_from_db()
    assert pending.confirmed_at is None  # a mail scanner opening the link confirms nothing

    response = client.post(confirm_path())

    assert response.status_code == 200
    assert "Alert confirmed" in response.content.decode()
    pending.refresh_from_db()
    assert pending.confirmed_at is not None
    assert pending.sent_until == pending.confirmed_at
    assert pending.subscriber.confirmed_at is not None


def test_confirming_twice_keeps_the_watermark(client, pending):
    client.post(confirm_path())
    pending.refresh_from_db()
    first = pending.sent_until
    client.post(confirm_path())
    pending.refresh_from_db()
    assert pending.sent_until == first


def test_the_manage_page_lists_changes_and_removes(client, pending, controversy):
    client.post(confirm_path())
    company = f.CompanyFactory(name="Amazon", slug="amazon")
    sign_up(client, "/alerts/follow/?company=amazon", "reader@example.org", "weekly")
    manage = link_to(last_mail_text(), "/alerts/manage/")

    page = client.get(manage).content.decode()
    assert "reader@example.org" in page
    assert f'href="{controversy.get_absolute_url()}"' in page
    assert "Controversies targeting Amazon" in page
    assert "Waiting for you to confirm" in page
    amazon = Subscription.objects.get(organization=company)

    response = client.post(
        manage, {"action": "frequency", "subscription": pending.pk, "frequency": "immediate"}
    )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.frequency == "immediate"
    assert "was changed" in client.get(manage).content.decode()

    client.post(manage, {"action": "remove", "subscription": amazon.pk})
    assert list(Subscription.objects.all()) == [pending]

    response = client.post(manage, {"action": "remove-all"})
    assert response.status_code == 200
    assert not Subscription.objects.exists()
    subscriber = Subscriber.objects.get()
    assert subscriber.subscriptions_ended_at is not None


def test_the_manage_page_cannot_touch_another_addresss_subscriptions(client, pending):
    other = Subscription.objects.create(
        subscriber=Subscriber.objects.create(email="other@example.org"), kind="filter"
    )
    manage = _path(tokens.manage_url(pending.subscriber))
    response = client.post(manage, {"action": "remove", "subscription": other.pk})
    assert response.status_code == 404
    response = client.post(
        manage, {"action": "frequency", "subscription": other.pk, "frequency": "daily"}
    )
    assert response.status_code == 404
    assert Subscription.objects.filter(pk=other.pk, frequency="weekly").exists()


@pytest.mark.parametrize(
    "data",
    [{"action": "explode"}, {"action": "remove", "subscription": "x"}, {"action": "frequency"}],
)
def test_a_malformed_manage_form_is_a_400(client, pending, data):
    manage = _path(tokens.manage_url(pending.subscriber))
    assert client.post(manage, data).status_code == 400


def test_the_download_holds_everything_stored_about_the_address(client, pending):
    client.post(confirm_path())
    pending.refresh_from_db()
    Digest.objects.create(
        subscription=pending, since=pending.sent_until, until=timezone.now(), sent_at=timezone.now()
    )
    response = client.get(_path(tokens.manage_url(pending.subscriber)) + "data.json")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["email"] == "reader@example.org"
    assert data["bounce_count"] == 0
    assert data["subscriptions"][0]["follows"] == "Timeline of Rekognition sold to police"
    assert data["subscriptions"][0]["page"].endswith("/controversies/rekognition-police/")
    assert data["subscriptions"][0]["frequency"] == "daily"
    assert len(data["digests"]) == 1


def test_one_click_unsubscribe_works_without_a_csrf_token(pending):
    client = Client(enforce_csrf_checks=True)
    url = _path(tokens.unsubscribe_url(pending))
    page = client.get(url)
    assert page.status_code == 200
    assert "Unsubscribe" in page.content.decode()

    response = client.post(url, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert "no more mail" in response.content.decode()
    assert not Subscription.objects.exists()
    # Pressed twice (or by the mail program and then by hand): still a success.
    again = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert again.status_code == 200
    assert "already been removed" in again.content.decode()
    assert client.get(url).status_code == 404


def test_only_the_unsubscribe_views_skip_csrf(pending):
    client = Client(enforce_csrf_checks=True)
    manage = _path(tokens.manage_url(pending.subscriber))
    assert client.post(manage, {"action": "remove-all"}).status_code == 403
    confirm = _path(tokens.confirm_url(pending))
    assert client.post(confirm).status_code == 403
    assert Subscription.objects.filter(confirmed_at=None).count() == 1


def test_unsubscribe_all_removes_every_alert_of_the_address(pending):
    Subscription.objects.create(subscriber=pending.subscriber, kind="filter")
    client = Client(enforce_csrf_checks=True)
    url = _path(tokens.unsubscribe_all_url(pending.subscriber))
    assert "Unsubscribe from everything" in client.get(url).content.decode()
    assert client.post(url).status_code == 200
    assert not Subscription.objects.exists()


def _tampered(url: str) -> str:
    token = url.rstrip("/").rsplit("/", 1)[1]
    return url.replace(token, token[:-2] + ("AA" if token[-2:] != "AA" else "BB"))


@pytest.mark.parametrize("which", ["confirm", "manage", "unsubscribe", "unsubscribe_all"])
def test_a_tampered_link_gets_a_400_page(client, pending, which):
    url = {
        "confirm": lambda: tokens.confirm_url(pending),
        "manage": lambda: tokens.manage_url(pending.subscriber),
        "unsubscribe": lambda: tokens.unsubscribe_url(pending),
        "unsubscribe_all": lambda: tokens.unsubscribe_all_url(pending.subscriber),
    }[which]()
    for method in (client.get, client.post):
        response = method(_path(_tampered(url)))
        assert response.status_code == 400
        assert "This link is not valid" in response.content.decode()
    assert client.get(f"/alerts/{which.replace('_', '-')}/garbage/").status_code == 400


def test_an_expired_link_gets_a_410_page(client, pending, settings):
    url = _path(tokens.confirm_url(pending))
    settings.ALERTS_CONFIRM_DAYS = -1
    response = client.post(url)
    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()
    pending.refresh_from_db()
    assert pending.confirmed_at is None


def test_a_link_to_something_deleted_gets_a_404_page(client, pending, controversy):
    confirm = _path(tokens.confirm_url(pending))
    manage = _path(tokens.manage_url(pending.subscriber))
    controversy.delete()  # its subscriptions go with it
    response = client.post(confirm)
    assert response.status_code == 404
    assert "no longer stored" in response.content.decode()
    assert client.get(manage).status_code == 200  # the address is still there
    pending.subscriber.delete()
    assert client.get(manage).status_code == 404
    assert client.get(manage + "data.json").status_code == 404


def test_a_manage_link_is_bound_to_its_address(client, pending):
    manage = _path(tokens.manage_url(pending.subscriber))
    Subscriber.objects.filter(pk=pending.subscriber_id).update(email="someone-else@example.org")
    assert client.get(manage).status_code == 404


def test_token_pages_are_not_cached(client, pending):
    for url in (confirm_path(), _path(tokens.manage_url(pending.subscriber))):
        assert "no-store" in client.get(url)["Cache-Control"]
    assert len(mail.outbox) == 1
