"""How an imported row meets what is already recorded: which controversy it belongs to,
which of its fields the import may write, and which event on the timeline is its own.

The rules:
- A row goes to the controversy that carries its id (recorded by a curator or by an
  earlier run); else to the controversy whose events cite most of the row's sources;
  else a new one. Two controversies citing equally many is a conflict: the row changes
  nothing, and a curator settles it by recording the id on the right one.
- A field is written when it is blank, or when it still holds what this importer last
  wrote (its history says so). A value anyone else set is kept, and the difference is
  listed as a conflict. Identifiers are only ever filled, never replaced.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.db.models import Count
from simple_history.utils import update_change_reason

from controversies import services
from controversies.models import Controversy, Event, Organization, Source
from opendata.importers.common import (
    Outcome,
    RowConflict,
    RowLog,
    clip,
    controversies_citing,
    unique_slug,
)


@dataclass(frozen=True)
class Importer:
    """The importer's name marks its writes in the history ("Imported from AIID ...")."""

    name: str

    def reason(self, key: str) -> str:
        return f"Imported from {self.name} {key}"[:100]

    def wrote(self, change_reason: str | None) -> bool:
        return (change_reason or "").startswith(f"Imported from {self.name} ")


def _blank(value: object) -> bool:
    return value is None or value == ""


def _record(instance: models.Model) -> str:
    label = getattr(instance, "slug", "") or getattr(instance, "canonical_url", "")
    label = label or (f"#{instance.pk}" if instance.pk else "(new)")
    return f"{type(instance).__name__} {label}"


def _last_writers(instance: models.Model, names: Iterable[str]) -> dict[str, str]:
    """For each field, the change reason of the history record that last changed it."""
    if instance.pk is None:
        return {}
    attnames = {name: instance._meta.get_field(name).attname for name in names}
    records = instance.history.order_by("history_date", "history_id").values(
        "history_change_reason", *attnames.values()
    )
    writers: dict[str, str] = {}
    previous = None
    for record in records:
        for name, attname in attnames.items():
            if previous is None or record[attname] != previous[attname]:
                writers[name] = record["history_change_reason"] or ""
        previous = record
    return writers


def fill_fields(
    instance: models.Model,
    incoming: dict[str, object],
    *,
    importer: Importer,
    log: RowLog,
    together: Iterable[tuple[str, ...]] = (),
) -> list[str]:
    """Set each incoming value where the field is blank or still holds what this
    importer last wrote; keep a value someone else set and list the difference. The
    fields of a ``together`` group (a date and its precision) are set all or none. An
    empty incoming value never blanks a field. Returns the names of the fields set."""
    writers = _last_writers(instance, incoming)
    chosen: dict[str, object] = {}
    kept: list[str] = []
    for name, value in incoming.items():
        current = getattr(instance, name)
        if _blank(value) or current == value:
            continue
        if _blank(current) or importer.wrote(writers.get(name)):
            chosen[name] = value
        else:
            kept.append(name)
    for group in together:
        if set(group) & set(kept):
            for name in group:
                chosen.pop(name, None)
    for name in kept:
        log.conflict(_record(instance), name, getattr(instance, name), incoming[name])
    for name, value in chosen.items():
        setattr(instance, name, value)
    return list(chosen)


# --- Which controversy -----------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    controversy: Controversy | None  # None: no controversy fits, create one
    how: str


def find_controversy(*, id_field: str, id_value: object, sources: list[Source]) -> Link:
    recorded = Controversy.objects.filter(**{id_field: id_value}).first()
    if recorded is not None:
        return Link(recorded, "its id is recorded there")
    citing = controversies_citing(sources)
    if not citing:
        return Link(None, "no controversy cites its sources")
    most = max(citing.values())
    best = sorted(pk for pk, count in citing.items() if count == most)
    if len(best) > 1:
        slugs = (
            Controversy.objects.filter(pk__in=best).order_by("slug").values_list("slug", flat=True)
        )
        raise RowConflict(
            f"controversies {', '.join(slugs)} each cite {most} of its sources; record its "
            f"{Controversy._meta.get_field(id_field).verbose_name} on the one it belongs to"
        )
    return Link(Controversy.objects.get(pk=best[0]), f"it cites {most} of its sources")


