"""The one way a mail reaches a subscriber.

Every mail is rendered from ``templates/alerts/email/<template>.txt`` and ``.html``,
carries the manage link in its context and the RFC 8058 one-click unsubscribe headers
(``List-Unsubscribe`` with an https or http link, ``List-Unsubscribe-Post``). Links are
written as they are: no tracking pixel, no redirect through a counting address.
Sending failures are raised to the caller, which records them and tries again later.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from alerts import tokens
from alerts.models import Subscriber


def unsubscribe_headers(unsubscribe_url: str) -> dict[str, str]:
    return {
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def send_mail_to(
    subscriber: Subscriber,
    *,
    subject: str,
    template: str,
    context: Mapping[str, object],
    unsubscribe_url: str,
    message_id: str | None = None,
) -> None:
    """Render ``template`` (text and HTML) and send it to ``subscriber``; raises on an
    SMTP failure (``smtplib.SMTPException``, ``OSError``)."""
    full_context = {
        "subscriber": subscriber,
        "site_url": settings.SITE_URL,
        "site_name": settings.SITE_NAME,
        "manage_url": tokens.manage_url(subscriber),
        "unsubscribe_url": unsubscribe_url,
        **context,
    }
    text = render_to_string(f"alerts/email/{template}.txt", full_context)
    html = render_to_string(f"alerts/email/{template}.html", full_context)
    headers = unsubscribe_headers(unsubscribe_url)
    if message_id:
        headers["Message-ID"] = message_id
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[subscriber.email],
        headers=headers,
    )
    message.attach_alternative(html, "text/html")
    message.send(fail_silently=False)
