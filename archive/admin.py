"""Admin: snapshots and link checks are records of what happened, so read-only for
everyone; each source's change page shows its status and snapshots; the snapshot list
carries the storage report. Only staff with the view permission of these models see them.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.text import Truncator

from archive import selectors
from archive.models import LinkCheck, SourceSnapshot, SourceStatus
from archive.tasks import snapshot_source
from controversies.models import Source
from ingestion.tasks import enqueue_on_commit


class ReadOnlyMixin:
    """Rows are written by the workers only."""

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


def _archived_copy_link(source_id: int) -> str:
    return format_html(
        '<a href="{}" rel="noopener noreferrer">archived copy</a>',
        reverse("archive:archived_copy", args=[source_id]),
    )


@admin.register(SourceSnapshot)
class SourceSnapshotAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "source",
        "fetched_at",
        "status_code",
        "content_type",
        "size",
        "short_error",
    ]
    list_filter = ["content_type", "status_code"]
    search_fields = ["requested_url", "final_url", "title", "error"]
    list_select_related = ["source"]
    date_hierarchy = "fetched_at"
    show_full_result_count = False
    exclude = ["text"]
    readonly_fields = ["copy", "text_excerpt"]

    @admin.display(description="Size", ordering="warc_bytes")
    def size(self, snapshot: SourceSnapshot) -> str:
        return filesizeformat(snapshot.warc_bytes) if snapshot.warc_bytes else "–"

    @admin.display(description="Error")
    def short_error(self, snapshot: SourceSnapshot) -> str:
        return Truncator(snapshot.error).chars(80)

    @admin.display(description="Preserved copy")
    def copy(self, snapshot: SourceSnapshot) -> str:
        return _archived_copy_link(snapshot.source_id) if snapshot.succeeded else "–"

    @admin.display(description="Text")
    def text_excerpt(self, snapshot: SourceSnapshot) -> str:
        return Truncator(snapshot.text).chars(2000)

    def changelist_view(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        extra_context = {**(extra_context or {}), "storage": selectors.storage_use()}
        return super().changelist_view(request, extra_context)


@admin.register(LinkCheck)
class LinkCheckAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["source", "checked_at", "status", "http_status", "short_detail"]
    list_filter = ["status"]
    search_fields = ["source__url", "final_url", "detail"]
    list_select_related = ["source"]
    date_hierarchy = "checked_at"
    show_full_result_count = False

    @admin.display(description="Detail")
    def short_detail(self, check: LinkCheck) -> str:
        return Truncator(check.detail).chars(80)


@admin.register(SourceStatus)
class SourceStatusAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "source",
        "link_status",
        "last_checked_at",
        "preserved",
        "snapshot_failures",
        "next_snapshot_at",
    ]
    list_filter = ["link_status"]
    search_fields = ["source__url", "source__title"]
    list_select_related = ["source", "latest_snapshot"]
    actions = ["snapshot_again"]

    @admin.display(description="Preserved", boolean=True)
    def preserved(self, status: SourceStatus) -> bool:
        return status.latest_snapshot_id is not None

    def has_snapshot_permission(self, request: HttpRequest) -> bool:
        # Taking a snapshot changes what is kept of a source: the source's change right.
        return request.user.has_perm("controversies.change_source")

    @admin.action(description="Take a new snapshot", permissions=["snapshot"])
    def snapshot_again(self, request: HttpRequest, queryset: QuerySet[SourceStatus]) -> None:
        ids = list(queryset.values_list("source_id", flat=True))
        for source_id in ids:
            enqueue_on_commit(snapshot_source, source_id, True)
        self.message_user(request, f"Queued {len(ids)} snapshot(s).", messages.SUCCESS)


def _is_add_page(request: HttpRequest) -> bool:
    match = request.resolver_match
    return match is not None and (match.url_name or "").endswith("_add")


class ReadOnlyInlineMixin:
    """Shown on a saved source's page to users who may view the rows. They hold nothing to
    save, so they are left out of the add page and of the form a save posts: a source's
    save never depends on them (nor on their management fields)."""

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        if request.method not in ("GET", "HEAD") or _is_add_page(request):
            return False
        return super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class SourceStatusInline(ReadOnlyInlineMixin, admin.StackedInline):
    model = SourceStatus
    can_delete = False
    # One row per source: the admin titles it with the singular name.
    verbose_name = verbose_name_plural = "Preservation and link health"
    fields = [
        "link_status",
        "last_checked_at",
        "next_check_at",
        "snapshot_error",
        "snapshot_failures",
        "next_snapshot_at",
        "history",
    ]
    readonly_fields = fields

    @admin.display(description="Records")
    def history(self, status: SourceStatus) -> str:
        if status.source_id is None:
            return "–"
        query = urlencode({"source__id__exact": status.source_id})
        return format_html(
            '<a href="{}?{}">link checks</a> · <a href="{}?{}">snapshots</a>',
            reverse("admin:archive_linkcheck_changelist"),
            query,
            reverse("admin:archive_sourcesnapshot_changelist"),
            query,
        )


class SourceSnapshotInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = SourceSnapshot
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = "Snapshots"
    fields = ["fetched_at", "status_code", "content_type", "title", "error", "copy"]
    readonly_fields = fields

    @admin.display(description="Preserved copy")
    def copy(self, snapshot: SourceSnapshot) -> str:
        return _archived_copy_link(snapshot.source_id) if snapshot.succeeded else "–"


# The source's own admin (controversies) gains these two read-only inlines; Django shows
# each only to users with the view permission of its model.
_source_admin = admin.site.get_model_admin(Source)
_source_admin.inlines = [*_source_admin.inlines, SourceStatusInline, SourceSnapshotInline]
