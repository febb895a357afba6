"""Admin for addresses and subscriptions: curators find an address and see what it
follows, may stop mail to it, and can add or edit nothing; view permission only shows."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from alerts.models import Subscriber, Subscription
from tests import factories as f

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:alerts_subscriber_changelist")


@pytest.fixture
def reader():
    subscriber = Subscriber.objects.create(email="reader@example.org")
    controversy = f.ControversyFactory(title="Rekognition sold to police")
    Subscription.objects.create(subscriber=subscriber, kind="controversy", controversy=controversy)
    Subscriber.objects.create(email="someone@example.org")
    return subscriber


def test_a_curator_finds_an_address_and_sees_what_it_follows(client, reader):
    client.force_login(f.CuratorFactory())
    listing = client.get(CHANGELIST, {"q": "reader@"}).content.decode()
    assert "reader@example.org" in listing and "someone@example.org" not in listing
    page = client.get(reverse("admin:alerts_subscriber_change", args=[reader.pk]))
    assert page.status_code == 200
    assert "Timeline of Rekognition sold to police" in page.content.decode()
    assert client.get(reverse("admin:alerts_subscriber_add")).status_code == 403
    assert client.get(reverse("admin:alerts_subscription_add")).status_code == 403
    assert client.get(reverse("admin:alerts_subscription_changelist")).status_code == 200


def test_a_curator_may_stop_mail_to_an_address(client, reader):
    client.force_login(f.CuratorFactory())
    response = client.post(
        CHANGELIST, {"action": "disable", "_selected_action": [reader.pk]}, follow=True
    )
    assert "Stopped mail to 1 address" in response.content.decode()
    reader.refresh_from_db()
    assert reader.disabled_at is not None
    assert reader.disabled_reason.startswith("Stopped by a curator")
    client.post(CHANGELIST, {"action": "enable", "_selected_action": [reader.pk]})
    reader.refresh_from_db()
    assert reader.disabled_at is None


def test_a_curator_cannot_change_the_address_or_delete_it(client, reader):
    client.force_login(f.CuratorFactory())
    url = reverse("admin:alerts_subscriber_change", args=[reader.pk])
    client.post(url, {"email": "changed@example.org", "bounce_count": 0})
    reader.refresh_from_db()
    assert reader.email == "reader@example.org"
    delete = reverse("admin:alerts_subscriber_delete", args=[reader.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Subscriber.objects.filter(pk=reader.pk).exists()


def test_view_permission_only_shows(client, reader):
    user = f.StaffUserFactory()
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_subscriber", "view_subscription"])
    )
    client.force_login(user)
    listing = client.get(CHANGELIST).content.decode()
    assert "reader@example.org" in listing
    assert 'value="disable"' not in listing  # the action needs the change permission
    response = client.post(CHANGELIST, {"action": "disable", "_selected_action": [reader.pk]})
    reader.refresh_from_db()
    assert reader.disabled_at is None
    assert response.status_code in (200, 302, 403)


def test_an_editor_may_delete_an_address_on_request(client, reader):
    client.force_login(f.EditorFactory())
    delete = reverse("admin:alerts_subscriber_delete", args=[reader.pk])
    client.post(delete, {"post": "yes"})
    assert not Subscriber.objects.filter(pk=reader.pk).exists()
    assert not Subscription.objects.exists()


def test_staff_without_permission_see_nothing(client, reader):
    client.force_login(f.StaffUserFactory())
    assert client.get(CHANGELIST).status_code == 403


def test_a_curator_sees_a_digest_the_relay_refused_and_cannot_change_it(client, reader):
    from alerts.models import Digest

    subscription = reader.subscriptions.get()
    when = subscription.created_at
    digest = Digest.objects.create(
        subscription=subscription,
        since=when,
        until=when,
        attempts=2,
        last_error="550 mailbox unavailable",
    )
    client.force_login(f.CuratorFactory())
    unsent = client.get(reverse("admin:alerts_digest_changelist"), {"sent_at__isnull": "True"})
    assert unsent.status_code == 200
    assert "550 mailbox unavailable" in unsent.content.decode()
    change = reverse("admin:alerts_digest_change", args=[digest.pk])
    client.post(change, {"attempts": 0, "last_error": ""})
    digest.refresh_from_db()
    assert digest.attempts == 2
    delete = reverse("admin:alerts_digest_delete", args=[digest.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
