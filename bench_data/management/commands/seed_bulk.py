from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bench_data.seed.bulk import SCALES, SeedError, seed_bulk


class Command(BaseCommand):
    help = (
        "Fill an empty database with a realistic synthetic dataset: organisations, products, "
        "controversies with events and sources, coalitions, campaigns, shareholder votes "
        "and ingested articles. Large is about 5,000 organisations, 20,000 controversies, "
        "200,000 events, 300,000 sources and 1,000,000 articles; small is 1/100 of that."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=sorted(SCALES), default="small")
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same data.")
        parser.add_argument(
            "--reset", action="store_true", help="Empty the domain and ingestion tables first."
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args: object, **options: object) -> None:
        started = time.monotonic()
        try:
            counts = seed_bulk(
                scale=SCALES[options["scale"]],
                seed=options["seed"],
                reset=options["reset"],
                progress=not options["no_progress"],
            )
        except SeedError as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.monotonic() - started
        for label, count in sorted(counts.items()):
            self.stdout.write(f"{label:45} {count:>10,}")
        self.stdout.write(
            self.style.SUCCESS(f"Wrote {sum(counts.values()):,} rows in {elapsed:.1f} s.")
        )
