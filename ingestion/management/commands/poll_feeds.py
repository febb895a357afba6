"""Poll every due feed now (or every active feed with --all)."""

from __future__ import annotations

from celery.result import EagerResult
from django.core.management.base import BaseCommand
from django.utils import timezone
from tqdm import tqdm

from ingestion import tasks
from ingestion.models import Feed
from ingestion.pipeline import feeds_claim_due


class Command(BaseCommand):
    help = "Poll due feeds (the same work as the beat schedule), with progress."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--all", action="store_true", help="Poll every active feed now.")

    def handle(self, *args, **options) -> None:
        if options["all"]:
            Feed.objects.filter(active=True).update(next_poll_at=timezone.now())
        feed_ids = feeds_claim_due()
        new, queued = 0, 0
        for feed_id in tqdm(feed_ids, desc="feeds", unit="feed", disable=not feed_ids):
            result = tasks.poll_feed.delay(feed_id)
            if isinstance(result, EagerResult):  # no broker: it already ran here
                new += result.result or 0
            else:
                queued += 1
        if queued:
            self.stdout.write(f"Queued {queued} feed poll(s) for the workers.")
        else:
            self.stdout.write(f"Polled {len(feed_ids)} feed(s); {new} new article(s).")
