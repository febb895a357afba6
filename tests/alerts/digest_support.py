"""A real SMTP server on loopback for the digest tests, and helpers to read what it got.

``MailServer`` runs aiosmtpd in its own thread; it keeps every message it accepted, can
refuse chosen recipients (550) and can be slowed down per recipient, so a test can stop a
worker while a mail is being handed over.
"""

from __future__ import annotations

import email
import email.policy
import logging
import re
import threading
import time
from dataclasses import dataclass, field
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from tests.reliability.processes import free_port

logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command

LINK = re.compile(r'href="([^"]+)"')


@dataclass
class Handler:
    messages: list[EmailMessage] = field(default_factory=list)
    refused: set[str] = field(default_factory=set)
    rcpt_delay: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:  # noqa: N802
        if self.rcpt_delay:
            time.sleep(self.rcpt_delay)  # blocks the server's loop: one mail at a time
        if address.lower() in self.refused:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"


class MailServer:
    def __init__(self) -> None:
        self.handler = Handler()
        self.port = free_port()
        self.controller: Controller | None = None

    def start(self) -> MailServer:
        """Listen on ``port`` (again, after ``stop``: the same address comes back)."""
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self) -> list[EmailMessage]:
        with self.handler.lock:
            return list(self.handler.messages)

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in m["To"]]


def smtp_settings(settings, port: int) -> None:
    """Point Django's mail at the loopback server (the settings EMAIL_URL stands for)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5


def parts(message: EmailMessage) -> tuple[str, str]:
    """(plain text, HTML) of a multipart/alternative mail."""
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html


def links(html: str) -> list[str]:
    return [link.replace("&amp;", "&") for link in LINK.findall(html)]
