"""The form fields and widgets of the filter forms (the controversy list's, the resolution
table's) and of the open-data filters that share them.

``EntityField`` takes a company, product, organisation, coalition or topic typed as a
slug, a name or an alias; its ``SuggestingInput`` offers the most involved values in a
``<datalist>``. ``FilterSelect`` draws the short lists (topics, statuses, years). Both
widgets are drawn from templates in ``templates/widgets/``.
"""

from __future__ import annotations

from collections.abc import Sequence

import django_filters
from django import forms
from django.core.exceptions import ValidationError

from controversies.filter_lookup import Candidate, Lookup

# How many values a text box suggests: the most involved, enough to browse the usual
# ones, few enough that the page weighs the same with fifty organisations or five
# thousand (each one is an <option> in every copy of the form). Any other value can be
# typed.
SUGGESTIONS = 30


class SuggestingInput(forms.TextInput):
    """A text box followed by a ``<datalist>`` of suggestions, which the browser filters as
    the user types; any other value can still be typed."""

    template_name = "widgets/suggesting_input.html"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs)
        self.suggestions: Sequence[tuple[str, str]] = ()  # (value, label)

    def get_context(self, name: str, value: object, attrs: dict | None) -> dict:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget["list_id"] = f"{widget['attrs'].get('id') or name}-suggestions"
        widget["attrs"]["list"] = widget["list_id"]
        widget["suggestions"] = self.suggestions
        return context


class FilterSelect(forms.Select):
    """A ``<select>`` whose template writes every option in one loop, where Django's
    ``Select`` renders a template per option: a list of a few hundred topics then costs
    one render, not hundreds. Same markup."""

    template_name = "widgets/filter_select.html"


class EntityField(forms.CharField):
    """A company, product, organisation, coalition or topic typed into a text box. Cleans
    to the slug of the one record the value names.

    With a ``lookup`` (``controversies.filter_lookup``) the value is a slug, name or
    alias of any existing record; without one, a slug or name among ``choices`` (the
    resolution table's options). ``resolved`` is the record last cleaned to (its name
    labels the page's chip).

    Not a ChoiceField on purpose: Django deep-copies each form field per request, and the
    options (thousands at scale) must be neither copied nor drawn per request. Here they
    are kept by reference and only the ``suggestions`` most involved are shown.
    """

    widget = SuggestingInput
    default_error_messages = {
        "invalid_choice": "Unknown value.",
        "ambiguous": "More than one option has that name.",
    }

    def __init__(
        self,
        *,
        choices: Sequence[tuple[str, str]] = (),
        empty_label: str = "",
        lookup: Lookup | None = None,
        **kwargs: object,
    ) -> None:
        kwargs.setdefault("max_length", 200)
        super().__init__(**kwargs)
        self.choices = choices  # (slug, name), most involved first
        self.lookup = lookup
        self.resolved: Candidate | None = None
        if isinstance(self.widget, SuggestingInput):
            shown = choices[:SUGGESTIONS]
            self.widget.suggestions = sorted(shown, key=lambda choice: choice[1].casefold())
            self.widget.attrs["placeholder"] = empty_label

    def clean(self, value: object) -> str:
        # Length and NUL characters are checked (by CharField) before any lookup.
        value = super().clean(value)
        if value in self.empty_values:
            return value
        candidates = self._candidates(value)
        if len(candidates) == 1:
            self.resolved = candidates[0]
            return self.resolved.slug
        code = "ambiguous" if candidates else "invalid_choice"
        raise ValidationError(
            self.error_messages[code], code=code, params={"candidates": candidates}
        )

    def _candidates(self, value: str) -> list[Candidate]:
        if self.lookup is not None:
            return self.lookup.find(value)
        if any(slug == value for slug, _name in self.choices):
            return [Candidate(value, "")]
        folded = value.casefold()
        return [Candidate(slug, name) for slug, name in self.choices if name.casefold() == folded]


class EntityFilter(django_filters.Filter):
    """Filters by the slug that ``EntityField`` cleans a typed slug, name or alias to."""

    field_class = EntityField
