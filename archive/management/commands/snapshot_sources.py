"""Snapshot the sources that have none yet or are due a retry (``--now``: every source
without a snapshot), in this process.

What the beat sweep does, for installs without a worker (``make demo``) or after a spell
offline. A source whose fetch fails is recorded with its reason, as always.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from archive.snapshots import source_snapshot, sources_due_for_snapshot
from controversies.models import Source


class Command(BaseCommand):
    help = "Snapshot every source without a snapshot (or due a retry)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=1000, help="At most this many sources.")
        parser.add_argument(
            "--now",
            action="store_true",
            help="Also retry failed sources whose next try is not due yet (back online).",
        )

    def handle(self, *args: Any, limit: int, now: bool, **options: Any) -> None:
        if not settings.ARCHIVE_FETCH_ENABLED:
            raise CommandError("Fetching is turned off (ARCHIVE_FETCH_ENABLED=false).")
        kept = failed = 0
        for source_id in sources_due_for_snapshot(limit=limit, without_waiting=now):
            source = Source.objects.filter(pk=source_id).first()
            if source is None:
                continue
            snapshot = source_snapshot(source=source)
            if snapshot is None or snapshot.succeeded:
                kept += 1
            else:
                failed += 1
                self.stdout.write(f"{source.url}: {snapshot.error}")
        self.stdout.write(f"{kept} source(s) preserved, {failed} failed (retried later).")
