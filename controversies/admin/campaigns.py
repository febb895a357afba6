"""Coalitions with their members, campaigns with their demands, demands with their steps."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from controversies.models import Campaign, Coalition, CoalitionMembership, Demand, DemandStatus

from .base import HistoryAdmin, TabularInline


class CoalitionMembershipInline(TabularInline):
    model = CoalitionMembership
    extra = 1
    fields = ("organization", "role", "joined_on", "left_on", "source")
    autocomplete_fields = ("organization", "source")


@admin.register(Coalition)
class CoalitionAdmin(HistoryAdmin):
    list_display = ("name", "formed_on", "member_count")
    list_filter = ("formed_on",)
    search_fields = ("name", "slug", "description", "members__name")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("actions",)
    inlines = (CoalitionMembershipInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(_member_count=Count("memberships"))

    @admin.display(description="members", ordering="_member_count")
    def member_count(self, obj: Coalition) -> int:
        return obj._member_count


class DemandInline(TabularInline):
    """Each demand's status history is edited on the demand's own page (no nested inlines)."""

    model = Demand
    extra = 1
    fields = ("position", "text", "latest_status")
    readonly_fields = ("latest_status",)
    show_change_link = True

    @admin.display(description="latest status")
    def latest_status(self, obj: Demand) -> str:
        step = obj.statuses.order_by("-on", "-id").first() if obj.pk else None
        return str(step) if step else "-"


@admin.register(Campaign)
class CampaignAdmin(HistoryAdmin):
    list_display = ("name", "started_on", "ended_on", "organising_coalition")
    list_filter = (
        "started_on",
        ("organisers", admin.RelatedOnlyFieldListFilter),
        ("targets", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("name", "slug", "summary", "organisers__name", "targets__name")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = (
        "organisers",
        "organising_coalition",
        "targets",
        "controversies",
        "source",
    )
    list_select_related = ("organising_coalition",)
    inlines = (DemandInline,)


class DemandStatusInline(TabularInline):
    model = DemandStatus
    extra = 1
    fields = ("status", "on", "note", "source")
    autocomplete_fields = ("source",)


@admin.register(Demand)
class DemandAdmin(HistoryAdmin):
    list_display = ("__str__", "campaign", "position")
    list_filter = ("statuses__status", "campaign")
    search_fields = ("text", "campaign__name")
    autocomplete_fields = ("campaign",)
    list_select_related = ("campaign",)
    inlines = (DemandStatusInline,)
