"""Organisations (with Company and Advocacy group sections), products and topics."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from controversies.models import AdvocacyGroup, Company, Organization, Product, Topic

from .base import HistoryAdmin
from .merge import merge_organizations

# Identifiers that must be unique when filled in (the database enforces it with
# conditional unique constraints, which Django would only report as a form-wide error).
UNIQUE_IDENTIFIERS = ("sec_cik", "wikidata_id", "aiid_slug")


class OrganizationForm(forms.ModelForm):
    def clean(self) -> dict:
        cleaned = super().clean()
        others = Organization.objects.exclude(pk=self.instance.pk)
        for name in UNIQUE_IDENTIFIERS:
            value = cleaned.get(name)
            if not value:
                continue
            holder = others.filter(**{name: value}).first()
            if holder is not None:
                label = Organization._meta.get_field(name).verbose_name
                self.add_error(name, f"{holder} already has this {label}.")
        return cleaned


@admin.register(Organization)
class OrganizationAdmin(HistoryAdmin):
    form = OrganizationForm
    list_display = ("name", "kind", "country", "ticker", "parent", "updated_at")
    list_filter = ("kind", "country")
    search_fields = ("name", "slug", "aliases", "ticker", "sec_cik", "wikidata_id")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("parent",)
    list_select_related = ("parent",)
    actions = (merge_organizations,)
    fieldsets = (
        (None, {"fields": ("name", "slug", "kind", "aliases", "description")}),
        ("Where", {"fields": ("website", "country", "parent")}),
        ("Identifiers", {"fields": ("ticker", "sec_cik", "wikidata_id", "aiid_slug")}),
    )

    def has_merge_permission(self, request: HttpRequest) -> bool:
        # Merging deletes the other records, so it takes the delete permission too.
        return self.has_change_permission(request) and self.has_delete_permission(request)


class _KindSectionAdmin(OrganizationAdmin):
    """An admin section showing one kind of organisation; new records get that kind."""

    section_kind: str = ""
    list_display = ("name", "country", "ticker", "parent", "updated_at")
    list_filter = ("country",)
    fieldsets = (
        (None, {"fields": ("name", "slug", "aliases", "description")}),
        ("Where", {"fields": ("website", "country", "parent")}),
        ("Identifiers", {"fields": ("ticker", "sec_cik", "wikidata_id", "aiid_slug")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).filter(kind=self.section_kind)

    def save_model(self, request: HttpRequest, obj: Organization, form, change: bool) -> None:
        obj.kind = self.section_kind
        super().save_model(request, obj, form, change)


@admin.register(Company)
class CompanyAdmin(_KindSectionAdmin):
    section_kind = Organization.Kind.COMPANY


@admin.register(AdvocacyGroup)
class AdvocacyGroupAdmin(_KindSectionAdmin):
    section_kind = Organization.Kind.ADVOCACY_GROUP
    list_display = ("name", "country", "website", "updated_at")


@admin.register(Product)
class ProductAdmin(HistoryAdmin):
    list_display = ("name", "developer", "launched_on", "updated_at")
    list_filter = ("developer__kind", "launched_on")
    search_fields = ("name", "slug", "aliases", "developer__name")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("developer",)
    list_select_related = ("developer",)


@admin.register(Topic)
class TopicAdmin(HistoryAdmin):
    list_display = ("name", "slug")
    search_fields = ("name", "slug", "description")
    prepopulated_fields = {"slug": ("name",)}
