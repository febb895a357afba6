"""Webhooks in admin: a curator registers one for a list filter; the form refuses a
filter value naming nothing and an address the fetch client would refuse; the secret is
shown to those who may change the hook, with a rotation that history records without
the secret; view-only staff read the hook and its delivery log but change nothing."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from alerts.models import Webhook, WebhookDelivery
from tests import factories as f
from tests.alerts import webhook_support

pytestmark = [pytest.mark.services, pytest.mark.django_db]

# The loopback receiver and its helpers (tests/alerts/webhook_support.py).
receiver = webhook_support.receiver

ADD_URL = "/admin/alerts/webhook/add/"


def _change_url(hook: Webhook) -> str:
    return f"/admin/alerts/webhook/{hook.pk}/change/"


def _rotate_url(hook: Webhook) -> str:
    return f"/admin/alerts/webhook/{hook.pk}/rotate-secret/"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def curator() -> Client:
    return _client(f.CuratorFactory())


@pytest.fixture
def viewer() -> Client:
    user = f.StaffUserFactory()
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="alerts",
            codename__in=["view_webhook", "view_webhookdelivery"],
        )
    )
    return _client(user)


@pytest.fixture
def hook(receiver) -> Webhook:
    return Webhook.objects.create(
        name="Newsroom", url=receiver.url(), query="", sent_until=timezone.now()
    )


def _form(receiver, **changes: str) -> dict[str, str]:
    return {"name": "Newsroom", "url": receiver.url(), "query": "", "is_active": "on", **changes}


def test_a_curator_registers_a_hook_for_a_list_filter(curator, receiver):
    f.CompanyFactory(name="Amazon", slug="amazon", aliases="Amazon.com")

    response = curator.post(ADD_URL, _form(receiver, query="/controversies/?company=Amazon.com"))

    assert response.status_code == 302
    hook = Webhook.objects.get()
    assert hook.query == "company=amazon"  # the filter as the list page applies it
    assert hook.is_active and hook.created_by is not None
    assert hook.sent_until is not None  # it starts from now, not from the past
    page = curator.get(_change_url(hook)).content.decode()
    assert hook.secret in page
    assert "Controversies filtered by company “Amazon”" in page
    assert hook.history.count() == 1


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ("company=acme", "Unknown company &quot;acme&quot;."),
        ("topic=no-such-topic", "Unknown topic &quot;no-such-topic&quot;."),
        ("colour=red", "Unknown filter parameter: colour."),
        ("year_from=soon", "Invalid year_from &quot;soon&quot;"),
    ],
)
def test_the_form_refuses_a_filter_it_cannot_apply_naming_the_value(
    curator, receiver, query, error
):
    response = curator.post(ADD_URL, _form(receiver, query=query))

    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Webhook.objects.exists()


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("http://10.1.2.3/hook", "10.1.2.3 is a private address"),
        ("http://localhost/hook", "localhost resolves to 127.0.0.1, a loopback address"),
        ("http://169.254.169.254/latest", "169.254.169.254 is a link-local address"),
    ],
)
def test_the_form_refuses_an_address_that_is_not_public(curator, receiver, url, error):
    response = curator.post(ADD_URL, _form(receiver, url=url))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Webhooks cannot be sent to this address" in page and error in page
    assert not Webhook.objects.exists()


def test_a_curator_rotates_the_secret_and_history_keeps_the_event_not_the_secret(curator, hook):
    old = hook.secret

    confirm = curator.get(_rotate_url(hook))
    assert confirm.status_code == 200 and "Rotate the secret" in confirm.content.decode()
    assert Webhook.objects.get(pk=hook.pk).secret == old  # a GET changes nothing

    response = curator.post(_rotate_url(hook))

    assert response.status_code == 302 and response.url == _change_url(hook)
    hook.refresh_from_db()
    assert hook.secret != old
    page = curator.get(_change_url(hook)).content.decode()
    assert hook.secret in page and old not in page
    assert hook.history.first().history_change_reason == "Secret rotated"
    history_fields = {field.name for field in Webhook.history.model._meta.fields}
    assert "secret" not in history_fields
    assert old not in curator.get(f"/admin/alerts/webhook/{hook.pk}/history/").content.decode()


def test_view_only_staff_see_the_hook_but_neither_its_secret_nor_any_change(viewer, hook, receiver):
    secret = hook.secret

    page = viewer.get(_change_url(hook))

    assert page.status_code == 200
    text = page.content.decode()
    assert "Newsroom" in text and secret not in text and "Rotate secret" not in text
    assert viewer.post(_change_url(hook), _form(receiver, name="Renamed")).status_code == 403
    assert viewer.get(_rotate_url(hook)).status_code == 403
    assert viewer.post(_rotate_url(hook)).status_code == 403
    assert viewer.get(ADD_URL).status_code == 403
    hook.refresh_from_db()
    assert (hook.name, hook.secret) == ("Newsroom", secret)


def test_the_delivery_log_lists_each_payload_with_its_attempts(viewer, hook):
    event = f.EventFactory(title="Coalition letter to Amazon")
    WebhookDelivery.objects.create(
        webhook=hook,
        event=event,
        changed_at=timezone.now(),
        payload={"type": "event.changed", "created": False, "changed_fields": ["title"]},
        status=WebhookDelivery.Status.PENDING,
        attempts=2,
        last_status_code=503,
        last_error="HTTP 503 Service Unavailable",
    )
    other = Webhook.objects.create(name="Other", url="https://hooks.example.org/x")
    WebhookDelivery.objects.create(
        webhook=other,
        event=f.EventFactory(title="Not this hook's"),
        changed_at=timezone.now(),
        payload={"created": True},
    )

    hook_page = viewer.get(_change_url(hook)).content.decode()
    log_link = f"/admin/alerts/webhookdelivery/?webhook__id__exact={hook.pk}"
    assert log_link.replace("&", "&amp;") in hook_page
    assert "HTTP 503 Service Unavailable" in hook_page

    log = viewer.get(log_link)

    assert log.status_code == 200
    text = log.content.decode()
    assert "Coalition letter to Amazon" in text and "Not this hook&#x27;s" not in text
    assert "Changed: title" in text and "HTTP 503 Service Unavailable" in text
    delivery = WebhookDelivery.objects.get(webhook=hook)
    detail = viewer.get(f"/admin/alerts/webhookdelivery/{delivery.pk}/change/")
    assert detail.status_code == 200 and "changed_fields" in detail.content.decode()
    assert viewer.post(f"/admin/alerts/webhookdelivery/{delivery.pk}/change/").status_code == 403


def test_turning_a_disabled_hook_back_on_clears_its_failures(curator, hook, receiver):
    reason = "10 deliveries failed in a row; last: HTTP 500 Internal Server Error from 127.0.0.1"
    Webhook.objects.filter(pk=hook.pk).update(
        is_active=False,
        disabled_at=timezone.now(),
        disabled_reason=reason,
        consecutive_failures=10,
    )
    page = curator.get(_change_url(hook)).content.decode()
    assert f"This webhook is off: {reason}" in page

    response = curator.post(_change_url(hook), _form(receiver))

    assert response.status_code == 302
    hook.refresh_from_db()
    assert hook.is_active and hook.consecutive_failures == 0 and hook.disabled_reason == ""


def test_turning_a_hook_off_says_who_did(curator, hook, receiver):
    data = _form(receiver)
    del data["is_active"]

    curator.post(_change_url(hook), data)

    hook.refresh_from_db()
    assert not hook.is_active and hook.disabled_reason.startswith("Turned off by ")


def test_a_hook_whose_company_was_deleted_says_it_follows_nothing(curator, receiver):
    company = f.CompanyFactory(slug="acme-ai", name="Acme AI")
    hook = Webhook.objects.create(
        name="Acme watch", url=receiver.url(), query="company=acme-ai", sent_until=timezone.now()
    )
    company.delete()
    listing = curator.get("/admin/alerts/webhook/").content.decode()
    assert "Follows nothing" in listing and "acme-ai" in listing
    page = curator.get(_change_url(hook)).content.decode()
    assert "This webhook follows nothing" in page
