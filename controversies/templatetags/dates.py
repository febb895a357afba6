"""The ``date`` filter, with a fast path for the formats the public pages use.

Django's filter parses the format string and looks up localised month names on every
call, about 50-100 microseconds each; a timeline or company page formats a hundred
dates or more. For the formats below, in English, this writes the same text directly;
any other format, language or value goes to Django's filter unchanged.

Registered as a template builtin (config/settings.py), after Django's own, so
``{{ value|date:"j M Y" }}`` keeps its meaning in every template.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django import template
from django.template import defaultfilters
from django.utils import translation

register = template.Library()

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

_FORMATS: dict[str, Callable[[dt.date], str]] = {
    "j M Y": lambda d: f"{d.day} {MONTHS[d.month - 1][:3]} {d.year:04d}",
    "j F Y": lambda d: f"{d.day} {MONTHS[d.month - 1]} {d.year:04d}",
    "M Y": lambda d: f"{MONTHS[d.month - 1][:3]} {d.year:04d}",
    "F Y": lambda d: f"{MONTHS[d.month - 1]} {d.year:04d}",
    "Y-m-d": lambda d: f"{d.year:04d}-{d.month:02d}-{d.day:02d}",
    "Y-m": lambda d: f"{d.year:04d}-{d.month:02d}",
    "Y": lambda d: f"{d.year:04d}",
}
_ENGLISH = ("en", "en-us")


@register.filter(expects_localtime=True, is_safe=False)
def date(value: object, arg: str | None = None) -> str:
    fast = _FORMATS.get(arg or "")
    if fast is not None and isinstance(value, dt.date) and translation.get_language() in _ENGLISH:
        return fast(value)
    return defaultfilters.date(value, arg)
