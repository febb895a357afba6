"""Controversies, their dated timeline events, and the sources that support them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from controversies.canonical import InvalidURL, canonicalize_url
from controversies.dates import Precision, format_date, precision_check, precision_error
from controversies.models.labels import ChoiceLabels

from .entities import Organization, Product, Topic


class ControversyQuerySet(models.QuerySet):
    def for_company(self, company: Organization) -> ControversyQuerySet:
        return self.filter(companies=company)


class Controversy(ChoiceLabels, models.Model):
    class Status(models.TextChoices):
        ONGOING = "ongoing", "Ongoing"
        RESOLVED = "resolved", "Resolved"
        DORMANT = "dormant", "Dormant"

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True)
    summary = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ONGOING)
    companies = models.ManyToManyField(
        Organization, blank=True, related_name="controversies", help_text="Target companies."
    )
    products = models.ManyToManyField(Product, blank=True, related_name="controversies")
    topics = models.ManyToManyField(Topic, blank=True, related_name="controversies")
    started_on = models.DateField(null=True, blank=True)
    # Denormalised from the events so lists can sort by activity without a join.
    last_event_on = models.DateField(null=True, blank=True, editable=False)
    aiid_incident_id = models.PositiveIntegerField(
        "AI Incident Database id", null=True, blank=True, unique=True
    )
    aiaaic_id = models.CharField("AIAAIC id", max_length=32, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[companies, products, topics])
    objects = ControversyQuerySet.as_manager()

    class Meta:
        ordering = ["-last_event_on", "title"]
        verbose_name_plural = "controversies"
        indexes = [
            models.Index(fields=["-last_event_on", "title"], name="controversy_activity_idx"),
            # The controversy list's order (selectors.LIST_ORDER), id included: a deep
            # page's ids come from an index-only scan.
            models.Index(
                models.F("last_event_on").desc(nulls_last=True),
                "title",
                "id",
                name="controversy_list_order_idx",
            ),
            models.Index(fields=["status", "-last_event_on"], name="controversy_status_idx"),
            models.Index(fields=["started_on"], name="controversy_started_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(slug=""), name="controversy_slug_not_empty"),
            models.CheckConstraint(
                condition=Q(status__in=["ongoing", "resolved", "dormant"]),
                name="controversy_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("controversies:controversy", args=[self.slug])


class Source(models.Model):
    """A cited document. One source can support many events on many controversies."""

    url = models.URLField(max_length=2000)
    canonical_url = models.URLField(max_length=2000, unique=True)
    title = models.CharField(max_length=500, blank=True)
    publisher = models.CharField(max_length=200, blank=True)
    author = models.CharField(max_length=300, blank=True)
    published_on = models.DateField(null=True, blank=True)
    language = models.CharField(max_length=12, blank=True)
    excerpt = models.TextField(blank=True, help_text="A short summary in our own words.")
    text_hash = models.CharField(max_length=64, blank=True, help_text="SHA-256 of the text.")
    archive_url = models.URLField(max_length=2000, blank=True)
    tags = models.TextField(
        blank=True,
        help_text="Labels others gave the document, one per line (the AI Incident "
        "Database's report tags). Importers add to them and never remove one.",
    )
    aiid_report_number = models.PositiveIntegerField(
        "AI Incident Database report", null=True, blank=True, unique=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_on", "title"]
        indexes = [models.Index(fields=["-published_on"], name="source_published_idx")]
        constraints = [
            models.CheckConstraint(condition=~Q(canonical_url=""), name="source_canonical_set")
        ]

    def __str__(self) -> str:
        return self.title or self.canonical_url

    def clean(self) -> None:
        # Every URL a source stores is one canonicalize_url accepts (http or https, a
        # host, no control characters, at most MAX_URL_LENGTH), whoever enters it. The
        # URL fields alone would let ftp:// through.
        errors = {}
        for name in ("url", "canonical_url", "archive_url"):
            value = getattr(self, name)
            if value:
                try:
                    canonicalize_url(value)
                except InvalidURL as exc:
                    errors[name] = str(exc)
        if errors:
            raise ValidationError(errors)


class EventKind(models.TextChoices):
    REPORT = "report", "Report"
    RESEARCH = "research", "Research finding"
    SALE = "sale", "Sale or contract"
    OPEN_LETTER = "open_letter", "Open letter"
    PROTEST = "protest", "Protest"
    CAMPAIGN_LAUNCH = "campaign_launch", "Campaign launch"
    RESOLUTION_FILED = "resolution_filed", "Shareholder resolution filed"
    REGULATOR = "regulator", "Regulator decision"
    SHAREHOLDER_VOTE = "shareholder_vote", "Shareholder vote"
    COMPANY_RESPONSE = "company_response", "Company response"
    NO_COMMENT = "no_comment", "Declined to comment"
    POLICY_CHANGE = "policy_change", "Policy change"
    LEGAL_ACTION = "legal_action", "Legal action"
    LEGISLATION = "legislation", "Legislation"
    OTHER = "other", "Other"


def home_controversy(event: str = "pk") -> dict[str, models.Expression]:
    """Annotations for a row that is (or points at, through ``event``) an event:
    ``home_title`` and ``home_slug`` of the controversy its links go to (Event.home) and
    ``other_count``, how many other controversies share it. Read in the row's own query,
    so a list costs the same number of queries whatever it holds."""
    links = Event.controversies.through.objects.filter(event_id=models.OuterRef(event))
    first = links.order_by("controversy_id")
    count = links.order_by().values("event_id").annotate(n=models.Count("pk")).values("n")
    return {
        "home_title": models.Subquery(first.values("controversy__title")[:1]),
        "home_slug": models.Subquery(first.values("controversy__slug")[:1]),
        "other_count": models.Subquery(count) - 1,
    }


class EventQuerySet(models.QuerySet):
    def on(self, controversies: models.QuerySet | list) -> EventQuerySet:
        """Events on any of ``controversies`` (a queryset or ids), each event once.

        An event belongs to several controversies, so filtering through the join would
        repeat an event once per matching controversy; the subquery does not.
        """
        links = Event.controversies.through.objects.filter(controversy__in=controversies)
        return self.filter(pk__in=links.values("event_id"))

    def with_controversies(self) -> EventQuerySet:
        """Prefetch each event's controversies (id, slug, title) for its links."""
        return self.prefetch_related(
            models.Prefetch(
                "controversies",
                queryset=Controversy.objects.only("id", "slug", "title").order_by("id"),
            )
        )


