"""Alerts: people who follow a page by email, and curators' webhooks.

A ``Subscriber`` is one email address; it holds ``Subscription``s, each following one
target (a list filter, a controversy, an organisation as company or as actor, a campaign
or a coalition) at one frequency. Nothing is sent to a subscription before its owner
confirms it through the signed link mailed to the address (double opt-in).

Every subscription and webhook keeps a watermark (``sent_until``): the events added or
changed up to that moment have been delivered. A ``Digest`` row is written before its
mail is sent and marked sent in the same transaction that moves the watermark, so a
worker killed mid-batch resumes with the digests still unsent and sends none twice.

Targets other than a list filter are foreign keys, so a merge of organisations
(``controversies.services.organization_merge``) moves them to the kept record like
every other reference.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from controversies.models import Campaign, Coalition, Controversy, Event, Organization


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", "As it happens"
    DAILY = "daily", "Daily digest"
    WEEKLY = "weekly", "Weekly digest"


class Subscriber(models.Model):
    """One email address. Stored only once its owner asked to follow something, and
    deleted 30 days after its last subscription ends (``alerts.privacy``)."""

    email = models.EmailField(unique=True, help_text="Stored in lower case.")
    created_at = models.DateTimeField(auto_now_add=True)
    # The first time the owner confirmed a subscription through the mailed link.
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # Hard bounces and complaints reported for this address (alerts.bounces).
    bounce_count = models.PositiveIntegerField(default=0)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=200, blank=True)
    # When the address last had no subscription left; cleared when it gains one.
    subscriptions_ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email

    def save(self, *args: object, **kwargs: object) -> None:
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)


class Subscription(models.Model):
    class Kind(models.TextChoices):
        FILTER = "filter", "Controversies matching a filter"
        CONTROVERSY = "controversy", "A controversy"
        COMPANY = "company", "Controversies targeting a company"
        ACTOR = "actor", "Controversies an organisation acted in"
        CAMPAIGN = "campaign", "A campaign's controversies"
        COALITION = "coalition", "Controversies a coalition acted on"

    # Which foreign key names the target of each kind; a filter has none, only ``query``.
    TARGET_FIELD = {
        Kind.CONTROVERSY: "controversy",
        Kind.COMPANY: "organization",
        Kind.ACTOR: "organization",
        Kind.CAMPAIGN: "campaign",
        Kind.COALITION: "coalition",
    }

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="subscriptions"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # A filter's parameters as the list page applied them, as a sorted query string
    # (``company=amazon&topic=policing``); empty for the other kinds.
    query = models.CharField(max_length=1000, blank=True)
    controversy = models.ForeignKey(
        Controversy, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # A reverse name, unlike the other targets: an organisation merge moves the
    # references its model lists (hidden "+" relations are not listed).
    organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="alert_subscriptions",
    )
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    coalition = models.ForeignKey(
        Coalition, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.WEEKLY)
    created_at = models.DateTimeField(auto_now_add=True)
    # Nothing is sent before the owner confirms (double opt-in).
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # Events added or changed up to this moment have been sent (or predate the
    # confirmation); the next digest covers what changed after it.
    sent_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["subscriber", "created_at"]
        indexes = [models.Index(fields=["frequency", "sent_until"], name="alerts_sub_due")]
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "query"],
                condition=Q(kind="filter"),
                name="alerts_sub_one_filter",
            ),
            models.UniqueConstraint(
                fields=["subscriber", "controversy"],
                condition=Q(controversy__isnull=False),
                name="alerts_sub_one_controversy",
            ),
            models.UniqueConstraint(
                fields=["subscriber", "kind", "organization"],
                condition=Q(organization__isnull=False),
                name="alerts_sub_one_organization",
            ),
            models.UniqueConstraint(
                fields=["subscriber", "campaign"],
                condition=Q(campaign__isnull=False),
                name="alerts_sub_one_campaign",
            ),
            models.UniqueConstraint(
                fields=["subscriber", "coalition"],
                condition=Q(coalition__isnull=False),
                name="alerts_sub_one_coalition",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subscriber} follows {self.get_kind_display().lower()} ({self.frequency})"

    @property
    def target(self) -> models.Model | None:
        """The followed record, or None for a filter."""
        field = self.TARGET_FIELD.get(self.kind)
        return getattr(self, field) if field else None


class Digest(models.Model):
    """One mail to one subscription, covering the events added or changed in
    ``(since, until]``. Written before the mail is sent; ``sent_at`` is set in the
    transaction that moves the subscription's ``sent_until`` to ``until``."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="digests")
    since = models.DateTimeField()
    until = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-until"]
        constraints = [
            models.UniqueConstraint(fields=["subscription", "until"], name="alerts_digest_once")
        ]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(sent_at__isnull=True),
                name="alerts_digest_unsent",
            )
        ]

    def __str__(self) -> str:
        return f"Digest for {self.subscription_id} up to {self.until:%Y-%m-%d %H:%M}"


def new_secret() -> str:
    return secrets.token_urlsafe(32)


class Webhook(models.Model):
    """A curator's endpoint that receives one signed JSON payload per event added or
    changed in the controversies its filter selects."""

    name = models.CharField(max_length=200)
    url = models.URLField(max_length=500, help_text="Reached through the safe fetch client.")
    query = models.CharField(
        max_length=1000,
        blank=True,
        help_text="The list page's filter parameters, e.g. company=amazon&topic=policing; "
        "empty follows every controversy.",
    )
    secret = models.CharField(max_length=100, default=new_secret)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    consecutive_failures = models.PositiveIntegerField(default=0)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    # Events added or changed up to this moment have been queued for delivery.
    sent_until = models.DateTimeField(null=True, blank=True)

    # The secret is left out of the history: a rotated secret must not stay readable in
    # old versions (a rotation is still a version, with its reason).
    history = HistoricalRecords(excluded_fields=["sent_until", "consecutive_failures", "secret"])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class WebhookDelivery(models.Model):
    """One payload for one event change, with its attempts."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Gave up"

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(Event, null=True, on_delete=models.SET_NULL, related_name="+")
    # The moment of the change this payload reports; with the event, it names the
    # delivery, so a rescan never queues the same change twice.
    changed_at = models.DateTimeField()
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["webhook", "event", "changed_at"], name="alerts_delivery_once"
            )
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="alerts_delivery_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.webhook} event {self.event_id} ({self.status})"
