"""Digests reach a real SMTP server on loopback: what they say, their headers and links,
and what happens when the relay is down or refuses the address."""

from __future__ import annotations

import datetime as dt
import re
import urllib.parse

import pytest
from django.test import Client
from django.utils import timezone

from alerts import digests
from alerts.models import Digest, Frequency, Subscriber, Subscription
from controversies.services import event_create, source_attach, source_get_or_create
from tests.alerts.digest_support import MailServer, links, parts, smtp_settings
from tests.factories import CompanyFactory, ControversyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def relay(settings):
    server = MailServer().start()
    smtp_settings(settings, server.port)
    settings.SITE_URL = "https://tracker.example"
    settings.ALERTS_DIGEST_SETTLE_SECONDS = 0
    yield server
    server.stop()


def follow(controversy, email="reader@example.org", frequency=Frequency.IMMEDIATE):
    subscriber = Subscriber.objects.create(email=email, confirmed_at=timezone.now())
    return Subscription.objects.create(
        subscriber=subscriber,
        kind=Subscription.Kind.CONTROVERSY,
        controversy=controversy,
        frequency=frequency,
        confirmed_at=timezone.now(),
        sent_until=timezone.now(),
    )


def run_digests(frequency=Frequency.IMMEDIATE) -> digests.SendReport:
    digests.plan(frequency)
    return digests.send_due()


def add_event(controversy, title="Shareholders vote on the ban", *, source_url=None):
    source = None
    if source_url:
        source, _ = source_get_or_create(url=source_url, title="The vote, reported")
    return event_create(
        controversy=controversy,
        occurred_on=dt.date(2026, 5, 20),
        title=title,
        sources=[source] if source else None,
    )


def test_it_mails_a_new_event_with_its_date_source_and_links(relay):
    case = ControversyFactory(title="Rekognition sold to police")
    follow(case)
    event = add_event(case, source_url="https://news.example/vote")

    report = run_digests()

    assert report.sent == 1
    [message] = relay.to("reader@example.org")
    assert "Rekognition sold to police" in message["Subject"]
    text, html = parts(message)
    for body in (text, html):
        assert "Rekognition sold to police" in body
        assert "20 May 2026" in body
        assert "Shareholders vote on the ban" in body
        assert "New event" in body
        assert "The vote, reported" in body
    found = links(html)
    assert (
        f"https://tracker.example/controversies/{case.slug}/?event={event.pk}#event-{event.pk}"
        in found
    )
    assert "https://news.example/vote" in found
    assert "https://news.example/vote" in text
    # No tracking: every link goes straight to the site or to the source itself.
    own = ("https://tracker.example/", "https://news.example/")
    assert all(link.startswith(own) for link in found)
    assert "<img" not in html


def test_its_unsubscribe_headers_work_with_one_click(relay):
    case = ControversyFactory()
    subscription = follow(case)
    add_event(case)
    run_digests()

    [message] = relay.messages
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # The header is folded onto a second line (the address is long): unfolded, one link.
    header = message["List-Unsubscribe"].strip()
    unsubscribe = re.fullmatch(r"<(https://[^>]+)>", header).group(1)
    assert unsubscribe in links(parts(message)[1])
    assert message["Message-ID"] == digests.message_id(Digest.objects.get())

    # RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click" to the address.
    path = urllib.parse.urlsplit(unsubscribe).path
    response = Client().post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not Subscription.objects.filter(pk=subscription.pk).exists()


def test_an_event_changed_after_a_digest_appears_in_the_next_with_what_changed(relay):
    case = ControversyFactory(title="Rekognition sold to police")
    follow(case)
    event = add_event(case, title="Vote announced")
    run_digests()
    assert len(relay.messages) == 1

    # As a curator's admin save: new title and date, then one more source.
    event.title = "Shareholders reject the ban"
    event.occurred_on = dt.date(2026, 5, 22)
    event.save()
    source, _ = source_get_or_create(url="https://news.example/result", title="The result")
    source_attach(event=event, source=source)
    report = run_digests()

    assert report.sent == 1
    text, html = parts(relay.messages[1])
    assert "Shareholders reject the ban" in text and "22 May 2026" in text
    assert "Changed: date, title, a source was added." in text
    assert "Changed: date, title, a source was added." in html
    assert "https://news.example/result" in links(html)
    assert "New event" not in text


def test_nothing_new_moves_the_window_without_mail(relay):
    followed, other = ControversyFactory(), ControversyFactory()
    subscription = follow(followed)
    add_event(other)
    before = subscription.sent_until

    report = digests.plan(Frequency.IMMEDIATE)

    assert (report.planned, report.advanced) == (0, 1)
    subscription.refresh_from_db()
    assert subscription.sent_until > before
    assert digests.send_due().sent == 0
    assert relay.messages == []


def test_a_quiet_minute_moves_every_window_on(relay):
    subscription = follow(ControversyFactory())
    before = subscription.sent_until
    assert digests.plan(Frequency.IMMEDIATE).advanced == 1
    subscription.refresh_from_db()
    assert subscription.sent_until > before
    assert relay.messages == []


