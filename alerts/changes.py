"""Which events were added or changed in a window of time, and what changed in each.

The record of truth is django-simple-history's tables: every save of an event, of one of
its citations (``EventSource``) or of one of its actors (``EventActor``) writes a
historical row dated when it was made, and a change to an event's controversies writes
a new historical event row with a snapshot of its links. An event's fields are compared
with its previous historical row, so a save that changed nothing reports nothing.
``Event.created_at`` and ``updated_at`` catch what was written without history (a bulk
load): such an event is reported as new or as edited, without details.

A window is ``(since, until]`` on those dates. One edit (an admin save with its inline
rows) shares one history date (``controversies.history``), so it is one *moment*;
``moments_between`` keeps the moments apart and ``merge`` folds them into one change per
event, which lets one scan of a long window serve many subscriptions whose windows
start at different times.

Deleted events are left out: there is no page left to link to.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Q

from controversies.models import Event, EventActor, EventSource

# The event fields a reader cares about, as a digest names them.
FIELD_WORDS = {
    "occurred_on": "date",
    "occurred_on_precision": "date precision",
    "kind": "kind",
    "title": "title",
    "summary": "summary",
}
CITATION_WORDS = {
    "+": "a source was added",
    "-": "a source was removed",
    "~": "a source was edited",
}
ACTOR_WORDS = {
    "+": "an organisation was added",
    "-": "an organisation was removed",
    "~": "an organisation's role was changed",
}
ADDED_TO_CONTROVERSY = "added to another controversy"
REMOVED_FROM_CONTROVERSY = "removed from a controversy"
EDITED = "details were edited"
CHUNK = 1000


@dataclass
class EventChange:
    """An event added (``created``) or changed at ``changed_at`` (the latest moment),
    with what changed in words, in the order first seen."""

    event_id: int
    changed_at: dt.datetime
    created: bool = False
    changed_fields: list[str] = field(default_factory=list)

    def add(self, words: Iterable[str]) -> None:
        for word in words:
            if word not in self.changed_fields:
                self.changed_fields.append(word)


def changes_between(since: dt.datetime | None, until: dt.datetime) -> list[EventChange]:
    """One change per event added or changed in ``(since, until]`` (``since`` None: from
    the beginning), oldest change first."""
    return merge(moments_between(since, until))


def merge(moments: Iterable[EventChange], since: dt.datetime | None = None) -> list[EventChange]:
    """Fold ``moments`` after ``since`` into one change per event (new if it was created
    in any of them; every change listed once)."""
    merged: dict[int, EventChange] = {}
    for moment in moments:
        if since is not None and moment.changed_at <= since:
            continue
        change = merged.get(moment.event_id)
        if change is None:
            change = merged[moment.event_id] = EventChange(moment.event_id, moment.changed_at)
        change.created = change.created or moment.created
        change.changed_at = max(change.changed_at, moment.changed_at)
        change.add(moment.changed_fields)
    for change in merged.values():
        if change.created:
            change.changed_fields = []
    return sorted(merged.values(), key=lambda change: (change.changed_at, change.event_id))


def events_of(
    changes: Iterable[EventChange], controversy_ids: set[int] | None
) -> list[EventChange]:
    """The changes of events on any of ``controversy_ids`` (None: every controversy)."""
    changes = list(changes)
    if controversy_ids is None:
        return changes
    links = controversies_of(change.event_id for change in changes)
    return [change for change in changes if links.get(change.event_id, set()) & controversy_ids]


def controversies_of(event_ids: Iterable[int]) -> dict[int, set[int]]:
    """Each event's controversies now, by event id."""
    found: dict[int, set[int]] = defaultdict(set)
    for chunk in chunks(event_ids):
        rows = Event.controversies.through.objects.filter(event_id__in=chunk)
        for event_id, controversy_id in rows.values_list("event_id", "controversy_id"):
            found[event_id].add(controversy_id)
    return found


