"""What the ingestion workers keep: feeds, the articles they yield, what the articles
mention, which controversies they probably belong to, and what each run did.

State lives here, not in the queue: a task carries an article id and moves the row one
state forward, so a redelivered or re-enqueued task finds the work done and stops.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils import timezone

from controversies.models import Controversy, Event, Organization, Product, Source


class Feed(models.Model):
    """An RSS or Atom feed polled on a schedule, with conditional GET and back-off."""

    class Status(models.TextChoices):
        NEW = "new", "Not polled yet"
        OK = "ok", "OK"
        NOT_MODIFIED = "not_modified", "Not modified"
        FAILED = "failed", "Failed"

    url = models.URLField(max_length=2000, unique=True)
    title = models.CharField(max_length=300, blank=True)
    active = models.BooleanField(default=True)
    poll_interval = models.DurationField(default=dt.timedelta(minutes=30))
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    next_poll_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW)
    consecutive_failures = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "url"]
        indexes = [models.Index(fields=["active", "next_poll_at"], name="feed_due_idx")]

    def __str__(self) -> str:
        return self.title or self.url


class ArticleState(models.TextChoices):
    """What ingestion.pipeline.write says of each. Fetched, extracted and matched are
    only found on rows left by earlier versions, which wrote between steps; the runner
    takes such a row on to review."""

    QUEUED = "queued", "Queued"
    FETCHED = "fetched", "Fetched"
    EXTRACTED = "extracted", "Extracted"
    MATCHED = "matched", "Matched"
    IN_REVIEW = "in_review", "In review"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"
    DUPLICATE = "duplicate", "Duplicate"
    FAILED = "failed", "Failed"


# States a worker still has to move forward; the sweeper re-enqueues rows stuck in them.
INTERMEDIATE_STATES = (
    ArticleState.QUEUED,
    ArticleState.FETCHED,
    ArticleState.EXTRACTED,
    ArticleState.MATCHED,
)


class ArticleQuerySet(models.QuerySet):
    def in_review(self) -> ArticleQuerySet:
        """The curators' queue: most relevant first, then newest."""
        return self.filter(state=ArticleState.IN_REVIEW).order_by(
            "-relevance",
            models.F("published_on").desc(nulls_last=True),
            "-created_at",
        )

    def intermediate(self) -> ArticleQuerySet:
        return self.filter(state__in=INTERMEDIATE_STATES)


