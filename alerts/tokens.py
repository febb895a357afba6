"""Signed links of the alerts: confirm, manage, unsubscribe (one and all).

Each link carries a value signed with the site's SECRET_KEY and a salt of its own, so a
token for one purpose is refused by the others. A confirm token names the subscription
and the frequency asked for: the frequency changes only once the owner of the address
confirms, so a stranger re-submitting the form cannot change someone's mail. Tokens
naming a subscriber also carry a digest of its address: a link works only for the
address it was mailed to.

Confirm and manage links expire (ALERTS_CONFIRM_DAYS, ALERTS_MANAGE_DAYS); unsubscribe
links never do, because RFC 8058 asks that a mail's one-click link keep working.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

from alerts.models import Subscriber, Subscription

CONFIRM = "alerts.confirm"
MANAGE = "alerts.manage"
UNSUBSCRIBE = "alerts.unsubscribe"
UNSUBSCRIBE_ALL = "alerts.unsubscribe-all"


class BadToken(Exception):
    """A link that was tampered with or is not one of ours (answered 400)."""


class ExpiredToken(Exception):
    """A genuine link past its expiry (answered 410)."""


@dataclass(frozen=True)
class ConfirmRequest:
    subscription_id: int
    frequency: str


def address_digest(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:16]


def _sign(value: object, salt: str) -> str:
    return signing.dumps(value, salt=salt, compress=True)


def _absolute(name: str, token: str) -> str:
    return settings.SITE_URL + reverse(name, args=[token])


def _load(token: str, salt: str, max_age: timedelta | None = None) -> object:
    try:
        return signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise ExpiredToken(str(exc)) from None
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise BadToken(str(exc)) from None


def _int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadToken("not an id")
    return value


# --- building ------------------------------------------------------------------------


def confirm_token(subscription: Subscription) -> str:
    return _sign([subscription.pk, subscription.frequency], CONFIRM)


def manage_token(subscriber: Subscriber) -> str:
    return _sign([subscriber.pk, address_digest(subscriber.email)], MANAGE)


def unsubscribe_token(subscription: Subscription) -> str:
    return _sign(subscription.pk, UNSUBSCRIBE)


def unsubscribe_all_token(subscriber: Subscriber) -> str:
    return _sign([subscriber.pk, address_digest(subscriber.email)], UNSUBSCRIBE_ALL)


def confirm_url(subscription: Subscription) -> str:
    """Absolute, signed, expires after ALERTS_CONFIRM_DAYS; confirms at the frequency
    the subscription holds now."""
    return _absolute("alerts:confirm", confirm_token(subscription))


def manage_url(subscriber: Subscriber) -> str:
    """Absolute, signed, expires after ALERTS_MANAGE_DAYS."""
    return _absolute("alerts:manage", manage_token(subscriber))


def unsubscribe_url(subscription: Subscription) -> str:
    """Absolute, signed, never expires: the RFC 8058 one-click POST target (a GET shows
    a button)."""
    return _absolute("alerts:unsubscribe", unsubscribe_token(subscription))


def unsubscribe_all_url(subscriber: Subscriber) -> str:
    return _absolute("alerts:unsubscribe_all", unsubscribe_all_token(subscriber))


# --- reading -------------------------------------------------------------------------


def read_confirm(token: str) -> ConfirmRequest:
    value = _load(token, CONFIRM, timedelta(days=settings.ALERTS_CONFIRM_DAYS))
    if not isinstance(value, list) or len(value) != 2 or not isinstance(value[1], str):
        raise BadToken("malformed confirm token")
    return ConfirmRequest(_int(value[0]), value[1])


def _read_subscriber(token: str, salt: str, max_age: timedelta | None) -> tuple[int, str]:
    value = _load(token, salt, max_age)
    if not isinstance(value, list) or len(value) != 2 or not isinstance(value[1], str):
        raise BadToken("malformed token")
    return _int(value[0]), value[1]


def read_manage(token: str) -> tuple[int, str]:
    """(subscriber id, address digest)."""
    return _read_subscriber(token, MANAGE, timedelta(days=settings.ALERTS_MANAGE_DAYS))


def read_unsubscribe_all(token: str) -> tuple[int, str]:
    return _read_subscriber(token, UNSUBSCRIBE_ALL, None)


def read_unsubscribe(token: str) -> int:
    return _int(_load(token, UNSUBSCRIBE))
