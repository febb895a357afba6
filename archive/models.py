"""What is kept of each source: snapshots (a WARC file plus text), link checks over time,
and one status row per source with what the public pages and the schedulers need."""

from __future__ import annotations

from django.db import models

from controversies.models import Source


class LinkStatus(models.TextChoices):
    ALIVE = "alive", "Alive"
    MOVED = "moved", "Moved"
    GONE = "gone", "Gone"
    CHANGED = "changed", "Changed"
    ERROR = "error", "Error"


class SourceSnapshot(models.Model):
    """One attempt to preserve a source. A successful one names its WARC file in
    ``warc_path`` and leaves ``error`` blank; a failed one gives the reason in ``error``."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="snapshots")
    fetched_at = models.DateTimeField()
    requested_url = models.URLField(max_length=2000)
    final_url = models.URLField(max_length=2000, blank=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    byte_size = models.PositiveIntegerField(default=0, help_text="Size of the body, in bytes.")
    content_hash = models.CharField(max_length=64, blank=True, help_text="SHA-256 of the body.")
    text = models.TextField(blank=True, help_text="The document's text, as extracted.")
    text_hash = models.CharField(max_length=64, blank=True, help_text="SHA-256 of the text.")
    title = models.CharField(max_length=500, blank=True)
    warc_path = models.CharField(
        max_length=300, blank=True, help_text="Name of the WARC file in the snapshot storage."
    )
    warc_bytes = models.PositiveIntegerField(default=0, help_text="Size of the WARC file.")
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-fetched_at", "-id"]
        indexes = [models.Index(fields=["source", "-fetched_at"], name="snapshot_source_idx")]

    def __str__(self) -> str:
        return f"{self.requested_url} at {self.fetched_at:%Y-%m-%d %H:%M}"

    @property
    def succeeded(self) -> bool:
        return bool(self.warc_path) and not self.error


class LinkCheck(models.Model):
    """One visit to a source's address, and what it showed."""

    Status = LinkStatus

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="link_checks")
    checked_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    final_url = models.URLField(max_length=2000, blank=True)
    etag = models.CharField(max_length=512, blank=True)
    last_modified = models.CharField(max_length=512, blank=True)
    content_hash = models.CharField(max_length=64, blank=True, help_text="SHA-256 of the body.")
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-checked_at", "-id"]
        indexes = [models.Index(fields=["source", "-checked_at"], name="linkcheck_source_idx")]

    def __str__(self) -> str:
        return f"{self.get_status_display()} at {self.checked_at:%Y-%m-%d %H:%M}"


class SourceStatus(models.Model):
    """The latest of everything above for one source, and when to look again."""

    source = models.OneToOneField(
        Source, on_delete=models.CASCADE, primary_key=True, related_name="archive_status"
    )
    latest_snapshot = models.ForeignKey(
        SourceSnapshot,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The latest successful snapshot.",
    )
    snapshot_error = models.CharField(max_length=300, blank=True)
    snapshot_failures = models.PositiveIntegerField(default=0)
    # A snapshot is due when this is set and past: a failure's retry, or an address change.
    next_snapshot_at = models.DateTimeField(null=True, blank=True, db_index=True)
    link_status = models.CharField(max_length=10, choices=LinkStatus.choices, blank=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    next_check_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # Checks in a row whose host name did not resolve while other hosts answered.
    unresolved_checks = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "source status"
        verbose_name_plural = "source statuses"

    def __str__(self) -> str:
        return f"{self.source}: {self.get_link_status_display() or 'not checked'}"

    @property
    def shows_archived_copy(self) -> bool:
        """The public pages offer the preserved copy once the original is gone."""
        return self.link_status == LinkStatus.GONE and self.latest_snapshot_id is not None
