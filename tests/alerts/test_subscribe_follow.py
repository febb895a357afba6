"""The follow form: what it follows, the double opt-in request, and its refusals."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from alerts.models import Subscriber, Subscription
from tests import factories as f
from tests.alerts.subscribe_support import confirm_path, fresh_limits, sign_up  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.services, pytest.mark.usefixtures("fresh_limits")]


@pytest.fixture
def controversy():
    return f.ControversyFactory(title="Rekognition sold to police", slug="rekognition-police")


@pytest.fixture
def follow_url(controversy):
    return f"/alerts/follow/?controversy={controversy.slug}"


def test_it_shows_the_form_naming_what_is_followed(client, follow_url):
    response = client.get(follow_url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Timeline of Rekognition sold to police" in html
    assert 'name="email"' in html and 'type="email"' in html
    assert "As it happens" in html and "Daily digest" in html and "Weekly digest" in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'class="alerts-hp" aria-hidden="true"' in html


def test_a_request_stores_a_pending_subscription_and_mails_the_confirm_link(
    client, follow_url, controversy
):
    response = sign_up(client, follow_url, " Reader@Example.org ", "weekly")

    assert response.status_code == 200
    assert "Check your inbox" in response.content.decode()
    subscription = Subscription.objects.get()
    assert subscription.subscriber.email == "reader@example.org"
    assert (subscription.kind, subscription.controversy, subscription.frequency) == (
        "controversy",
        controversy,
        "weekly",
    )
    assert subscription.confirmed_at is None and subscription.sent_until is None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["reader@example.org"]
    assert "Rekognition sold to police" in message.subject
    assert confirm_path().startswith("/alerts/confirm/")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Unsubscribe"].startswith(
        "<http://testserver/alerts/unsubscribe/"
    )
    html, _type = message.alternatives[0]
    assert "<img" not in html  # no tracking pixel
    assert "/alerts/manage/" in message.body


def test_the_answer_is_the_same_for_a_known_address(client, follow_url):
    first = sign_up(client, follow_url, "reader@example.org").content.decode()
    client.post(confirm_path())
    second = sign_up(client, follow_url, "reader@example.org").content.decode()
    stranger = sign_up(client, follow_url, "stranger@example.org").content.decode()

    def strip(html: str) -> str:
        return html.split('name="csrfmiddlewaretoken"')[0]

    assert strip(first) == strip(second) == strip(stranger)


def test_asking_again_updates_a_pending_request_without_adding_one(client, follow_url):
    sign_up(client, follow_url, "reader@example.org", "weekly")
    sign_up(client, follow_url, "READER@example.org", "immediate")
    assert Subscriber.objects.count() == 1
    assert list(Subscription.objects.values_list("frequency", flat=True)) == ["immediate"]


def test_a_confirmed_subscription_changes_frequency_only_once_confirmed_again(client, follow_url):
    sign_up(client, follow_url, "reader@example.org", "weekly")
    client.post(confirm_path())
    sign_up(client, follow_url, "reader@example.org", "immediate")  # anyone could do this

    subscription = Subscription.objects.get()
    assert subscription.frequency == "weekly"
    assert "already follows it" in mail.outbox[-1].body
    client.post(confirm_path())
    subscription.refresh_from_db()
    assert subscription.frequency == "immediate"
    assert Subscription.objects.count() == 1


def test_a_filled_honeypot_gets_the_same_answer_but_nothing_is_stored_or_sent(client, follow_url):
    response = sign_up(client, follow_url, "reader@example.org", website="http://spam.example")
    assert response.status_code == 200
    assert "Check your inbox" in response.content.decode()
    assert not Subscriber.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize("email", ["not-an-address", "a@", "", "x" * 260 + "@example.org"])
def test_a_malformed_address_is_refused_with_the_form_again(client, follow_url, email):
    response = sign_up(client, follow_url, email)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    assert "name@example.org" in html
    assert not Subscriber.objects.exists()


def test_an_unknown_frequency_is_refused(client, follow_url):
    assert sign_up(client, follow_url, "reader@example.org", "hourly").status_code == 400
    assert not Subscriber.objects.exists()


def test_sign_ups_are_limited_per_client(client, settings, controversy):
    settings.ALERTS_SIGNUP_RATE_LIMIT = "3/h"
    url = f"/alerts/follow/?controversy={controversy.slug}"
    statuses = [sign_up(client, url, f"reader{n}@example.org").status_code for n in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = sign_up(client, url, "reader9@example.org")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Too many requests" in response.content.decode()
    assert "per hour" in response.content.decode()
    assert Subscriber.objects.count() == 3
    other_client = Client(REMOTE_ADDR="192.0.2.7")
    assert sign_up(other_client, url, "reader9@example.org").status_code == 200


def test_sign_ups_are_limited_per_address(settings, controversy):
    settings.ALERTS_SIGNUP_PER_ADDRESS_LIMIT = "2/d"
    url = f"/alerts/follow/?controversy={controversy.slug}"
    statuses = [
        sign_up(Client(REMOTE_ADDR=f"192.0.2.{n}"), url, "victim@example.org").status_code
        for n in range(3)
    ]
    assert statuses == [200, 200, 429]
    assert len(mail.outbox) == 2
    assert "This address has asked" in sign_up(Client(), url, "Victim@example.org").content.decode()


def test_a_disabled_address_gets_the_same_answer_and_no_mail(client, follow_url):
    Subscriber.objects.create(email="bounced@example.org", disabled_at="2026-01-01T00:00Z")
    response = sign_up(client, follow_url, "bounced@example.org")
    assert "Check your inbox" in response.content.decode()
    assert mail.outbox == []
    assert not Subscription.objects.exists()


def test_the_form_needs_its_csrf_token(follow_url):
    client = Client(enforce_csrf_checks=True)
    assert sign_up(client, follow_url, "reader@example.org").status_code == 403
    assert not Subscriber.objects.exists()


def test_a_mail_server_that_refuses_gives_a_clear_page(client, follow_url, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    response = sign_up(client, follow_url, "reader@example.org")
    assert response.status_code == 503
    assert "could not be sent" in response.content.decode()


# --- what a follow link can name ----------------------------------------------------


def test_every_kind_of_target_opens_the_form(client):
    f.CompanyFactory(name="Amazon", slug="amazon")
    f.AdvocacyGroupFactory(name="ACLU", slug="aclu")
    campaign = f.CampaignFactory(name="Stop Rekognition", slug="stop-rekognition")
    coalition = f.CoalitionFactory(name="Letter signers", slug="letter-signers")
    f.TopicFactory(name="Policing", slug="policing")
    expected = {
        "company=amazon": "Controversies targeting Amazon",
        "actor=aclu": "Controversies ACLU acted in",
        f"campaign={campaign.slug}": "Stop Rekognition",
        f"coalition={coalition.slug}": "Letter signers",
        "filter=company%3Damazon%26topic%3Dpolicing": "Controversies filtered by",
        "filter=": "All controversies",
    }
    for query, label in expected.items():
        response = client.get(f"/alerts/follow/?{query}")
        assert response.status_code == 200, query
        assert label in response.content.decode(), query


def test_a_filter_is_stored_as_its_cleaned_sorted_values(client):
    f.CompanyFactory(name="Amazon", slug="amazon")
    f.TopicFactory(name="Policing", slug="policing")
    sign_up(client, "/alerts/follow/?filter=topic%3DPolicing%26company%3DAmazon", "r@example.org")
    assert Subscription.objects.get().query == "company=amazon&topic=policing"


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("", 400),  # names nothing
        ("controversy=a&campaign=b", 400),  # names two
        ("controversy=", 400),
        ("controversy=gone", 404),
        ("company=merged-away", 404),
        ("filter=company%3Dmerged-away", 404),
        ("filter=colour%3Dred", 400),
        ("filter=year_from%3Dsoon", 400),
        ("controversy=%00", 400),
    ],
)
def test_a_bad_follow_link_gets_a_clear_page(client, query, status):
    response = client.get(f"/alerts/follow/?{query}")
    assert response.status_code == status
    assert "<h1>" in response.content.decode()
    assert sign_up(client, f"/alerts/follow/?{query}", "r@example.org").status_code == status
    assert not Subscriber.objects.exists()
