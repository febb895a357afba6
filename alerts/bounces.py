"""Hard bounces and complaints reported by the mail relay.

The relay (or a small adapter in front of it) POSTs one JSON report per failed delivery
to ``/alerts/bounces/`` with ``Authorization: Bearer <ALERTS_BOUNCE_TOKEN>``::

    {"email": "someone@example.org", "type": "bounce", "permanent": true}

A permanent bounce or a complaint (``"type": "complaint"``) counts against the address;
a temporary bounce is only acknowledged, since the relay retries it. At
ALERTS_BOUNCE_THRESHOLD counted reports the address is disabled: nothing more is planned
or sent to it until a curator enables it again in admin. Without a token configured the
endpoint does not exist (404), so an unconfigured site cannot be fed reports.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from alerts.models import Subscriber

KINDS = ("bounce", "complaint")


class BadReport(ValueError):
    """A report that is not one (answered 400 with the reason)."""


@dataclass(frozen=True)
class Report:
    email: str
    kind: str
    permanent: bool

    @property
    def counts(self) -> bool:
        return self.kind == "complaint" or self.permanent


@dataclass(frozen=True)
class Outcome:
    known: bool
    counted: bool
    disabled: bool


def parse_report(body: bytes) -> Report:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise BadReport("The body is not JSON.") from None
    if not isinstance(data, dict):
        raise BadReport("The body must be a JSON object.")
    email, kind, permanent = data.get("email"), data.get("type"), data.get("permanent", False)
    if not isinstance(email, str) or len(email) > 254:
        raise BadReport("Give the address as a string in 'email'.")
    try:
        validate_email(email.strip())
    except ValidationError:
        raise BadReport("'email' is not an email address.") from None
    if kind not in KINDS:
        raise BadReport("'type' must be 'bounce' or 'complaint'.")
    if not isinstance(permanent, bool):
        raise BadReport("'permanent' must be true or false.")
    return Report(email.strip().lower(), kind, permanent)


@transaction.atomic
def bounce_record(report: Report) -> Outcome:
    """Count ``report`` against its address and disable the address at the threshold."""
    subscriber = Subscriber.objects.select_for_update().filter(email=report.email).first()
    if subscriber is None:
        return Outcome(known=False, counted=False, disabled=False)
    if not report.counts:
        return Outcome(known=True, counted=False, disabled=subscriber.disabled_at is not None)
    Subscriber.objects.filter(pk=subscriber.pk).update(bounce_count=F("bounce_count") + 1)
    subscriber.refresh_from_db(fields=["bounce_count"])
    if (
        subscriber.disabled_at is None
        and subscriber.bounce_count >= settings.ALERTS_BOUNCE_THRESHOLD
    ):
        subscriber.disabled_at = timezone.now()
        subscriber.disabled_reason = (
            f"{subscriber.bounce_count} hard bounces or complaints reported by the mail relay"
        )
        subscriber.save(update_fields=["disabled_at", "disabled_reason"])
    return Outcome(known=True, counted=True, disabled=subscriber.disabled_at is not None)


def _authorised(request: HttpRequest) -> bool:
    given = request.headers.get("Authorization", "")
    expected = f"Bearer {settings.ALERTS_BOUNCE_TOKEN}"
    return secrets.compare_digest(given.encode(), expected.encode())


@csrf_exempt  # a machine's report, authorised by its bearer token rather than a cookie
@require_POST
def bounce_report(request: HttpRequest) -> JsonResponse:
    if not settings.ALERTS_BOUNCE_TOKEN:
        return JsonResponse({"error": "Not found."}, status=404)
    if not _authorised(request):
        response = JsonResponse({"error": "Give the bounce token as a Bearer token."}, status=401)
        response["WWW-Authenticate"] = "Bearer"
        return response
    try:
        report = parse_report(request.body)
    except BadReport as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    outcome = bounce_record(report)
    return JsonResponse(
        {"known": outcome.known, "counted": outcome.counted, "disabled": outcome.disabled}
    )
