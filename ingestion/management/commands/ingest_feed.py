"""Add a feed (if new) and poll it now; without REDIS_URL the whole pipeline runs here."""

from __future__ import annotations

from celery.result import EagerResult
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import URLValidator

from ingestion import tasks
from ingestion.models import Feed


class Command(BaseCommand):
    help = "Add an RSS/Atom feed and poll it now."

    def add_arguments(self, parser) -> None:
        parser.add_argument("url")

    def handle(self, *args, url: str, **options) -> None:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            raise CommandError(f"Not an http(s) URL: {url!r}") from None
        feed, created = Feed.objects.get_or_create(url=url)
        self.stdout.write(f"{'Added' if created else 'Found'} feed #{feed.pk} {feed.url}")
        result = tasks.poll_feed.delay(feed.pk)
        run = feed.runs.order_by("-started_at").first()
        if isinstance(result, EagerResult) and run is not None:  # no broker: it ran here
            self.stdout.write(
                f"Polled: {run.new_count} new, {run.duplicate_count} known, "
                f"{run.failed_count} failed{': ' + run.error if run.error else ''}"
            )
        else:
            self.stdout.write("Poll queued for the workers.")
