"""Writes to the domain. Other apps (ingestion, importers) go through these functions."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Max

from controversies.canonical import canonicalize_url
from controversies.dates import Precision
from controversies.models import Controversy, Event, EventSource, Organization, Source


def controversy_refresh_last_event(*, controversy: Controversy) -> None:
    """Keep the denormalised last-event date in step with the timeline."""
    last = controversy.events.aggregate(last=Max("occurred_on"))["last"]
    Controversy.objects.filter(pk=controversy.pk).update(last_event_on=last)
    controversy.last_event_on = last


def source_get_or_create(*, url: str, **fields: object) -> tuple[Source, bool]:
    """The source for ``url``, keyed on its canonical form; new fields fill blanks only."""
    canonical = canonicalize_url(url)
    source, created = Source.objects.get_or_create(
        canonical_url=canonical, defaults={"url": url, **fields}
    )
    if not created:
        blanks = {k: v for k, v in fields.items() if v and not getattr(source, k)}
        if blanks:
            for key, value in blanks.items():
                setattr(source, key, value)
            source.save(update_fields=[*blanks, "updated_at"])
    return source, created


@transaction.atomic
def source_attach(
    *, event: Event, source: Source, quote: str = "", locator: str = ""
) -> EventSource:
    """Cite ``source`` on ``event`` as the next numbered source (idempotent)."""
    citation = EventSource.objects.filter(event=event, source=source).first()
    if citation:
        return citation
    last = event.citations.aggregate(last=Max("position"))["last"] or 0
    return EventSource.objects.create(
        event=event, source=source, position=last + 1, quote=quote, locator=locator
    )


@transaction.atomic
def event_create(
    *,
    controversy: Controversy,
    occurred_on: dt.date,
    title: str,
    precision: str = Precision.DAY,
    kind: str = Event.Kind.REPORT,
    summary: str = "",
    actors: list[tuple[Organization, str]] | None = None,
    sources: list[Source] | None = None,
) -> Event:
    """Add a dated event to a timeline, with its actors and sources, all or nothing."""
    event = Event(
        controversy=controversy,
        occurred_on=occurred_on,
        occurred_on_precision=precision,
        kind=kind,
        title=title,
        summary=summary,
    )
    event.full_clean()
    event.save()
    for organization, role in actors or []:
        event.event_actors.get_or_create(organization=organization, role=role)
    for source in sources or []:
        source_attach(event=event, source=source)
    controversy_refresh_last_event(controversy=controversy)
    return event
