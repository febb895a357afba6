"""The migration that lets an event belong to several controversies merges the copies a
database holds from before (one per case) without losing a citation, an actor, a
coalition signature, an accepted article or a line of history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

BEFORE = [
    ("controversies", "0008_fact_sources"),
    ("ingestion", "0004_article_minhash_seq"),
]
AFTER = [("controversies", "0010_remove_event_controversy")]
LETTER = "Coalition asks Amazon, Microsoft and Google not to sell face surveillance"


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def old_apps():
    yield _migrate(BEFORE)
    # Back to the latest schema for the next test, from whatever state the test left:
    # first down to BEFORE, then without the rows (a refused merge would refuse again).
    _migrate(BEFORE)
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE controversies_controversy, controversies_event, controversies_source, "
            "controversies_organization, controversies_coalition, ingestion_article, "
            "controversies_historicalevent CASCADE"
        )
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def _world(apps):
    """Three controversies each holding a copy of the same letter, as the old schema
    forced, plus an unrelated event that only shares the date."""
    Controversy = apps.get_model("controversies", "Controversy")
    Event = apps.get_model("controversies", "Event")
    Organization = apps.get_model("controversies", "Organization")
    Source = apps.get_model("controversies", "Source")
    EventSource = apps.get_model("controversies", "EventSource")
    EventActor = apps.get_model("controversies", "EventActor")
    Coalition = apps.get_model("controversies", "Coalition")
    HistoricalEvent = apps.get_model("controversies", "HistoricalEvent")
    Article = apps.get_model("ingestion", "Article")

    cases = [
        Controversy.objects.create(title=name, slug=name.lower()) for name in ("Amazon", "MS", "G")
    ]
    aclu = Organization.objects.create(name="ACLU", slug="aclu", kind="advocacy_group")
    targets = [Organization.objects.create(name=n, slug=f"co-{n.lower()}") for n in ("A", "M", "G")]
    release = Source.objects.create(
        url="https://example.org/letters", canonical_url="https://example.org/letters"
    )
    report = Source.objects.create(
        url="https://example.org/report", canonical_url="https://example.org/report"
    )
    coalition = Coalition.objects.create(name="Coalition", slug="coalition")
    copies = []
    for case, target in zip(cases, targets, strict=True):
        event = Event.objects.create(
            controversy=case, occurred_on=dt.date(2019, 1, 15), title=LETTER, kind="open_letter"
        )
        EventSource.objects.create(event=event, source=release, position=1)
        EventSource.objects.create(event=event, source=report, position=2)
        EventActor.objects.create(event=event, organization=aclu, role="organiser")
        EventActor.objects.create(event=event, organization=target, role="target")
        HistoricalEvent.objects.create(
            id=event.pk,
            controversy_id=case.pk,
            occurred_on=event.occurred_on,
            occurred_on_precision="day",
            kind="open_letter",
            title=LETTER,
            summary="",
            created_at=event.created_at,
            updated_at=event.updated_at,
            history_date=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
            history_type="+",
        )
        copies.append(event)
    # Only the second copy carries a quote; only the third was signed by the coalition.
    EventSource.objects.filter(event=copies[1], source=release).update(quote="We ask you")
    Coalition.actions.through.objects.create(coalition=coalition, event=copies[2])
    Article.objects.create(
        url="https://example.org/a",
        link_canonical="https://example.org/a",
        canonical_url="https://example.org/a",
        accepted_event=copies[2],
    )
    other = Event.objects.create(
        controversy=cases[0], occurred_on=dt.date(2019, 1, 15), title="Something else"
    )
    EventSource.objects.create(event=other, source=release, position=1)
    return cases, copies, other


def test_copies_become_one_event_on_every_case_and_nothing_is_lost(old_apps):
    cases, copies, other = _world(old_apps)

    apps = _migrate(AFTER)
    Event = apps.get_model("controversies", "Event")
    kept = Event.objects.get(title=LETTER)

    assert kept.pk == copies[0].pk
    assert sorted(kept.controversies.values_list("pk", flat=True)) == [c.pk for c in cases]
    assert Event.objects.filter(pk=other.pk).exists(), "an event sharing only the date stays"
    citations = {c.source.url: c for c in kept.citations.select_related("source")}
    assert set(citations) == {"https://example.org/letters", "https://example.org/report"}
    assert citations["https://example.org/letters"].quote == "We ask you"
    actors = set(kept.event_actors.values_list("organization__slug", "role"))
    assert actors == {
        ("aclu", "organiser"),
        ("co-a", "target"),
        ("co-m", "target"),
        ("co-g", "target"),
    }
    assert list(kept.coalitions.values_list("slug", flat=True)) == ["coalition"]
    Article = apps.get_model("ingestion", "Article")
    assert Article.objects.get(url="https://example.org/a").accepted_event_id == kept.pk
    HistoricalEvent = apps.get_model("controversies", "HistoricalEvent")
    assert HistoricalEvent.objects.filter(id=kept.pk).count() == 3, "every copy's history"


def test_a_merge_that_would_lose_a_quote_stops_and_names_the_events(old_apps):
    _cases, copies, _other = _world(old_apps)
    EventSource = old_apps.get_model("controversies", "EventSource")
    EventSource.objects.filter(event=copies[0], source__url="https://example.org/letters").update(
        quote="A different passage"
    )

    with pytest.raises(Exception, match=rf"Events {copies[0].pk} and {copies[1].pk} .*quotes"):
        _migrate(AFTER)
    Event = old_apps.get_model("controversies", "Event")
    assert Event.objects.filter(title=LETTER).count() == 3, "nothing merged"


def test_migrating_back_gives_each_case_its_own_copy_again(old_apps):
    cases, _copies, _other = _world(old_apps)
    _migrate(AFTER)

    apps = _migrate(BEFORE)
    Event = apps.get_model("controversies", "Event")
    letters = Event.objects.filter(title=LETTER)
    assert sorted(letters.values_list("controversy_id", flat=True)) == [c.pk for c in cases]
    for letter in letters:
        assert letter.citations.count() == 2
