"""alerts.changes: which events were added or changed in a window, and what changed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from alerts import changes
from controversies.models import Event, EventActor
from controversies.services import source_attach
from tests.factories import CompanyFactory, ControversyFactory, EventFactory, SourceFactory

pytestmark = pytest.mark.django_db


def moment() -> dt.datetime:
    return timezone.now()


def test_a_new_event_is_new_and_says_nothing_else():
    start = moment()
    event = EventFactory()
    source_attach(event=event, source=SourceFactory())
    [change] = changes.changes_between(start, moment())
    assert (change.event_id, change.created, change.changed_fields) == (event.pk, True, [])


def test_a_changed_event_names_the_fields_in_words():
    event = EventFactory()
    start = moment()
    event.summary = "Better told."
    event.occurred_on = dt.date(2018, 5, 23)
    event.save()
    event.event_actors.create(organization=CompanyFactory(), role=EventActor.Role.TARGET)
    event.controversies.add(ControversyFactory())
    [change] = changes.changes_between(start, moment())
    assert not change.created
    assert change.changed_fields == [
        "date",
        "summary",
        "an organisation was added",
        "added to another controversy",
    ]


def test_citations_added_and_removed_are_changes():
    event = EventFactory()
    kept = source_attach(event=event, source=SourceFactory())
    start = moment()
    source_attach(event=event, source=SourceFactory())
    kept.delete()
    [change] = changes.changes_between(start, moment())
    assert change.changed_fields == ["a source was added", "a source was removed"]


def test_a_save_that_changes_nothing_is_not_a_change():
    event = EventFactory()
    start = moment()
    event.save()
    assert changes.changes_between(start, moment()) == []


def test_the_window_excludes_its_start_and_includes_its_end():
    event = EventFactory()
    start = moment()
    event.title = "Retitled"
    event.save()
    edited = event.history.latest().history_date
    assert [c.event_id for c in changes.changes_between(start, edited)] == [event.pk]
    assert changes.changes_between(edited, moment()) == []
    just_before = edited - dt.timedelta(microseconds=1)
    assert [c.changed_at for c in changes.changes_between(just_before, edited)] == [edited]


def test_events_written_without_history_still_count():
    start = moment()
    [event] = Event.objects.bulk_create(
        [Event(occurred_on=dt.date(2020, 1, 1), title="Loaded in bulk")]
    )
    event.controversies.through.objects.create(event=event, controversy=ControversyFactory())
    [change] = changes.changes_between(start, moment())
    assert (change.event_id, change.created) == (event.pk, True)

    later = moment()
    Event.objects.filter(pk=event.pk).update(title="Retitled in bulk", updated_at=timezone.now())
    [change] = changes.changes_between(later, moment())
    assert (change.created, change.changed_fields) == (False, ["details were edited"])


def test_a_deleted_event_is_left_out():
    event = EventFactory()
    start = moment()
    event.title = "About to go"
    event.save()
    event.delete()
    assert changes.changes_between(start, moment()) == []


def test_one_scan_serves_windows_that_start_later():
    first = EventFactory()
    start = moment()
    first.title = "Changed early"
    first.save()
    middle = moment()
    second = EventFactory()
    moments = changes.moments_between(start, moment())
    assert [c.event_id for c in changes.merge(moments)] == [first.pk, second.pk]
    assert [c.event_id for c in changes.merge(moments, since=middle)] == [second.pk]


def test_events_of_keeps_the_events_on_the_given_controversies():
    followed, other = ControversyFactory(), ControversyFactory()
    start = moment()
    on_followed = EventFactory(controversy=followed)
    EventFactory(controversy=other)
    found = changes.events_of(changes.changes_between(start, moment()), {followed.pk})
    assert [c.event_id for c in found] == [on_followed.pk]
    assert len(changes.events_of(changes.changes_between(start, moment()), None)) == 2
