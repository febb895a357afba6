"""The whole opt-in over a real SMTP server on loopback (aiosmtpd): the confirmation
mail arrives, its confirm link works, and its one-click unsubscribe headers do what
RFC 8058 says a mail program will do with them."""

from __future__ import annotations

import email
import socket
from email import policy
from email.message import EmailMessage
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller
from django.test import Client

from alerts.models import Subscription
from tests import factories as f
from tests.alerts.subscribe_support import fresh_limits, link_to, sign_up  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.services, pytest.mark.usefixtures("fresh_limits")]


class Inbox:
    """An aiosmtpd handler that keeps every message and refuses listed recipients."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refused: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refused:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def inbox(settings):
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    yield handler
    controller.stop()


def _text(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_the_confirmation_mail_arrives_and_its_links_work(client, inbox):
    controversy = f.ControversyFactory(title="Rekognition sold to police", slug="rekognition")
    sign_up(client, "/alerts/follow/?controversy=rekognition", "reader@example.org", "weekly")

    assert len(inbox.messages) == 1
    message = inbox.messages[0]
    assert message["To"] == "reader@example.org"
    assert "Rekognition sold to police" in message["Subject"]
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "<img" not in html
    text = _text(message)
    assert f"http://testserver{controversy.get_absolute_url()}" in text  # not rewritten

    assert client.post(link_to(text, "/alerts/confirm/")).status_code == 200
    subscription = Subscription.objects.get()
    assert subscription.confirmed_at is not None
    assert client.get(link_to(text, "/alerts/manage/")).status_code == 200

    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    header = message["List-Unsubscribe"].strip()  # a long header is folded onto its own line
    assert header.startswith("<http") and header.endswith(">")
    one_click = urlsplit(header[1:-1])
    # RFC 8058: the mail program POSTs this body, with no cookie and no CSRF token.
    mail_program = Client(enforce_csrf_checks=True)
    response = mail_program.post(
        one_click.path,
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert not Subscription.objects.exists()


def test_a_refused_recipient_gets_a_clear_page_and_is_retried_by_asking_again(client, inbox):
    f.ControversyFactory(slug="rekognition")
    inbox.refused.add("nobody@example.org")
    response = sign_up(client, "/alerts/follow/?controversy=rekognition", "nobody@example.org")
    assert response.status_code == 503
    assert "could not be sent" in response.content.decode()
    assert inbox.messages == []
    inbox.refused.clear()
    response = sign_up(client, "/alerts/follow/?controversy=rekognition", "nobody@example.org")
    assert response.status_code == 200
    assert len(inbox.messages) == 1
    assert Subscription.objects.count() == 1
