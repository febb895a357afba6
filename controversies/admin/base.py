"""What every admin in this app shares: history on each change page (with the inline rows
saved alongside each version), sensible paging, autocomplete fields that survive any
submitted value."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.admin import widgets
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from simple_history.admin import SimpleHistoryAdmin
from simple_history.utils import get_history_model_for_model

from . import m2m_history
from .inline_history import InlineRows, attach_inline_changes, parent_key
from .widgets import SafeAutocompleteSelect, SafeAutocompleteSelectMultiple


class SafeAutocompleteMixin:
    """For admins and inlines: ``autocomplete_fields`` get widgets that re-render a form
    with an impossible id in it (an invalid choice) instead of raising."""

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request: HttpRequest, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class TabularInline(SafeAutocompleteMixin, admin.TabularInline):
    """The inline every admin here uses, so its autocomplete fields are the safe ones."""


class StackedInline(SafeAutocompleteMixin, admin.StackedInline):
    """The stacked inline every admin here uses (see TabularInline)."""


class HistoryAdmin(SafeAutocompleteMixin, SimpleHistoryAdmin):
    """A ModelAdmin whose change page has a History button (who changed what, when).

    Every admin of a model with history derives from this class, so the revert rules
    below hold for all of them.
    """

    list_per_page = 50
    show_full_result_count = False
    # simple_history's own History list carries an inline style, which the CSP blocks.
    object_history_template = "admin/history/object_history.html"
    object_history_list_template = "admin/history/object_history_list.html"
    # A link typed without a scheme is a web address today: assume https, not http.
    formfield_overrides = {
        models.URLField: {"widget": widgets.AdminURLFieldWidget, "assume_scheme": "https"}
    }

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict | None = None
    ) -> HttpResponse:
        self._require_valid_pk(self.model, object_id)
        return super().history_view(request, object_id, extra_context)

    def get_history_queryset(self, request, history_manager, pk_name: str, object_id):
        # simple_history adds select_related() of the tracked foreign keys; for a model
        # with none (an event) that bare call follows every non-null key instead and
        # drops the user join, costing a query per version. Name the user again.
        queryset = super().get_history_queryset(request, history_manager, pk_name, object_id)
        return queryset.select_related("history_user")

    def set_history_delta_changes(
        self, request: HttpRequest, historical_records, foreign_keys_are_objs: bool = True
    ) -> None:
        """Each version's own field changes (many-to-many fields read in bulk), and
        those of the inline rows saved with it."""
        records = list(historical_records)
        if not records:
            return
        deltas = m2m_history.deltas(records, foreign_keys_are_objs)
        for record in records[:-1]:  # the oldest version has nothing before it
            helper = self.get_historical_record_context_helper(request, record)
            delta = deltas[record.history_id]
            record.history_delta_changes = helper.context_for_delta_changes(delta)
        parent = records[0].instance
        attach_inline_changes(
            records, parent=parent, inlines=self.inline_rows_with_history(request, parent)
        )

    def inline_rows_with_history(self, request: HttpRequest, parent: models.Model):
        """The inlines this user may see on the change page whose rows keep history."""
        found = []
        for inline in self.get_inline_instances(request, parent):
            if not hasattr(inline.model._meta, "simple_history_manager_attribute"):
                continue
            key = parent_key(inline.model, self.model, inline.fk_name)
            if key is not None:
                found.append(InlineRows(inline.model, key, str(inline.verbose_name)))
        return found

    def history_form_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict | None = None,
    ) -> HttpResponse:
        self._require_valid_pk(self.model, object_id)
        self._require_valid_pk(get_history_model_for_model(self.model), version_id)
        # simple_history only checks that the user may *view* the history, then saves
        # whatever is POSTed: the revert permission has to be checked here.
        if request.method == "POST" and not self.has_revert_permission(request, object_id):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def has_revert_permission(self, request: HttpRequest, object_id: str) -> bool:
        """Reverting rewrites the record, so it takes the change permission; reverting a
        deleted record brings it back, so that also takes the add permission."""
        if getattr(settings, "SIMPLE_HISTORY_REVERT_DISABLED", False):
            return False
        # The table, not get_queryset(): a section admin (Companies) filters its
        # queryset, but the record exists (and would be rewritten) all the same.
        current = self.model._base_manager.filter(pk=unquote(object_id)).first()
        if not self.has_change_history_permission(request, current):
            return False
        return current is not None or self.has_add_permission(request)

    @staticmethod
    def _require_valid_pk(model: type[models.Model], value: str) -> None:
        """A URL whose id cannot be a primary key names no record: 404, not a 500."""
        try:
            model._meta.pk.to_python(unquote(value))
        except ValidationError as exc:
            raise Http404(f"No {model._meta.verbose_name} with id {value!r}.") from exc
