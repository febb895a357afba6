"""Shareholder meetings with their resolutions; resolutions with votes and recommendations."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from controversies.models import (
    ProxyAdviserRecommendation,
    ShareholderMeeting,
    ShareholderResolution,
    VoteResult,
)

from .base import HistoryAdmin, StackedInline, TabularInline


class ResolutionInline(TabularInline):
    model = ShareholderResolution
    extra = 0
    fields = ("item_number", "title", "slug", "status", "board_recommendation")
    prepopulated_fields = {"slug": ("title",)}
    show_change_link = True


@admin.register(ShareholderMeeting)
class ShareholderMeetingAdmin(HistoryAdmin):
    list_display = ("__str__", "company", "held_on", "kind", "resolution_count")
    list_filter = ("kind", "held_on")
    search_fields = ("company__name", "location")
    autocomplete_fields = ("company",)
    date_hierarchy = "held_on"
    inlines = (ResolutionInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        qs = super().get_queryset(request).select_related("company")
        return qs.annotate(_resolution_count=Count("resolutions"))

    @admin.display(description="resolutions", ordering="_resolution_count")
    def resolution_count(self, obj: ShareholderMeeting) -> int:
        return obj._resolution_count


class VoteResultInline(StackedInline):
    model = VoteResult
    extra = 0
    max_num = 1
    autocomplete_fields = ("source",)
    fields = (
        ("votes_for", "votes_against", "abstentions", "broker_non_votes"),
        "shares_outstanding",
        ("reported_support_pct", "reported_basis"),
        "passed",
        "source",
        ("support_for_against", "support_with_abstentions"),
    )
    readonly_fields = ("support_for_against", "support_with_abstentions")

    @admin.display(description="support: for / (for + against)")
    def support_for_against(self, obj: VoteResult) -> str:
        return _pct(obj.support_for_against)

    @admin.display(description="support: for / (for + against + abstain)")
    def support_with_abstentions(self, obj: VoteResult) -> str:
        return _pct(obj.support_with_abstentions)


def _pct(value: Decimal | None) -> str:
    return "-" if value is None else f"{value}%"


class AdviserRecommendationInline(TabularInline):
    model = ProxyAdviserRecommendation
    extra = 1
    autocomplete_fields = ("adviser", "source")


@admin.register(ShareholderResolution)
class ShareholderResolutionAdmin(HistoryAdmin):
    list_display = ("title", "company", "held_on", "item_number", "status", "support")
    list_filter = ("status", "board_recommendation", "meeting__held_on", "topics")
    search_fields = ("title", "slug", "ask", "meeting__company__name", "lead_filer__name")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = (
        "meeting",
        "lead_filer",
        "co_filers",
        "organiser",
        "topics",
        "controversy",
        "campaign",
    )
    list_select_related = ("meeting__company", "vote")
    inlines = (VoteResultInline, AdviserRecommendationInline)

    @admin.display(description="company", ordering="meeting__company__name")
    def company(self, obj: ShareholderResolution) -> str:
        return str(obj.meeting.company)

    @admin.display(description="meeting", ordering="meeting__held_on")
    def held_on(self, obj: ShareholderResolution) -> object:
        return obj.meeting.held_on

    @admin.display(description="support")
    def support(self, obj: ShareholderResolution) -> str:
        vote = getattr(obj, "vote", None)
        return _pct(vote.headline_support if vote else None)
