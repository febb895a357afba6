"""The "Merge selected organisations" action: pick a survivor, confirm, merge.

The action stays thin: it shows what will move and calls the organization_merge service.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from controversies.models import Organization
from controversies.selectors import organization_reference_counts
from controversies.services import organization_merge


class MergeForm(forms.Form):
    survivor = forms.ModelChoiceField(
        queryset=Organization.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        help_text="The organisation that stays; the others are folded into it and deleted.",
    )

    def __init__(self, *args, organizations: QuerySet, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["survivor"].queryset = organizations


@admin.action(description="Merge selected organisations", permissions=["merge"])
def merge_organizations(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet
) -> HttpResponse | None:
    organizations = queryset.order_by("name")
    if organizations.count() < 2:
        modeladmin.message_user(
            request, "Select at least two organisations to merge.", messages.WARNING
        )
        return None

    form = MergeForm(
        request.POST if "confirm" in request.POST else None, organizations=organizations
    )
    if form.is_valid():
        survivor = form.cleaned_data["survivor"]
        others = [o for o in organizations if o.pk != survivor.pk]
        report = organization_merge(survivor=survivor, others=others, user=request.user)
        moved = sum(report.moved.values())
        modeladmin.message_user(
            request,
            f"Merged {', '.join(report.merged_names)} into {survivor.name}: "
            f"{moved} references moved, {sum(report.dropped_duplicates.values())} "
            "duplicates dropped.",
            messages.SUCCESS,
        )
        return None  # back to the changelist

    context = {
        **modeladmin.admin_site.each_context(request),
        "title": "Merge organisations",
        "opts": modeladmin.model._meta,
        "form": form,
        "rows": [(o, organization_reference_counts(o)) for o in organizations],
        "selected_pks": [str(pk) for pk in organizations.values_list("pk", flat=True)],
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "action_name": "merge_organizations",
    }
    return TemplateResponse(request, "admin/controversies/merge_organizations.html", context)
