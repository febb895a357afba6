"""Queue a snapshot when a source is added or its address may have changed.

Whoever saves the source (a curator in admin, an accepted article, an importer) is never
held up: the task is queued after the save commits, and a broker that cannot be reached
is only logged, as ingestion.tasks.enqueue_on_commit does; the sweep finds the source
later. Without a broker the task runs in a background thread of the same process after
the commit (archive/background.py), so the saver's response does not wait for the fetch
either; anything it raises is logged, never turned into an error for the saver. Rows
written in bulk, without signals, are found by the sweep too.
"""

from __future__ import annotations

import logging

import kombu.exceptions
from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from archive.background import snapshot_in_background
from archive.models import SourceSnapshot, SourceStatus
from archive.storage import delete_warc
from controversies.models import Source

logger = logging.getLogger(__name__)


@receiver(post_save, sender=Source, dispatch_uid="archive.snapshot_on_save")
def _snapshot_on_save(
    sender: type[Source],
    instance: Source,
    created: bool,
    raw: bool = False,
    update_fields: frozenset[str] | None = None,
    **kwargs: object,
) -> None:
    if raw or not settings.ARCHIVE_FETCH_ENABLED:
        return  # fixtures being loaded, or fetching turned off
    if not created and update_fields is not None and "url" not in update_fields:
        return  # a save that cannot have changed the address
    if not created:
        # Due now, so the sweep catches it if the task below is lost; the task itself
        # does nothing when the latest snapshot is already of this address.
        SourceStatus.objects.filter(source=instance).update(next_snapshot_at=timezone.now())

    source_id = instance.pk

    def send() -> None:
        from archive.tasks import snapshot_source

        if settings.ARCHIVE_SNAPSHOT_IN_BACKGROUND:
            snapshot_in_background(source_id)
            return
        try:
            snapshot_source.delay(source_id)
        except kombu.exceptions.OperationalError as exc:
            logger.error(
                "Could not queue the snapshot of source %s: the broker is unreachable (%s); "
                "the sweep will queue it once it is back",
                source_id,
                exc,
            )

    transaction.on_commit(send, robust=True)


@receiver(post_delete, sender=SourceSnapshot, dispatch_uid="archive.delete_warc_file")
def _delete_warc_file(sender: type[SourceSnapshot], instance: SourceSnapshot, **kwargs) -> None:
    """A snapshot deleted (with its source, say) takes its file along once that commits."""
    name = instance.warc_path
    if name:
        transaction.on_commit(lambda: delete_warc(name), robust=True)
