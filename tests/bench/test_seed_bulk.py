"""seed_bulk at the tiny scale: counts as requested, every reference valid, same seed
same data, and a non-empty database is refused rather than mixed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.db import models
from django.db.models import Max
from django.test import modify_settings

from bench_data.seed.bulk import SCALES, seed_bulk, seeded_models
from bench_data.seed.ingested import ingestion_available
from controversies.dates import precision_error
from controversies.models import (
    Controversy,
    Event,
    Organization,
    Product,
    ShareholderResolution,
    Source,
    VoteResult,
)

TINY = SCALES["tiny"]
pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded() -> dict[str, int]:
    return seed_bulk(scale=TINY, seed=7, progress=False)


def test_it_writes_the_requested_counts(seeded):
    assert Organization.objects.count() == TINY.organizations
    assert Product.objects.count() == TINY.products
    assert Controversy.objects.count() == TINY.controversies
    assert Event.objects.count() == TINY.events
    assert Source.objects.count() == TINY.sources
    assert seeded["controversies.Event"] == TINY.events
    kinds = set(Organization.objects.values_list("kind", flat=True))
    assert kinds == set(Organization.Kind.values)
    if ingestion_available():
        from ingestion.models import Article

        assert Article.objects.count() == TINY.articles


def test_it_leaves_no_dangling_reference(seeded):
    checked = 0
    for model in seeded_models():
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.ForeignKey):
                continue
            target = field.related_model._default_manager.values("pk")
            dangling = (
                model._default_manager.exclude(**{f"{field.attname}__isnull": True})
                .exclude(**{f"{field.attname}__in": target})
                .count()
            )
            assert dangling == 0, f"{model._meta.label}.{field.name}"
            checked += model._default_manager.exclude(**{f"{field.attname}__isnull": True}).count()
    assert checked > TINY.events  # the check saw real references, not empty tables


def test_it_keeps_derived_fields_consistent(seeded):
    for controversy in Controversy.objects.annotate(last=Max("events__occurred_on")):
        assert controversy.last_event_on == controversy.last
        assert controversy.companies.exists()
    for event in Event.objects.all():
        assert precision_error(event.occurred_on, event.occurred_on_precision) is None
    assert VoteResult.objects.exists()
    for vote in VoteResult.objects.all():
        cast = vote.votes_for + vote.votes_against + vote.abstentions + vote.broker_non_votes
        assert cast <= vote.shares_outstanding
        assert abs(vote.support_for_against - vote.reported_support_pct) < 1
        vote.full_clean()
    voted = ShareholderResolution.objects.filter(status="voted").count()
    assert voted == VoteResult.objects.count()
    assert Source.objects.values("canonical_url").distinct().count() == TINY.sources
    if ingestion_available():
        _articles_are_numbered_as_the_pipeline_numbers_them()


def _articles_are_numbered_as_the_pipeline_numbers_them() -> None:
    """Possible originals carry minhash_seq in the order they were stored (what the
    near-duplicate top-up reads); copies and failures carry none."""
    from ingestion.models import Article, ArticleState

    skipped = [ArticleState.DUPLICATE, ArticleState.FAILED]
    originals = Article.objects.exclude(state__in=skipped)
    assert originals.exists()
    assert not originals.filter(minhash_seq__isnull=True).exists()
    assert not Article.objects.filter(state__in=skipped, minhash_seq__isnull=False).exists()
    numbers = list(originals.order_by("created_at", "pk").values_list("minhash_seq", flat=True))
    assert numbers == sorted(set(numbers))


def test_it_makes_the_same_data_from_the_same_seed(seeded):
    first = list(Event.objects.order_by("pk").values_list("title", "occurred_on"))
    seed_bulk(scale=TINY, seed=7, reset=True, progress=False)
    again = list(Event.objects.order_by("pk").values_list("title", "occurred_on"))
    assert again == first
    seed_bulk(scale=TINY, seed=8, reset=True, progress=False)
    assert list(Event.objects.order_by("pk").values_list("title", "occurred_on")) != first


# The command is installed by the benchmark's settings (bench/settings.py), not production's.
@modify_settings(INSTALLED_APPS={"append": "bench_data"})
def test_it_refuses_a_database_that_has_data(seeded):
    with pytest.raises(CommandError, match="--reset"):
        call_command("seed_bulk", "--scale", "tiny", "--no-progress")
    call_command("seed_bulk", "--scale", "tiny", "--reset", "--no-progress")
    assert Controversy.objects.count() == TINY.controversies


def test_it_dates_nothing_in_the_future(seeded):
    today = dt.date.today()
    assert not Event.objects.filter(occurred_on__gt=today).exists()
    assert not Source.objects.filter(published_on__gt=today).exists()


def test_it_puts_back_every_index_it_set_aside(django_db_setup):
    """GIVEN the indexes of the big tables (dropped while PostgreSQL is filled)
    WHEN seed_bulk has run THEN the same indexes exist again."""
    from django.db import connection

    def indexes() -> set[tuple[str, str]]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()"
            )
            return set(cursor.fetchall())

    if connection.vendor != "postgresql":
        pytest.skip("indexes are only set aside on PostgreSQL")
    before = indexes()
    seed_bulk(scale=TINY, seed=3, progress=False)
    assert indexes() == before
