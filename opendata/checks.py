"""Start-up checks: a mistyped rate limit should stop the deploy, not 500 every request."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import CheckMessage, Error, register
from django.core.exceptions import ImproperlyConfigured

from opendata.ratelimit import RATE_LIMITS, parse_rate


@register()
def check_rate_limit(app_configs: object = None, **kwargs: object) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    for _counter, setting in RATE_LIMITS.values():
        try:
            parse_rate(getattr(settings, setting), setting)
        except ImproperlyConfigured as exc:
            errors.append(Error(str(exc), id="opendata.E001"))
    return errors