def test_a_digest_is_sent_once_however_often_it_runs(relay):
    case = ControversyFactory()
    follow(case)
    add_event(case)
    run_digests()
    run_digests()
    digests.send_due()
    assert len(relay.messages) == 1
    assert Digest.objects.get().sent_at is not None


def test_a_daily_subscription_waits_for_its_day(relay):
    case = ControversyFactory()
    subscription = follow(case, frequency=Frequency.DAILY)
    add_event(case)

    assert digests.plan(Frequency.DAILY).planned == 0
    Subscription.objects.filter(pk=subscription.pk).update(
        sent_until=timezone.now() - dt.timedelta(days=1, minutes=1)
    )
    run_digests(Frequency.DAILY)
    assert len(relay.messages) == 1


def test_a_disabled_address_gets_nothing(relay):
    case = ControversyFactory()
    subscription = follow(case)
    Subscriber.objects.filter(pk=subscription.subscriber_id).update(disabled_at=timezone.now())
    add_event(case)
    assert digests.plan(Frequency.IMMEDIATE).planned == 0
    assert relay.messages == []


def test_a_relay_that_is_down_leaves_the_digest_for_a_later_try(relay, settings):
    """GIVEN a digest due WHEN the relay cannot be reached THEN the digest stays unsent
    with the failure recorded, and the next try after the back-off sends it."""
    case = ControversyFactory()
    follow(case)
    add_event(case)
    relay.stop()

    report = run_digests()

    assert (report.sent, report.failed) == (0, 1)
    digest = Digest.objects.get()
    assert digest.sent_at is None and digest.attempts == 1
    assert "Connection refused" in digest.last_error or "Errno" in digest.last_error
    assert digests.send_due().sent == 0  # too early for the first retry

    relay.start()
    smtp_settings(settings, relay.port)
    later = timezone.now() + dt.timedelta(minutes=2)
    assert digests.send_due(now=later).sent == 1
    assert len(relay.messages) == 1
    digest.refresh_from_db()
    assert digest.sent_at is not None and digest.last_error == ""


def test_a_refused_address_is_recorded_and_the_others_still_get_theirs(relay):
    case = ControversyFactory()
    follow(case, email="gone@example.org")
    follow(case, email="reader@example.org")
    relay.handler.refused.add("gone@example.org")
    add_event(case)

    report = run_digests()

    assert (report.sent, report.failed) == (1, 1)
    assert [m["To"] for m in relay.messages] == ["reader@example.org"]
    refused = Digest.objects.get(subscription__subscriber__email="gone@example.org")
    assert refused.sent_at is None and "550" in refused.last_error


def test_an_address_disabled_after_planning_gets_nothing(relay):
    case = ControversyFactory()
    subscription = follow(case)
    add_event(case)
    assert digests.plan(Frequency.IMMEDIATE).planned == 1
    Subscriber.objects.filter(pk=subscription.subscriber_id).update(disabled_at=timezone.now())

    report = digests.send_due()

    assert (report.sent, report.dropped) == (0, 1)
    assert relay.messages == [] and not Digest.objects.exists()


def test_a_long_digest_lists_the_latest_events_and_counts_the_rest(relay, monkeypatch):
    monkeypatch.setattr("alerts.digest_content.MAX_EVENTS", 2)
    case = ControversyFactory()
    follow(case)
    for title in ("First", "Second", "Third"):
        add_event(case, title=title)
    run_digests()

    [message] = relay.messages
    assert "3 updates" in message["Subject"]
    text, html = parts(message)
    assert "Second" in text and "Third" in text and "First" not in text
    assert "And 1 more event:" in text
    assert f"https://tracker.example/controversies/{case.slug}/" in links(html)


def test_a_company_follower_sees_a_shared_event_under_each_of_its_controversies(relay):
    amazon = CompanyFactory(name="Amazon")
    first = ControversyFactory(title="Rekognition sold to police", companies=[amazon])
    second = ControversyFactory(title="Ring shares footage", companies=[amazon])
    ControversyFactory(title="Not about Amazon")
    subscriber = Subscriber.objects.create(email="reader@example.org", confirmed_at=timezone.now())
    Subscription.objects.create(
        subscriber=subscriber,
        kind=Subscription.Kind.COMPANY,
        organization=amazon,
        frequency=Frequency.IMMEDIATE,
        confirmed_at=timezone.now(),
        sent_until=timezone.now(),
    )
    event_create(
        controversy=[first, second], occurred_on=dt.date(2026, 6, 1), title="Coalition letter"
    )

    run_digests()

    [message] = relay.messages
    assert message["Subject"] == "Controversies targeting Amazon: 1 update"
    text, _ = parts(message)
    assert "== Rekognition sold to police ==" in text and "== Ring shares footage ==" in text
    assert text.count("Coalition letter") == 2
    assert "Not about Amazon" not in text
