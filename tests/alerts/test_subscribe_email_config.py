"""EMAIL_URL and the EMAIL_HOST family become Django's mail settings; a value that
cannot be read stops start-up with its name."""

from __future__ import annotations

import pytest

from alerts.email_config import CONSOLE, SMTP, email_settings, parse_email_url
from config.env import EnvError


def test_it_reads_smtp_with_starttls_and_credentials():
    got = parse_email_url("smtp://relay%40example.org:p%3Ass@mail.example.org:2525/?tls=1")
    assert got == {
        "EMAIL_BACKEND": SMTP,
        "EMAIL_HOST": "mail.example.org",
        "EMAIL_PORT": 2525,
        "EMAIL_HOST_USER": "relay@example.org",
        "EMAIL_HOST_PASSWORD": "p:ss",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
        "EMAIL_TIMEOUT": 10,
    }


def test_it_reads_smtps_with_its_default_port():
    got = parse_email_url("smtps://mail.example.org/?timeout=30")
    assert (got["EMAIL_PORT"], got["EMAIL_USE_SSL"], got["EMAIL_USE_TLS"]) == (465, True, False)
    assert got["EMAIL_TIMEOUT"] == 30
    assert parse_email_url("smtp://localhost")["EMAIL_PORT"] == 25


def test_console_url_prints_mail():
    assert parse_email_url("console://") == {"EMAIL_BACKEND": CONSOLE}


@pytest.mark.parametrize(
    "url",
    [
        "http://mail.example.org",
        "smtp://",
        "smtp://host:port/",
        "smtp://host/?tls=yes",
        "smtps://host/?tls=1",
        "smtp://host/?timeout=soon",
    ],
)
def test_it_refuses_what_it_cannot_read(url):
    with pytest.raises(EnvError):
        parse_email_url(url)


def test_without_configuration_mail_goes_to_the_console(monkeypatch):
    for name in ("EMAIL_URL", "EMAIL_HOST"):
        monkeypatch.delenv(name, raising=False)
    assert email_settings() == {"EMAIL_BACKEND": CONSOLE}


def test_it_reads_the_usual_host_settings(monkeypatch):
    monkeypatch.delenv("EMAIL_URL", raising=False)
    monkeypatch.setenv("EMAIL_HOST", "smtp.example.org")
    monkeypatch.setenv("EMAIL_USE_TLS", "true")
    monkeypatch.setenv("EMAIL_HOST_USER", "alerts")
    got = email_settings()
    assert (got["EMAIL_HOST"], got["EMAIL_PORT"], got["EMAIL_USE_TLS"]) == (
        "smtp.example.org",
        587,
        True,
    )
    assert got["EMAIL_HOST_USER"] == "alerts"
    monkeypatch.setenv("EMAIL_USE_SSL", "true")
    with pytest.raises(EnvError):
        email_settings()


def test_email_url_wins_over_host_settings(monkeypatch):
    monkeypatch.setenv("EMAIL_HOST", "smtp.example.org")
    monkeypatch.setenv("EMAIL_URL", "console://")
    assert email_settings() == {"EMAIL_BACKEND": CONSOLE}
