"""Admin for the alerts. Subscribers and subscriptions are read-mostly: they come from
the public follow form; a curator with the change permission may stop mail to an
address (and start it again), one with the delete permission may delete it on request;
the view permission only shows."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from alerts import targets
from alerts.models import Digest, Subscriber, Subscription

SUBSCRIPTION_FIELDS = [
    "kind",
    "followed",
    "frequency",
    "created_at",
    "confirmed_at",
    "sent_until",
]


class FollowedColumn:
    @admin.display(description="follows")
    def followed(self, subscription: Subscription) -> str:
        return targets.describe(subscription)


class SubscriptionInline(FollowedColumn, admin.TabularInline):
    model = Subscription
    extra = 0
    can_delete = False
    fields = SUBSCRIPTION_FIELDS
    readonly_fields = SUBSCRIPTION_FIELDS
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "confirmed_at", "subscription_count", "bounce_count", "disabled_at"]
    list_filter = [
        ("disabled_at", admin.EmptyFieldListFilter),
        ("confirmed_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["email"]
    readonly_fields = [
        "email",
        "created_at",
        "confirmed_at",
        "bounce_count",
        "disabled_at",
        "disabled_reason",
        "subscriptions_ended_at",
    ]
    inlines = [SubscriptionInline]
    actions = ["disable", "enable"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Subscriber]:
        return super().get_queryset(request).annotate(subscription_total=Count("subscriptions"))

    @admin.display(description="subscriptions", ordering="subscription_total")
    def subscription_count(self, subscriber: Subscriber) -> int:
        return subscriber.subscription_total

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # addresses come only from their owners, through the follow form

    @admin.action(description="Stop all mail to the selected addresses", permissions=["change"])
    def disable(self, request: HttpRequest, queryset: QuerySet[Subscriber]) -> None:
        reason = f"Stopped by a curator ({request.user.get_username()})"[:200]
        count = queryset.filter(disabled_at__isnull=True).update(
            disabled_at=timezone.now(), disabled_reason=reason
        )
        self.message_user(request, f"Stopped mail to {count} address(es).", messages.SUCCESS)

    @admin.action(description="Start mail to the selected addresses again", permissions=["change"])
    def enable(self, request: HttpRequest, queryset: QuerySet[Subscriber]) -> None:
        count = queryset.exclude(disabled_at__isnull=True).update(
            disabled_at=None, disabled_reason="", bounce_count=0
        )
        self.message_user(request, f"Mail to {count} address(es) started again.", messages.SUCCESS)


@admin.register(Subscription)
class SubscriptionAdmin(FollowedColumn, admin.ModelAdmin):
    list_display = ["subscriber", "kind", "followed", "frequency", "confirmed_at", "sent_until"]
    list_filter = ["kind", "frequency", ("confirmed_at", admin.EmptyFieldListFilter)]
    search_fields = ["subscriber__email", "query"]
    list_select_related = ["subscriber", "controversy", "organization", "campaign", "coalition"]
    fields = ["subscriber", *SUBSCRIPTION_FIELDS, "query"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # nothing to edit: the owner changes it from the manage page


@admin.register(Digest)
class DigestAdmin(admin.ModelAdmin):
    """Each digest and its sending state: a relay that is down or refuses the address
    shows here as attempts and the last error until a retry sends it. Read-only."""

    list_display = ["subscription", "since", "until", "sent_at", "attempts", "short_error"]
    list_filter = [("sent_at", admin.EmptyFieldListFilter), "subscription__frequency"]
    search_fields = ["subscription__subscriber__email"]
    list_select_related = ["subscription__subscriber"]
    date_hierarchy = "until"

    @admin.display(description="last error")
    def short_error(self, digest: Digest) -> str:
        return digest.last_error[:120]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # a digest row is what stops a mail being sent twice


# Curators' webhooks and their delivery logs.
from alerts import webhook_admin  # noqa: E402, F401
