"""The source audit in admin: a work queue of unsourced facts, uncited events and suspect
sources (the list ``manage.py audit_sources`` prints), and a warning on the change page
of a source that looks like a home page, a search or a listing."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path

from controversies.models import Source
from controversies.source_audit import audit_findings, latest_snapshot, source_non_document_reason

FINDINGS_PER_PAGE = 100


class SourceAuditAdminMixin:
    """For SourceAdmin: the audit page at .../source/audit/ and the document check."""

    def get_urls(self) -> list[URLPattern]:
        audit = path(
            "audit/",
            self.admin_site.admin_view(self.audit_view),
            name="controversies_source_audit",
        )
        return [audit, *super().get_urls()]

    def audit_view(self, request: HttpRequest) -> HttpResponse:
        # The queue only reads: viewing sources is enough to see what needs fixing.
        if not self.has_view_permission(request):
            raise PermissionDenied
        findings = audit_findings()
        page = Paginator(findings, FINDINGS_PER_PAGE).get_page(request.GET.get("page"))
        context = {
            **self.admin_site.each_context(request),
            "title": "Source audit",
            "opts": self.model._meta,
            "findings": page,
            "finding_count": len(findings),
        }
        return TemplateResponse(request, "admin/controversies/source_audit.html", context)

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        # Shown to staff who can view sources, so the queue is one click from the list.
        extra_context = {**(extra_context or {}), "show_source_audit_link": True}
        return super().changelist_view(request, extra_context)

    def get_fields(self, request: HttpRequest, obj: Source | None = None) -> list[str]:
        # The check first, so a warning is the first thing a curator reads.
        fields = [f for f in super().get_fields(request, obj) if f != "document_check"]
        return ["document_check", *fields]

    @admin.display(description="document check")
    def document_check(self, obj: Source) -> str:
        if obj.pk is None:
            return "Checked once the source is saved."
        reason = source_non_document_reason(obj, latest_snapshot(obj))
        if reason:
            return (
                f"Likely not a document: {reason}. Cite the article, filing or letter "
                "itself, not a home page, a search or a listing."
            )
        return "Looks like a document."
