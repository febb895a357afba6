"""Admin for curators' webhooks and their delivery logs (imported by alerts/admin.py).

A hook's filter is the list page's query string, checked as the follow form checks it
(``alerts.forms.clean_filter_query``): a value naming nothing is an error that names it.
Its URL must pass the fetch client's address check now (it is checked again at each
delivery, since a name can start resolving elsewhere). The secret is shown, with a
"Rotate secret" button, only to staff who may change the hook; view-only staff see the
hook, its state and its log, never the secret. Deliveries are written by the workers:
read-only for everyone.
"""

from __future__ import annotations

import json

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator

from alerts import targets, webhooks
from alerts.forms import BadTarget, TargetGone, clean_filter_query
from alerts.models import Webhook, WebhookDelivery
from controversies.admin.base import HistoryAdmin
from ingestion.fetching import FetchError
from ingestion.fetching.addresses import check_url

RECENT_DELIVERIES = 10


class WebhookForm(forms.ModelForm):
    class Meta:
        model = Webhook
        fields = ["name", "url", "query", "is_active"]

    def clean_query(self) -> str:
        query = self.cleaned_data["query"].strip()
        # A whole list address may be pasted: its query string is the filter.
        query = query.split("?", 1)[1] if "?" in query else query
        try:
            cleaned, _active = clean_filter_query(query)
        except BadTarget as exc:
            raise ValidationError(str(exc), code="invalid") from None
        except TargetGone as exc:
            raise ValidationError(exc.problems or [str(exc)], code="unknown") from None
        return cleaned

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        try:
            check_url(url)
        except FetchError as exc:
            raise ValidationError(
                "Webhooks cannot be sent to this address: %(reason)s.",
                code="refused",
                params={"reason": exc.reason},
            ) from None
        return url


def filter_gone(hook: Webhook) -> str:
    """Why the hook's filter selects nothing now (a record it names was deleted), or ""."""
    try:
        clean_filter_query(hook.query)
    except TargetGone as exc:
        return " ".join(exc.problems or [str(exc)])
    except BadTarget as exc:
        return str(exc)
    return ""


