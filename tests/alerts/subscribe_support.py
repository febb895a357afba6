"""Helpers for the subscribe tests: read the links out of a sent mail, and sign up."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client

LINK = re.compile(r"https?://[^\s<>\"]+")


@pytest.fixture
def fresh_limits(settings):
    """Rate-limit counters live in Redis and outlive a test; start each test at zero."""
    cache.clear()
    settings.ALERTS_SIGNUP_RATE_LIMIT = "10/h"
    settings.ALERTS_SIGNUP_PER_ADDRESS_LIMIT = "5/d"
    settings.SITE_URL = "http://testserver"
    yield
    cache.clear()


def links(text: str) -> list[str]:
    return LINK.findall(text)


def link_to(text: str, prefix: str) -> str:
    """The path of the first link in ``text`` whose path starts with ``prefix``."""
    for found in links(text):
        path = urlsplit(found).path
        if path.startswith(prefix):
            return path
    raise AssertionError(f"no {prefix} link in:\n{text}")


def sign_up(client: Client, follow_url: str, email: str, frequency: str = "daily", **extra):
    data = {"email": email, "frequency": frequency, "website": "", **extra}
    return client.post(follow_url, data)


def last_mail_text() -> str:
    return mail.outbox[-1].body


def confirm_path() -> str:
    return link_to(last_mail_text(), "/alerts/confirm/")
