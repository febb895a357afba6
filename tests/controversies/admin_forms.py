"""Read an admin change form as a browser would submit it, so tests can edit and post it."""

from __future__ import annotations

import lxml.html
from django.http import HttpResponse


def form_data(response: HttpResponse) -> dict[str, list[str]]:
    """The values the admin change form on ``response`` would submit unchanged."""
    doc = lxml.html.fromstring(response.content.decode())
    (form,) = [f for f in doc.forms if (f.get("id") or "").endswith("_form")]
    data: dict[str, list[str]] = {}
    for name, value in form.form_values():
        data.setdefault(name, []).append(value)
    return data


def field_errors(response: HttpResponse) -> dict[str, list[str]]:
    """Field name (with inline prefix) -> messages, from the form and every inline."""
    errors: dict[str, list[str]] = {}
    context = response.context
    for name, messages in context["adminform"].form.errors.items():
        errors.setdefault(name, []).extend(messages)
    for inline in context.get("inline_admin_formsets", []):
        for form in inline.formset.forms:
            for name, messages in form.errors.items():
                errors.setdefault(f"{form.prefix}-{name}", []).extend(messages)
        errors_nf = inline.formset.non_form_errors()
        if errors_nf:
            errors.setdefault(f"{inline.formset.prefix}-__all__", []).extend(errors_nf)
    return errors