class Event(ChoiceLabels, models.Model):
    """One dated thing, on the timeline of every controversy it belongs to.

    The coalition letter to Amazon, Microsoft and Google is one event on three
    controversies: its sources, actors and history are kept once.
    """

    Kind = EventKind

    controversies = models.ManyToManyField(
        Controversy,
        related_name="events",
        help_text="Every controversy whose timeline shows this event.",
    )
    occurred_on = models.DateField(help_text="For a fuzzy date, the first day of the period.")
    occurred_on_precision = models.CharField(
        "precision", max_length=8, choices=Precision.choices, default=Precision.DAY
    )
    kind = models.CharField(max_length=32, choices=Kind.choices, default=Kind.REPORT)
    title = models.CharField(max_length=300)
    summary = models.TextField(blank=True)
    actors = models.ManyToManyField(
        Organization, through="EventActor", blank=True, related_name="events"
    )
    sources = models.ManyToManyField(
        Source, through="EventSource", blank=True, related_name="events"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[controversies])
    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["occurred_on", "id"]
        indexes = [
            models.Index(fields=["-occurred_on", "-id"], name="event_latest_idx"),
            models.Index(fields=["kind", "occurred_on"], name="event_kind_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=precision_check("occurred_on"), name="event_date_matches_precision"
            ),
            models.CheckConstraint(condition=Q(kind__in=EventKind.values), name="event_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.display_date}: {self.title}"

    @property
    def display_date(self) -> str:
        return format_date(self.occurred_on, self.occurred_on_precision)

    @property
    def home(self) -> Controversy | None:
        """The controversy a link to this event goes to when no page context picks one:
        the first it was filed on. Reads the prefetched ``controversies`` when present."""
        linked = sorted(self.controversies.all(), key=lambda c: c.pk)
        return linked[0] if linked else None

    def url_on(self, controversy: Controversy | None = None) -> str:
        """The link to the event on ``controversy``'s page (its home when not given): the
        query names the event, so a long timeline opens on the part that holds it
        (controversies.timeline_pages), and the anchor scrolls to it."""
        target = controversy or self.home
        return f"{target.get_absolute_url()}?event={self.pk}#event-{self.pk}" if target else ""

    def clean(self) -> None:
        if self.occurred_on and self.occurred_on_precision:
            error = precision_error(self.occurred_on, self.occurred_on_precision)
            if error:
                raise ValidationError({"occurred_on": error})


class EventActor(ChoiceLabels, models.Model):
    """An organisation that took part in an event, and in what role."""

    class Role(models.TextChoices):
        ACTOR = "actor", "Acted"
        TARGET = "target", "Target"
        AUTHOR = "author", "Author or publisher"
        SIGNATORY = "signatory", "Signatory"
        ORGANISER = "organiser", "Organiser"
        FILER = "filer", "Filer"
        RESPONDENT = "respondent", "Responded"
        CUSTOMER = "customer", "Customer or user"
        REGULATOR = "regulator", "Regulator"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="event_actors")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="event_roles"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.ACTOR)

    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "organization", "role"], name="event_actor_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} ({self.get_role_display()})"


class EventSource(models.Model):
    """A numbered citation: this source supports this event, optionally with a quote."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="citations")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="citations")
    position = models.PositiveSmallIntegerField(default=1)
    quote = models.TextField(blank=True, help_text="The passage that supports the event.")
    locator = models.CharField(max_length=100, blank=True, help_text='e.g. "p. 4", "§2".')

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "source"], name="event_source_unique")
        ]

    def __str__(self) -> str:
        return f"[{self.position}] {self.source}"
