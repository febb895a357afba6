"""Shareholder meetings, resolutions and their vote results."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from controversies.models.labels import ChoiceLabels

from .campaigns import Campaign
from .controversy import Controversy, Source
from .entities import Organization, Topic

ONE_HUNDRED = Decimal(100)


class Recommendation(models.TextChoices):
    FOR = "for", "For"
    AGAINST = "against", "Against"
    ABSTAIN = "abstain", "Abstain"
    NONE = "none", "No recommendation"
    # The record does not say (a recommendation no document found): not a claim of none.
    NOT_RECORDED = "unknown", "Not recorded"


class ShareholderMeeting(models.Model):
    class Kind(models.TextChoices):
        ANNUAL = "annual", "Annual meeting"
        SPECIAL = "special", "Special meeting"

    company = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="shareholder_meetings"
    )
    held_on = models.DateField()
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.ANNUAL)
    location = models.CharField(max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-held_on"]
        indexes = [models.Index(fields=["held_on"], name="meeting_held_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "held_on", "kind"], name="meeting_unique_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.company} {self.get_kind_display().lower()} {self.held_on:%Y-%m-%d}"


class ShareholderResolution(ChoiceLabels, models.Model):
    class Status(models.TextChoices):
        FILED = "filed", "Filed"
        WITHDRAWN = "withdrawn", "Withdrawn"
        OMITTED = "omitted", "Omitted after SEC no-action"
        ON_BALLOT = "on_ballot", "On the ballot"
        VOTED = "voted", "Voted"

    meeting = models.ForeignKey(
        ShareholderMeeting, on_delete=models.CASCADE, related_name="resolutions"
    )
    item_number = models.CharField(max_length=10, help_text='Ballot item, e.g. "6".')
    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True)
    ask = models.TextField(blank=True, help_text="What the resolution asks, in our words.")
    lead_filer = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resolutions_led",
    )
    co_filers = models.ManyToManyField(Organization, blank=True, related_name="resolutions_cofiled")
    organiser = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resolutions_organised",
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="resolutions")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.FILED)
    filed_on = models.DateField(null=True, blank=True)
    board_recommendation = models.CharField(
        max_length=8, choices=Recommendation.choices, default=Recommendation.NONE
    )
    controversy = models.ForeignKey(
        Controversy, null=True, blank=True, on_delete=models.SET_NULL, related_name="resolutions"
    )
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.SET_NULL, related_name="resolutions"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[co_filers, topics])

    class Meta:
        ordering = ["-meeting__held_on", "item_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "item_number"], name="resolution_unique_item"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["filed", "withdrawn", "omitted", "on_ballot", "voted"]),
                name="resolution_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Item {self.item_number}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("controversies:resolution", args=[self.slug])


class ProxyAdviserRecommendation(ChoiceLabels, models.Model):
    """How a proxy adviser (ISS, Glass Lewis...) told investors to vote."""

    resolution = models.ForeignKey(
        ShareholderResolution, on_delete=models.CASCADE, related_name="adviser_recommendations"
    )
    adviser = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="proxy_recommendations"
    )
    recommendation = models.CharField(max_length=8, choices=Recommendation.choices)
    # A cited fact keeps its source: deleting a source that backs one is refused.
    source = models.ForeignKey(
        Source,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supported_recommendations",
        help_text="The document that reports this recommendation.",
    )

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["resolution", "adviser"], name="adviser_recommendation_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.adviser}: {self.get_recommendation_display()}"


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * ONE_HUNDRED / Decimal(whole)).quantize(Decimal("0.01"))


class VoteResult(models.Model):
    """The outcome of a vote: raw counts when known, a reported percentage otherwise.

    Support depends on the denominator (Amazon counts abstentions as votes against), so
    both conventions are computed from the raw counts instead of storing one number.
    """

    resolution = models.OneToOneField(
        ShareholderResolution, on_delete=models.CASCADE, related_name="vote"
    )
    votes_for = models.PositiveBigIntegerField(null=True, blank=True)
    votes_against = models.PositiveBigIntegerField(null=True, blank=True)
    abstentions = models.PositiveBigIntegerField(null=True, blank=True)
    broker_non_votes = models.PositiveBigIntegerField(null=True, blank=True)
    shares_outstanding = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="Shares entitled to vote, when known."
    )
    reported_support_pct = models.DecimalField(
        "reported support (%)", max_digits=5, decimal_places=2, null=True, blank=True
    )
    reported_basis = models.CharField(
        max_length=200, blank=True, help_text='How the figure was reported, e.g. "of votes cast".'
    )
    passed = models.BooleanField(null=True, blank=True)
    source = models.ForeignKey(
        Source,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supported_vote_results",
        help_text="The document that reports the result (a Form 8-K, a vote report).",
    )

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(reported_support_pct__isnull=True)
                | Q(reported_support_pct__gte=0, reported_support_pct__lte=100),
                name="vote_pct_within_0_100",
            ),
            models.CheckConstraint(
                condition=Q(shares_outstanding__isnull=True)
                | Q(votes_for__isnull=True)
                | Q(shares_outstanding__gte=F("votes_for")),
                name="vote_for_within_outstanding",
            ),
        ]

    def __str__(self) -> str:
        return f"Vote on {self.resolution}"

    @property
    def has_counts(self) -> bool:
        return self.votes_for is not None and self.votes_against is not None

    @property
    def support_for_against(self) -> Decimal | None:
        """for / (for + against): the SEC resubmission convention."""
        if not self.has_counts:
            return None
        return _percent(self.votes_for, self.votes_for + self.votes_against)

    @property
    def support_with_abstentions(self) -> Decimal | None:
        """for / (for + against + abstain): abstentions counted as votes against."""
        if not self.has_counts:
            return None
        total = self.votes_for + self.votes_against + (self.abstentions or 0)
        return _percent(self.votes_for, total)

    @property
    def headline_support(self) -> Decimal | None:
        """The figure to show first: computed from counts, else the reported one."""
        computed = self.support_with_abstentions
        return computed if computed is not None else self.reported_support_pct

    def clean(self) -> None:
        cast = sum(
            n or 0
            for n in (self.votes_for, self.votes_against, self.abstentions, self.broker_non_votes)
        )
        if self.shares_outstanding is not None and cast > self.shares_outstanding:
            raise ValidationError(
                {"votes_for": "Votes cast add up to more than the shares outstanding."}
            )
        if (self.votes_for is None) != (self.votes_against is None):
            missing = "votes_for" if self.votes_for is None else "votes_against"
            raise ValidationError({missing: "Give both the votes for and against, or neither."})
        pct = self.reported_support_pct
        if pct is not None and not 0 <= pct <= ONE_HUNDRED:
            raise ValidationError(
                {"reported_support_pct": "A percentage must be between 0 and 100."}
            )