def controversy_upsert(
    *,
    link: Link,
    id_field: str,
    id_value: object,
    importer: Importer,
    log: RowLog,
    title: str,
    summary: str,
    started_on: dt.date | None,
) -> tuple[Controversy, Outcome]:
    """The row's controversy, created or linked; its id recorded when the field is blank."""
    reason = importer.reason(log.key)
    controversy = link.controversy
    if controversy is None:
        controversy = Controversy(
            slug=unique_slug(Controversy, title, f"{importer.name}-{id_value}"),
            **{id_field: id_value},
        )
        outcome = Outcome.CREATED
    elif getattr(controversy, id_field) == id_value:
        outcome = Outcome.UPDATED
    else:
        outcome = Outcome.LINKED
    # An id names one record of the other database: filled when blank, never replaced.
    current_id = getattr(controversy, id_field)
    id_recorded = _blank(current_id)
    if id_recorded:
        setattr(controversy, id_field, id_value)
    elif current_id != id_value:
        log.conflict(_record(controversy), id_field, current_id, id_value)
    incoming = {
        "title": clip(title, Controversy, "title"),
        "summary": summary,
        "started_on": started_on,
    }
    changed = fill_fields(controversy, incoming, importer=importer, log=log)
    controversy._change_reason = reason  # also marks the history of the links added next
    if outcome is Outcome.CREATED or changed or id_recorded:
        controversy.full_clean()
        controversy.save()
    verb = {Outcome.CREATED: "created", Outcome.LINKED: "linked to", Outcome.UPDATED: "updated"}
    log.action = f"{verb[outcome]} controversy {controversy.slug} ({link.how})"
    return controversy, outcome


# --- Which event -----------------------------------------------------------------------


def imported_event(
    controversy: Controversy,
    *,
    reason: str,
    title: str,
    occurred_on: dt.date,
    sources: list[Source],
) -> Event | None:
    """The controversy's event for this row: the one an earlier run created for it; else
    the one citing most of its sources (a curator recorded it already); else one with
    the same date and title (recorded before imports marked their events); else None."""
    events = controversy.events.all()
    created = Event.history.filter(history_type="+", history_change_reason=reason)
    found = events.filter(pk__in=created.values("id")).order_by("id").first()
    if found is None and sources:
        found = (
            events.filter(citations__source__in=sources)
            .annotate(shared=Count("citations"))
            .order_by("-shared", "id")
            .first()
        )
    if found is None:
        same = events.filter(occurred_on=occurred_on, title=clip(title, Event, "title"))
        found = same.order_by("id").first()
    return found


def event_upsert(
    *,
    controversy: Controversy,
    importer: Importer,
    key: str,
    log: RowLog,
    occurred_on: dt.date,
    precision: str,
    kind: str,
    title: str,
    summary: str,
    actors: list[tuple[Organization, str]],
    sources: list[Source],
) -> Event:
    """Create the row's event, or fill the one it already has; actors and sources are
    only ever added."""
    reason = importer.reason(key)
    event = imported_event(
        controversy, reason=reason, title=title, occurred_on=occurred_on, sources=sources
    )
    if event is None:
        event = services.event_create(
            controversy=controversy,
            occurred_on=occurred_on,
            precision=precision,
            kind=kind,
            title=clip(title, Event, "title"),
            summary=summary,
            actors=actors,
            sources=sources,
        )
        update_change_reason(event, reason)
        return event
    incoming: dict[str, object] = {
        "occurred_on": occurred_on,
        "occurred_on_precision": precision,
        "title": clip(title, Event, "title"),
        "summary": summary,
    }
    # A report is the default kind: it says nothing a curator's choice should yield to.
    if kind != Event.Kind.REPORT:
        incoming["kind"] = kind
    together = [("occurred_on", "occurred_on_precision")]
    if fill_fields(event, incoming, importer=importer, log=log, together=together):
        event._change_reason = reason
        event.full_clean()
        event.save()
    for organization, role in actors:
        event.event_actors.get_or_create(organization=organization, role=role)
    for source in sources:
        services.source_attach(event=event, source=source)
    services.controversy_refresh_last_event(controversy=controversy)
    return event
