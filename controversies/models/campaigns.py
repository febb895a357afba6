"""Advocacy campaigns with their demands, and coalitions with their members."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from .controversy import Controversy, Event, Source
from .entities import Organization


class Coalition(models.Model):
    name = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    formed_on = models.DateField(null=True, blank=True)
    website = models.URLField(blank=True)
    members = models.ManyToManyField(
        Organization, through="CoalitionMembership", blank=True, related_name="coalitions"
    )
    # The letters and actions the coalition signed.
    actions = models.ManyToManyField(Event, blank=True, related_name="coalitions")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[actions])

    class Meta:
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=~Q(slug=""), name="coalition_slug_set")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("controversies:coalition", args=[self.slug])


class CoalitionMembership(models.Model):
    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="coalition_memberships"
    )
    role = models.CharField(max_length=100, blank=True, help_text='e.g. "lead", "member".')
    joined_on = models.DateField(null=True, blank=True)
    left_on = models.DateField(null=True, blank=True)
    source = models.ForeignKey(
        Source,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supported_memberships",
        help_text="The document that names this member (a signed letter, a member list).",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["coalition", "organization__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["coalition", "organization"], name="coalition_member_unique"
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True)
                | Q(joined_on__isnull=True)
                | Q(left_on__gte=F("joined_on")),
                name="membership_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} in {self.coalition}"

    def clean(self) -> None:
        if self.joined_on and self.left_on and self.left_on < self.joined_on:
            raise ValidationError({"left_on": "A membership cannot end before it starts."})


class Campaign(models.Model):
    name = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True)
    summary = models.TextField(blank=True)
    organisers = models.ManyToManyField(
        Organization, blank=True, related_name="campaigns_organised"
    )
    organising_coalition = models.ForeignKey(
        Coalition, null=True, blank=True, on_delete=models.SET_NULL, related_name="campaigns"
    )
    targets = models.ManyToManyField(Organization, blank=True, related_name="campaigns_targeting")
    controversies = models.ManyToManyField(Controversy, blank=True, related_name="campaigns")
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    outcome = models.TextField(blank=True)
    source = models.ForeignKey(
        Source,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supported_campaigns",
        verbose_name="source of the dates",
        help_text="The document that dates the campaign (its launch, its end).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[organisers, targets, controversies])

    class Meta:
        ordering = ["-started_on", "name"]
        constraints = [
            models.CheckConstraint(condition=~Q(slug=""), name="campaign_slug_set"),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ended_on__gte=F("started_on")),
                name="campaign_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("controversies:campaign", args=[self.slug])

    def clean(self) -> None:
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": "A campaign cannot end before it starts."})


class Demand(models.Model):
    """One thing a campaign asks for; its status changes over time."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="demands")
    text = models.TextField()
    position = models.PositiveSmallIntegerField(default=1)

    history = HistoricalRecords()

    class Meta:
        ordering = ["campaign", "position", "id"]

    def __str__(self) -> str:
        return self.text[:80]


class DemandStatus(models.Model):
    """A dated step in a demand's life: made, responded, committed, met, broken."""

    class Status(models.TextChoices):
        MADE = "made", "Made"
        RESPONDED = "responded", "Company responded"
        COMMITTED = "committed", "Company committed"
        MET = "met", "Met"
        BROKEN = "broken", "Broken"

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="statuses")
    status = models.CharField(max_length=16, choices=Status.choices)
    on = models.DateField()
    note = models.TextField(blank=True)
    # A cited fact keeps its source: deleting a source that backs one is refused.
    source = models.ForeignKey(
        Source,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supported_demand_statuses",
        help_text="The document that shows this step (the demand, the company's answer).",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["demand", "on", "id"]
        verbose_name_plural = "demand statuses"
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["made", "responded", "committed", "met", "broken"]),
                name="demand_status_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} on {self.on}"
