"""Re-run matching and suggestions on stored articles, after aliases changed."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from tqdm import tqdm

from ingestion.models import Article, ArticleState, IngestionRun
from ingestion.pipeline import article_rematch

STATES = (ArticleState.MATCHED, ArticleState.IN_REVIEW)


class Command(BaseCommand):
    help = "Re-match every article in review (or matched) against the current aliases."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--all-states",
            action="store_true",
            help="Also re-match accepted and rejected articles (their suggestions too).",
        )

    def handle(self, *args, **options) -> None:
        articles = Article.objects.exclude(text="")
        if not options["all_states"]:
            articles = articles.filter(state__in=STATES)
        run = IngestionRun.objects.create(kind=IngestionRun.Kind.REMATCH)
        total = articles.count()
        changed = 0
        for article in tqdm(articles.iterator(chunk_size=200), total=total, unit="article"):
            before = set(article.mentions.values_list("organization_id", "product_id"))
            hits = article_rematch(article=article).hits
            after = {(h.pk, None) if h.kind == "organization" else (None, h.pk) for h in hits}
            changed += before != after
        run.new_count = changed
        run.finish()
        self.stdout.write(f"Re-matched {total} article(s); mentions changed on {changed}.")
