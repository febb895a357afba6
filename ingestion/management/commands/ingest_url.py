"""Queue one article URL; without REDIS_URL the whole pipeline runs here."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from controversies.canonical import InvalidURL
from ingestion import tasks
from ingestion.pipeline import article_submit


class Command(BaseCommand):
    help = "Fetch, extract and match one article URL, and put it in the review queue."

    def add_arguments(self, parser) -> None:
        parser.add_argument("url")

    def handle(self, *args, url: str, **options) -> None:
        try:
            article, created = article_submit(url=url)
        except InvalidURL as exc:
            raise CommandError(str(exc)) from None
        if not created:
            self.stdout.write(f"Already known as article #{article.pk} ({article.state}).")
            return
        tasks.advance_article.delay(article.pk)
        article.refresh_from_db()
        message = f"Article #{article.pk}: {article.get_state_display()}"
        if article.failure_reason:
            message += f" ({article.failure_reason})"
        self.stdout.write(message)
