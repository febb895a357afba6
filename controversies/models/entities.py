"""Actors and subjects: organisations of every kind, AI products, topics."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from controversies.models.labels import ChoiceLabels


def split_aliases(text: str) -> list[str]:
    """Aliases are stored one per line; blank lines and surrounding spaces are ignored."""
    return [line.strip() for line in text.splitlines() if line.strip()]


class OrganizationQuerySet(models.QuerySet):
    def companies(self) -> OrganizationQuerySet:
        return self.filter(kind=Organization.Kind.COMPANY)


class OrganizationKind(models.TextChoices):
    COMPANY = "company", "Company"
    ADVOCACY_GROUP = "advocacy_group", "Advocacy group"
    INVESTOR = "investor", "Investor"
    GOVERNMENT_AGENCY = "government_agency", "Government agency"
    UNION = "union", "Union or workforce group"
    ACADEMIC = "academic", "Academic"
    MEDIA = "media", "Media"
    # People harmed by a system (AIID's "harmed parties"): a party, never a company.
    AFFECTED_GROUP = "affected_group", "Affected group"
    OTHER = "other", "Other"


class Organization(ChoiceLabels, models.Model):
    """Every actor in one table: companies, advocacy groups, investors, agencies..."""

    Kind = OrganizationKind

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=32, choices=Kind.choices, default=Kind.COMPANY)
    aliases = models.TextField(
        blank=True, help_text="Other names used in the news, one per line (for matching)."
    )
    description = models.TextField(blank=True)
    website = models.URLField(blank=True)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166 alpha-2 code.")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="subsidiaries"
    )
    ticker = models.CharField(max_length=16, blank=True)
    sec_cik = models.CharField("SEC CIK", max_length=10, blank=True)
    wikidata_id = models.CharField("Wikidata id", max_length=20, blank=True)
    aiid_slug = models.CharField("AI Incident Database entity", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["kind", "name"])]
        constraints = [
            models.UniqueConstraint(
                fields=["sec_cik"], condition=~Q(sec_cik=""), name="org_unique_sec_cik"
            ),
            models.UniqueConstraint(
                fields=["wikidata_id"], condition=~Q(wikidata_id=""), name="org_unique_wikidata"
            ),
            models.UniqueConstraint(
                fields=["aiid_slug"], condition=~Q(aiid_slug=""), name="org_unique_aiid_slug"
            ),
            models.CheckConstraint(condition=~Q(slug=""), name="org_slug_not_empty"),
            models.CheckConstraint(
                condition=Q(kind__in=OrganizationKind.values), name="org_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("controversies:organization", args=[self.slug])

    @property
    def alias_list(self) -> list[str]:
        return split_aliases(self.aliases)


class Company(Organization):
    """Admin section for companies; same table as Organization."""

    class Meta:
        proxy = True
        verbose_name_plural = "companies"


class AdvocacyGroup(Organization):
    """Admin section for advocacy groups; same table as Organization."""

    class Meta:
        proxy = True


class Product(models.Model):
    """An AI system or technology, such as Rekognition."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    developer = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="products"
    )
    aliases = models.TextField(blank=True, help_text="Other names, one per line.")
    description = models.TextField(blank=True)
    website = models.URLField(blank=True)
    launched_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=~Q(slug=""), name="product_slug_not_empty")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("controversies:product", args=[self.slug])

    @property
    def alias_list(self) -> list[str]:
        return split_aliases(self.aliases)


class Topic(models.Model):
    """A harm or issue category: facial recognition, policing, privacy..."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
