"""What both importers share: one savepoint per row, a report of rejected rows, dry runs,
and get-or-create helpers for the records rows point at."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TextIO

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Model
from django.utils.text import slugify
from tqdm import tqdm

from controversies import services
from controversies.models import Controversy, Event, EventActor, Organization, Source


class FileError(Exception):
    """A whole file is unusable (missing, or without the expected columns)."""


class RowError(Exception):
    """This row cannot be imported; the message says why, for the report."""


@dataclass
class Rejection:
    row: int
    reason: str


@dataclass
class ImportReport:
    label: str
    created: int = 0
    updated: int = 0
    rejected: list[Rejection] = field(default_factory=list)

    def lines(self) -> list[str]:
        summary = (
            f"{self.label}: {self.created} created, {self.updated} updated, "
            f"{len(self.rejected)} rejected"
        )
        return [summary] + [f"  row {r.row}: {r.reason}" for r in self.rejected]


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        if hasattr(exc, "message_dict"):
            return "; ".join(
                f"{name}: {' '.join(messages)}" for name, messages in exc.message_dict.items()
            )
        return " ".join(exc.messages)
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def import_rows(
    rows: Iterable[tuple[int, Any]],
    handle: Callable[[Any], bool],
    report: ImportReport,
    *,
    total: int | None = None,
    progress: TextIO | None = None,
) -> ImportReport:
    """Run ``handle`` on each row in its own savepoint; a row that fails is rolled back
    completely and reported, and the import carries on. ``handle`` returns True when it
    created the record, False when it updated one."""
    bar = tqdm(rows, total=total, desc=report.label, unit="row", file=progress, disable=None)
    for number, row in bar:
        try:
            with transaction.atomic():
                created = handle(row)
        except (RowError, ValidationError, DatabaseError, ValueError) as exc:
            report.rejected.append(Rejection(number, _reason(exc)))
            continue
        if created:
            report.created += 1
        else:
            report.updated += 1
    return report


@contextlib.contextmanager
def dry_run_guard(dry_run: bool) -> Iterator[None]:
    """In a dry run everything happens inside one transaction that is rolled back."""
    if not dry_run:
        yield
        return
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


# --- Small parsers ---------------------------------------------------------------------


def parse_int(value: str, column: str) -> int:
    text = (value or "").strip()
    try:
        number = int(text)
    except ValueError:
        raise RowError(f"{column} {text!r} is not a whole number") from None
    if number < 0:
        raise RowError(f"{column} {text!r} is negative")
    return number


def parse_iso_date(value: str) -> dt.date | None:
    """A date from "2018-05-22" or "2018-05-22T10:00:00Z"; None when empty or unreadable."""
    text = (value or "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def clip(text: str, model: type[Model], field_name: str) -> str:
    """Fit text into a column, so a long title shortens instead of failing the row."""
    limit = model._meta.get_field(field_name).max_length
    text = (text or "").strip()
    return text if limit is None or len(text) <= limit else text[: limit - 1].rstrip() + "…"


def unique_slug(model: type[Model], text: str, fallback: str, *, max_length: int = 190) -> str:
    base = slugify(text)[:max_length].strip("-") or slugify(fallback)
    slug, n = base, 2
    while model._default_manager.filter(slug=slug).exists():
        slug = f"{base[: max_length - 4]}-{n}"
        n += 1
    return slug


# --- Shared upserts --------------------------------------------------------------------


def organization_by_name(name: str, *, kind: str = Organization.Kind.COMPANY) -> Organization:
    """The organisation with this name (or whose slug the name gives), else a new one."""
    name = clip(name, Organization, "name")
    found = Organization.objects.filter(name__iexact=name).first()
    if found is None and slugify(name):
        found = Organization.objects.filter(slug=slugify(name)[:190]).first()
    if found is not None:
        return found
    organization = Organization(
        name=name, slug=unique_slug(Organization, name, "organisation"), kind=kind
    )
    organization.full_clean()
    organization.save()
    return organization


def first_event_upsert(
    *,
    controversy: Controversy,
    occurred_on: dt.date,
    precision: str,
    title: str,
    summary: str,
    actors: list[tuple[Organization, str]],
    sources: list[Source],
) -> Event:
    """The imported event is the controversy's first-created one; events curators add
    later are left alone on a re-run."""
    event = controversy.events.order_by("id").first()
    title = clip(title, Event, "title")
    if event is None:
        return services.event_create(
            controversy=controversy,
            occurred_on=occurred_on,
            precision=precision,
            title=title,
            summary=summary,
            actors=actors,
            sources=sources,
        )
    event.occurred_on, event.occurred_on_precision = occurred_on, precision
    event.title, event.summary = title, summary
    event.full_clean()
    event.save()
    for organization, role in actors:
        EventActor.objects.get_or_create(event=event, organization=organization, role=role)
    for source in sources:
        services.source_attach(event=event, source=source)
    services.controversy_refresh_last_event(controversy=controversy)
    return event
