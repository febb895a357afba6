"""Controversies with their timeline events, events with actors and cited sources."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from controversies.canonical import InvalidURL, canonicalize_url
from controversies.models import Controversy, Event, EventActor, EventSource, Source
from controversies.services import controversy_refresh_last_event

from .base import HistoryAdmin, TabularInline
from .source_audit import SourceAuditAdminMixin


class EventInline(TabularInline):
    """The timeline at a glance; actors and sources are edited on the event's own page."""

    model = Event
    fields = ("occurred_on", "occurred_on_precision", "kind", "title")
    extra = 0
    show_change_link = True
    ordering = ("occurred_on", "id")


@admin.register(Controversy)
class ControversyAdmin(HistoryAdmin):
    list_display = ("title", "status", "started_on", "last_event_on", "event_count")
    list_filter = (
        "status",
        "topics",
        ("companies", admin.RelatedOnlyFieldListFilter),
        "started_on",
    )
    search_fields = ("title", "slug", "summary", "companies__name", "products__name")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("companies", "products", "topics")
    readonly_fields = ("last_event_on",)
    date_hierarchy = "started_on"
    inlines = (EventInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(_event_count=Count("events"))

    @admin.display(description="events", ordering="_event_count")
    def event_count(self, obj: Controversy) -> int:
        return obj._event_count

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # Lists sort by the denormalised last-event date; keep it in step with the inline.
        controversy_refresh_last_event(controversy=form.instance)


class EventActorInline(TabularInline):
    model = EventActor
    verbose_name = "actor"
    extra = 1
    autocomplete_fields = ("organization",)


class EventSourceInline(TabularInline):
    """Numbered citations; the quote is the passage that supports the event."""

    model = EventSource
    verbose_name = "citation"
    extra = 1
    fields = ("position", "source", "quote", "locator")
    autocomplete_fields = ("source",)
    formfield_overrides = {
        EventSource._meta.get_field("quote").__class__: {
            "widget": forms.Textarea(attrs={"rows": 2, "cols": 40})
        }
    }


@admin.register(Event)
class EventAdmin(HistoryAdmin):
    list_display = ("title", "display_date", "kind", "controversy")
    # No per-controversy filter: that sidebar would list every controversy. Search by
    # the controversy's title instead.
    list_filter = ("kind", "occurred_on_precision")
    search_fields = ("title", "summary", "controversy__title")
    autocomplete_fields = ("controversy",)
    list_select_related = ("controversy",)
    date_hierarchy = "occurred_on"
    inlines = (EventActorInline, EventSourceInline)
    fields = ("controversy", ("occurred_on", "occurred_on_precision"), "kind", "title", "summary")

    @admin.display(description="date", ordering="occurred_on")
    def display_date(self, obj: Event) -> str:
        return obj.display_date

    def save_formset(self, request: HttpRequest, form, formset, change: bool) -> None:
        if formset.model is EventSource:
            # Extra rows all start at position 1; a new citation whose number is taken
            # goes to the end of the list instead of sharing a number.
            taken = {f.instance.position for f in formset.initial_forms if f.instance.pk}
            for row in formset.extra_forms:
                if row.has_changed() and row.instance.position in taken:
                    row.instance.position = max(taken, default=0) + 1
                if row.has_changed():
                    taken.add(row.instance.position)
        super().save_formset(request, form, formset, change)

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        controversy_refresh_last_event(controversy=form.instance.controversy)


class SourceForm(forms.ModelForm):
    """The canonical URL is derived from the URL when the curator leaves it blank.

    Which URLs a source may hold is Source.clean()'s rule; it reports a bad URL on its
    field, so a URL that cannot be canonicalised is simply not used here.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Staff who may only view sources get a form without editable fields.
        if "canonical_url" in self.fields:
            self.fields["canonical_url"].required = False
            self.fields["canonical_url"].help_text = "Left blank, it is derived from the URL."

    def clean_canonical_url(self) -> str:
        canonical = self.cleaned_data.get("canonical_url")
        url = self.cleaned_data.get("url")
        if canonical:
            return canonical
        if not url:
            raise forms.ValidationError("Give the URL or its canonical form.")
        try:
            return canonicalize_url(url)
        except InvalidURL:
            return ""  # Source.clean() tells the curator what is wrong with the URL


@admin.register(Source)
class SourceAdmin(SourceAuditAdminMixin, HistoryAdmin):
    form = SourceForm
    readonly_fields = ("document_check",)
    list_display = ("__str__", "publisher", "published_on", "language")
    list_filter = ("language", "published_on", "publisher")
    search_fields = ("title", "url", "canonical_url", "publisher", "author")
    date_hierarchy = "published_on"