@admin.register(Webhook)
class WebhookAdmin(HistoryAdmin):
    form = WebhookForm
    list_display = ["name", "url", "followed", "is_active", "consecutive_failures", "state"]
    list_filter = ["is_active"]
    search_fields = ["name", "url", "query"]
    list_select_related = ["created_by"]

    # --- what each user sees -------------------------------------------------------------

    def get_fieldsets(self, request: HttpRequest, obj: Webhook | None = None):
        if obj is None:
            return [(None, {"fields": ["name", "url", "query", "is_active"]})]
        deliveries = ["consecutive_failures"]
        if request.user.has_perm("alerts.view_webhookdelivery"):
            deliveries.append("recent_deliveries")
        return [
            (None, {"fields": ["state", "name", "url", "query", "followed", "is_active"]}),
            ("Signing", {"fields": [self._secret_field(request, obj)]}),
            ("Deliveries", {"fields": deliveries}),
            ("Record", {"fields": ["created_by", "created_at", "sent_until"]}),
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: Webhook | None = None):
        if obj is None:
            return []
        return [
            "state",
            "followed",
            self._secret_field(request, obj),
            "consecutive_failures",
            "recent_deliveries",
            "created_by",
            "created_at",
            "sent_until",
        ]

    def _secret_field(self, request: HttpRequest, obj: Webhook) -> str:
        return "secret_shown" if self.has_change_permission(request, obj) else "secret_hidden"

    @admin.display(description="State")
    def state(self, hook: Webhook) -> str:
        if not hook.is_active:
            reason = hook.disabled_reason or "turned off"
            return format_html('<strong class="errornote">Off: {}</strong>', reason)
        gone = filter_gone(hook)
        if gone:
            return format_html('<strong class="errornote">Follows nothing: {}</strong>', gone)
        if hook.consecutive_failures:
            return f"Active; {hook.consecutive_failures} deliveries failed in a row"
        return "Active"

    @admin.display(description="Follows")
    def followed(self, hook: Webhook) -> str:
        return targets.describe(hook)

    @admin.display(description="Secret")
    def secret_shown(self, hook: Webhook) -> str:
        return format_html(
            '<code id="webhook-secret">{}</code> <a class="button" href="{}">Rotate secret</a>'
            '<div class="help">Receivers check each payload\'s X-Tracker-Signature with it '
            '(README, "Webhooks").</div>',
            hook.secret,
            reverse("admin:alerts_webhook_rotate_secret", args=[hook.pk]),
        )

    @admin.display(description="Secret")
    def secret_hidden(self, hook: Webhook) -> str:
        return "Shown only to staff who may change this webhook."

    @admin.display(description="Latest deliveries")
    def recent_deliveries(self, hook: Webhook) -> str:
        log_url = delivery_log_url(hook)
        recent = hook.deliveries.select_related("event")[:RECENT_DELIVERIES]
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    delivery.created_at.strftime("%Y-%m-%d %H:%M"),
                    delivery.event or "(deleted event)",
                    delivery.get_status_display(),
                    delivery.attempts,
                    delivery.last_status_code or "–",
                    Truncator(delivery.last_error).chars(80) or "–",
                )
                for delivery in recent
            ),
        )
        if not rows:
            return "Nothing delivered yet."
        return format_html(
            "<table><thead><tr><th>Queued</th><th>Event</th><th>Status</th><th>Attempts</th>"
            "<th>Last status</th><th>Last error</th></tr></thead><tbody>{}</tbody></table>"
            '<p><a href="{}">The whole delivery log</a></p>',
            rows,
            log_url,
        )

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None
    ) -> HttpResponse:
        if request.method == "GET":
            hook = self.get_object(request, unquote(object_id))
            if hook is not None and not hook.is_active:
                reason = hook.disabled_reason or "turned off"
                self.message_user(request, f"This webhook is off: {reason}", messages.WARNING)
            elif hook is not None and filter_gone(hook):
                self.message_user(
                    request,
                    f"This webhook follows nothing: {filter_gone(hook)} Edit its filter.",
                    messages.WARNING,
                )
        return super().change_view(request, object_id, form_url, extra_context)

    # --- writes --------------------------------------------------------------------------

    def save_model(self, request: HttpRequest, obj: Webhook, form, change: bool) -> None:
        webhooks.webhook_save(webhook=obj, changed=form.changed_data, user=request.user)

    def get_urls(self):
        rotate = self.admin_site.admin_view(self.rotate_secret_view)
        return [
            path("<path:object_id>/rotate-secret/", rotate, name="alerts_webhook_rotate_secret"),
            *super().get_urls(),
        ]

    def rotate_secret_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """GET asks to confirm; POST gives the hook a new secret (change permission)."""
        self._require_valid_pk(Webhook, object_id)
        hook = self.get_object(request, unquote(object_id))
        if hook is None:
            raise Http404("No webhook with that id.")
        if not self.has_change_permission(request, hook):
            raise PermissionDenied
        change_url = reverse("admin:alerts_webhook_change", args=[hook.pk])
        if request.method == "POST":
            webhooks.webhook_rotate_secret(webhook=hook)
            self.log_change(request, hook, "Rotated the secret.")
            self.message_user(
                request,
                "The secret was rotated: give receivers the new one shown below.",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Rotate the secret of {hook}",
            "opts": self.model._meta,
            "original": hook,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/alerts/webhook/rotate_secret.html", context)


def delivery_log_url(hook: Webhook) -> str:
    changelist = reverse("admin:alerts_webhookdelivery_changelist")
    return f"{changelist}?webhook__id__exact={hook.pk}"


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    """The delivery log: one row per payload, with its attempts (workers write it)."""

    list_display = [
        "created_at",
        "webhook",
        "event",
        "change",
        "status",
        "attempts",
        "last_status_code",
        "short_error",
        "next_attempt_at",
        "delivered_at",
    ]
    list_filter = ["status", "webhook"]
    list_select_related = ["webhook", "event"]
    search_fields = ["webhook__name", "event__title", "last_error"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    list_per_page = 50
    exclude = ["payload"]
    readonly_fields = ["change", "payload_shown"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.display(description="Change")
    def change(self, delivery: WebhookDelivery) -> str:
        payload = delivery.payload or {}
        if payload.get("created"):
            return "New event"
        fields = ", ".join(payload.get("changed_fields") or [])
        return f"Changed: {fields}" if fields else "Changed"

    @admin.display(description="Last error")
    def short_error(self, delivery: WebhookDelivery) -> str:
        return Truncator(delivery.last_error).chars(80)

    @admin.display(description="Payload")
    def payload_shown(self, delivery: WebhookDelivery) -> str:
        text = json.dumps(delivery.payload, indent=2, ensure_ascii=False)
        return format_html("<pre>{}</pre>", text)
