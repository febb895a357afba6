"""Django's autocomplete widgets, safe to re-render with whatever was submitted."""

from __future__ import annotations

from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError


class _SubmittedKeysChecked:
    """To show the chosen records again, Django's autocomplete widget looks up the
    submitted ids; an id that cannot be a key at all (text for an integer id) makes that
    lookup raise, so it is left out here. The form field reports it as an invalid choice.
    """

    def optgroups(self, name: str, value: list[str], attr: dict | None = None) -> list:
        return super().optgroups(name, [v for v in value if self._can_be_key(v)], attr)

    def _can_be_key(self, value: str) -> bool:
        remote_opts = self.field.remote_field.model._meta
        key_name = getattr(self.field.remote_field, "field_name", None) or remote_opts.pk.name
        try:
            remote_opts.get_field(key_name).to_python(value)
        except ValidationError:
            return False
        return True


class SafeAutocompleteSelect(_SubmittedKeysChecked, AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(_SubmittedKeysChecked, AutocompleteSelectMultiple):
    pass
