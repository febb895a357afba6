"""Controversies with their timeline events, events with actors and cited sources."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from controversies.canonical import InvalidURL, canonicalize_url
from controversies.models import Controversy, Event, EventActor, EventSource, Source
from controversies.services import controversies_refresh_last_event, controversy_refresh_last_event

from .base import HistoryAdmin, TabularInline
from .source_audit import SourceAuditAdminMixin


class EventInline(TabularInline):
    """The timeline at a glance. An event can be on several controversies: a row here
    links an event (new or already on another case) to this one; the event itself, its
    actors and sources are edited on its own page."""

    model = Event.controversies.through
    fields = ("event", "event_kind", "event_page")
    readonly_fields = ("event_kind", "event_page")
    autocomplete_fields = ("event",)
    extra = 0
    verbose_name = "timeline event"
    verbose_name_plural = "timeline events"
    ordering = ("event__occurred_on", "event_id")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("event")

    @admin.display(description="kind")
    def event_kind(self, link) -> str:
        return link.event.get_kind_display() if link.event_id else ""

    @admin.display(description="edit")
    def event_page(self, link) -> str:
        if not link.event_id:
            return ""
        url = reverse("admin:controversies_event_change", args=[link.event_id])
        return format_html('<a href="{}">Edit the event</a>', url)


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
    readonly_fields = ("last_event_on", "add_event")
    date_hierarchy = "started_on"
    inlines = (EventInline,)

    @admin.display(description="timeline")
    def add_event(self, obj: Controversy) -> str:
        if not obj.pk:
            return "Save the controversy first, then add its events."
        url = reverse("admin:controversies_event_add")
        return format_html(
            '<a href="{}?controversies={}">Add a new event to this timeline</a>; an event '
            "already on another controversy is added in the rows below.",
            url,
            obj.pk,
        )

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
    list_display = ("title", "display_date", "kind", "on_controversies")
    # No per-controversy filter: that sidebar would list every controversy. Search by
    # the controversy's title instead.
    list_filter = ("kind", "occurred_on_precision")
    search_fields = ("title", "summary", "controversies__title")
    autocomplete_fields = ("controversies",)
    date_hierarchy = "occurred_on"
    inlines = (EventActorInline, EventSourceInline)
    fields = (
        "controversies",
        ("occurred_on", "occurred_on_precision"),
        "kind",
        "title",
        "summary",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).prefetch_related("controversies")

    @admin.display(description="date", ordering="occurred_on")
    def display_date(self, obj: Event) -> str:
        return obj.display_date

    @admin.display(description="controversies")
    def on_controversies(self, obj: Event) -> str:
        return "; ".join(c.title for c in obj.controversies.all())

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
        # A controversy the event leaves needs its last-event date recomputed too.
        before = set(form.instance.controversies.values_list("pk", flat=True)) if change else set()
        super().save_related(request, form, formsets, change)
        after = set(form.instance.controversies.values_list("pk", flat=True))
        controversies_refresh_last_event(ids=before | after)

    def delete_model(self, request: HttpRequest, obj: Event) -> None:
        linked = set(obj.controversies.values_list("pk", flat=True))
        super().delete_model(request, obj)
        controversies_refresh_last_event(ids=linked)


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