class Article(models.Model):
    """One news page on its way from a feed entry or a submitted URL to the review queue."""

    State = ArticleState

    class DateSource(models.TextChoices):
        JSON_LD = "json_ld", "JSON-LD"
        OPENGRAPH = "opengraph", "OpenGraph"
        FEED = "feed", "Feed"
        GUESSED = "guessed", "Guessed from the page"

    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    failure_reason = models.TextField(blank=True)
    # How many times the sweeper found it stuck; past a limit it is failed, not retried.
    sweeps = models.PositiveSmallIntegerField(default=0)
    feed = models.ForeignKey(
        Feed, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    url = models.URLField("URL as found", max_length=2000)
    # The canonical form of ``url``; kept apart from canonical_url, which may be replaced
    # by the page's own rel=canonical, so a feed entry is recognised on the next poll.
    link_canonical = models.URLField(max_length=2000, db_index=True)
    canonical_url = models.URLField(max_length=2000, unique=True)
    final_url = models.URLField("URL after redirects", max_length=2000, blank=True)
    feed_title = models.CharField(max_length=500, blank=True)
    feed_summary = models.TextField(blank=True, help_text="Plain text from the feed entry.")
    feed_published_at = models.DateTimeField(null=True, blank=True)
    fetched_at = models.DateTimeField(null=True, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    title = models.CharField(max_length=500, blank=True)
    author = models.CharField(max_length=300, blank=True)
    published_on = models.DateField(null=True, blank=True)
    date_source = models.CharField(max_length=16, choices=DateSource.choices, blank=True)
    site_name = models.CharField(max_length=200, blank=True)
    language = models.CharField(max_length=12, blank=True)
    text = models.TextField(blank=True, help_text="Extracted main text (plain text).")
    content_hash = models.CharField(max_length=64, blank=True, db_index=True)
    # datasketch MinHash hash values, so the near-duplicate index can be rebuilt from the
    # database without recomputing shingles for every stored text.
    minhash = models.BinaryField(null=True, blank=True, editable=False)
    # The order in which articles that may be originals got their minhash: one more than
    # the largest so far, taken under the dedupe lock. Each worker's in-memory index
    # reads the rows past the last number it holds.
    minhash_seq = models.BigIntegerField(null=True, blank=True, editable=False)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    duplicate_reason = models.CharField(max_length=200, blank=True)
    relevance = models.FloatField(default=0.0)
    relevance_terms = models.JSONField(default=list, blank=True)
    accepted_event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The sweeper: articles in an intermediate state, oldest update first.
            models.Index(fields=["state", "updated_at"], name="article_state_idx"),
            models.Index(fields=["state", "-relevance"], name="article_review_idx"),
            models.Index(fields=["created_at"], name="article_created_idx"),
            # The near-duplicate index's top-up: the rows past the last minhash_seq.
            models.Index(
                fields=["minhash_seq"],
                name="article_minhash_seq_idx",
                condition=Q(minhash_seq__isnull=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=ArticleState.values), name="article_state_valid"
            ),
            models.CheckConstraint(
                condition=~Q(state=ArticleState.FAILED) | ~Q(failure_reason=""),
                name="article_failure_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        return self.title or self.feed_title or self.canonical_url

    @property
    def best_date(self) -> dt.date | None:
        if self.published_on:
            return self.published_on
        if self.feed_published_at:
            return self.feed_published_at.date()
        return None


class Mention(models.Model):
    """An organisation or product named in an article, through which alias, how often."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="mentions")
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    product = models.ForeignKey(
        Product, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    alias = models.CharField(max_length=200)
    count = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-count", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organization__isnull=False, product__isnull=True)
                | Q(organization__isnull=True, product__isnull=False),
                name="mention_one_target",
            ),
            models.UniqueConstraint(
                fields=["article", "organization"],
                condition=Q(organization__isnull=False),
                name="mention_unique_org",
            ),
            models.UniqueConstraint(
                fields=["article", "product"],
                condition=Q(product__isnull=False),
                name="mention_unique_product",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entity} ×{self.count}"

    @property
    def entity(self) -> Organization | Product:
        return self.organization or self.product


class Suggestion(models.Model):
    """A controversy the article probably belongs to, with the reasons shown to curators."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="suggestions")
    controversy = models.ForeignKey(Controversy, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    reasons = models.JSONField(default=list)

    class Meta:
        ordering = ["-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["article", "controversy"], name="suggestion_unique")
        ]

    def __str__(self) -> str:
        return f"{self.controversy} ({self.score:.1f})"


class IngestionRun(models.Model):
    """What one poll or batch did, for operators."""

    class Kind(models.TextChoices):
        POLL = "poll", "Feed poll"
        SUBMIT = "submit", "Submitted URL"
        REMATCH = "rematch", "Re-match"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    feed = models.ForeignKey(
        Feed, null=True, blank=True, on_delete=models.SET_NULL, related_name="runs"
    )
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    new_count = models.PositiveIntegerField(default=0)
    duplicate_count = models.PositiveIntegerField(default=0)
    failed_count = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def duration(self) -> dt.timedelta | None:
        if self.finished_at is None:
            return None
        return self.finished_at - self.started_at

    def finish(self, *, error: str = "") -> None:
        self.finished_at = timezone.now()
        self.error = error
        self.save()


class ReviewItem(Article):
    """The curators' review queue in admin; same table as Article."""

    class Meta:
        proxy = True
        verbose_name = "article to review"
        verbose_name_plural = "review queue"