def moments_between(since: dt.datetime | None, until: dt.datetime) -> list[EventChange]:
    """One entry per event per moment it was added or changed in ``(since, until]``,
    for events that still exist."""
    window = Q(history_date__lte=until) & (Q(history_date__gt=since) if since else Q())
    moments: dict[tuple[int, dt.datetime], EventChange] = {}

    def at(event_id: int, moment: dt.datetime) -> EventChange:
        key = (event_id, moment)
        if key not in moments:
            moments[key] = EventChange(event_id, moment)
        return moments[key]

    for event_id, moment, created, words in _event_rows(window, since):
        entry = at(event_id, moment)
        entry.created = entry.created or created
        entry.add(words)
    for model, words in ((EventSource, CITATION_WORDS), (EventActor, ACTOR_WORDS)):
        rows = model.history.filter(window).values_list("event_id", "history_date", "history_type")
        for event_id, moment, kind in rows.iterator(chunk_size=CHUNK):
            at(event_id, moment).add([words[kind]])
    for event_id, moment, created in _unrecorded(since, until, {key[0] for key in moments}):
        entry = at(event_id, moment)
        entry.created = created
        entry.add([] if created else [EDITED])
    existing = _existing({key[0] for key in moments})
    found = [
        entry
        for entry in moments.values()
        if entry.event_id in existing and (entry.created or entry.changed_fields)
    ]
    return sorted(found, key=lambda entry: (entry.changed_at, entry.event_id))


# --- the event's own history ---------------------------------------------------------


def _event_rows(
    window: Q, since: dt.datetime | None
) -> Iterator[tuple[int, dt.datetime, bool, list[str]]]:
    """(event id, moment, created, what changed) for each historical event row in the
    window; a row that changes nothing a reader sees yields no words."""
    history = Event.history.model
    fields = ["history_id", "id", "history_date", "history_type", *FIELD_WORDS]
    rows = list(
        history.objects.filter(window)
        .exclude(history_type="-")
        .order_by("id", "history_date", "history_id")
        .values(*fields)
    )
    if not rows:
        return
    event_ids = {row["id"] for row in rows}
    before = _last_rows_before(history, event_ids, since, fields)
    links = _snapshots([row["history_id"] for row in rows + list(before.values())])
    previous: dict[int, dict] = dict(before)
    for row in rows:
        prior = previous.get(row["id"])
        previous[row["id"]] = row
        if row["history_type"] == "+":
            yield row["id"], row["history_date"], True, []
        elif prior is None:
            yield row["id"], row["history_date"], False, [EDITED]
        else:
            yield row["id"], row["history_date"], False, _differences(prior, row, links)


def _last_rows_before(
    history: type, event_ids: set[int], since: dt.datetime | None, fields: list[str]
) -> dict[int, dict]:
    """Each event's last historical row at or before ``since``."""
    if since is None:
        return {}
    found = {}
    for chunk in chunks(event_ids):
        rows = (
            history.objects.filter(id__in=chunk, history_date__lte=since)
            .order_by("id", "-history_date", "-history_id")
            .distinct("id")
            .values(*fields)
        )
        found.update({row["id"]: row for row in rows})
    return found


def _snapshots(history_ids: list[int]) -> dict[int, frozenset[int]]:
    """The controversies each historical event row recorded, by history id."""
    through = apps.get_model("controversies", "HistoricalEvent_controversies")
    found: dict[int, set[int]] = defaultdict(set)
    for chunk in chunks(history_ids):
        rows = through.objects.filter(history_id__in=chunk)
        for history_id, controversy_id in rows.values_list("history_id", "controversy_id"):
            found[history_id].add(controversy_id)
    return {key: frozenset(value) for key, value in found.items()}


def _differences(prior: dict, row: dict, links: dict[int, frozenset[int]]) -> list[str]:
    words = [word for name, word in FIELD_WORDS.items() if prior[name] != row[name]]
    before = links.get(prior["history_id"], frozenset())
    after = links.get(row["history_id"], frozenset())
    if after - before:
        words.append(ADDED_TO_CONTROVERSY)
    if before - after:
        words.append(REMOVED_FROM_CONTROVERSY)
    return words


# --- events written without history ---------------------------------------------------


def _unrecorded(
    since: dt.datetime | None, until: dt.datetime, recorded: set[int]
) -> Iterator[tuple[int, dt.datetime, bool]]:
    """Events created or saved in the window that left no history there."""
    touched = Q(updated_at__lte=until) & (Q(updated_at__gt=since) if since else Q())
    rows = Event.objects.filter(touched).values_list("pk", "created_at", "updated_at")
    for event_id, created_at, updated_at in rows.iterator(chunk_size=CHUNK):
        if event_id in recorded:
            continue
        created = since is None or created_at > since
        yield event_id, updated_at, created


def _existing(event_ids: set[int]) -> set[int]:
    found: set[int] = set()
    for chunk in chunks(event_ids):
        found.update(Event.objects.filter(pk__in=chunk).values_list("pk", flat=True))
    return found


def chunks(values: Iterable[int]) -> Iterator[list[int]]:
    chunk: list[int] = []
    for value in values:
        chunk.append(value)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
