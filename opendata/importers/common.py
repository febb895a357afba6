"""What both importers share: a CSV reader that refuses an unreadable file before any
row is imported, one savepoint per row, a report of rejected rows and conflicts, dry
runs, get-or-create helpers for the records rows point at, and the one place where the
importers meet the link between events and controversies."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import enum
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Model
from django.utils.text import slugify
from tqdm import tqdm

from controversies.models import EventSource, Organization, Source

# Real AI Incident Database report texts run past csv's default limit of 128 KiB per
# cell; a cell longer than this is an unclosed quote swallowing the rest of the file.
MAX_CELL_CHARS = 16 * 1024 * 1024
# One physical line may hold such a cell (in UTF-8, up to 4 bytes a character); a longer
# line is not text at all, and is not read into memory whole.
MAX_LINE_BYTES = 4 * MAX_CELL_CHARS
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


class FileError(Exception):
    """A whole file is unusable (missing, not UTF-8 CSV text, or without the expected
    columns); the message says which file, where and why, on one line."""


# --- Reading CSV files ------------------------------------------------------------------


def _open_binary(path: Path) -> BinaryIO:
    if path.is_dir():
        raise FileError(f"{path} is a directory, not a CSV file.")
    if not path.exists():
        raise FileError(f"{path} is missing.")
    try:
        return open(path, "rb")
    except OSError as exc:
        raise FileError(f"{path} cannot be read: {exc.strerror or exc}.") from None


def _text_lines(handle: BinaryIO, name: str) -> Iterator[str]:
    """The file's lines as text, each checked: UTF-8 (a BOM is allowed), no NUL byte."""
    number = 0
    while raw := handle.readline(MAX_LINE_BYTES + 1):
        number += 1
        if len(raw) > MAX_LINE_BYTES:
            raise FileError(f"{name} line {number} is longer than any CSV line: not a CSV file.")
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            found = "UTF-16 text" if raw.startswith(_UTF16_BOMS) else f"byte {raw[exc.start]:#x}"
            raise FileError(
                f"{name} line {number} is not UTF-8 text ({found}): save the file as UTF-8 "
                '("CSV UTF-8" in a spreadsheet).'
            ) from None
        if number == 1:
            line = line.removeprefix("\ufeff")
        if "\x00" in line:
            raise FileError(f"{name} line {number} holds a NUL byte: not a text CSV file.")
        yield line


def csv_records(path: Path) -> Iterator[tuple[int, list[str]]]:
    """The file's records, numbered as a spreadsheet numbers its rows (from 1), read one
    at a time. Raises FileError where the file stops being readable UTF-8 CSV."""
    csv.field_size_limit(MAX_CELL_CHARS)
    with _open_binary(path) as handle:
        reader = csv.reader(_text_lines(handle, path.name))
        number = 0
        while True:
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise FileError(_csv_error(path.name, number + 1, exc)) from None
            number += 1
            yield number, record


def _csv_error(name: str, row: int, exc: csv.Error) -> str:
    if "field larger than field limit" in str(exc):
        return (
            f"{name} row {row} has a cell longer than {MAX_CELL_CHARS:,} characters "
            "(is a quote left open?)."
        )
    return f"{name} row {row} is not readable as CSV: {exc}."


def _is_blank(record: list[str]) -> bool:
    return not any(cell.strip() for cell in record)


@dataclass(frozen=True)
class CheckedCsv:
    """A CSV file read once to its end (so a file that is unreadable anywhere is
    refused before any row is imported); its data rows are read again as they are
    imported, never held in memory together."""

    path: Path
    header: list[list[str]]
    data_rows: int

    def records(self) -> Iterator[tuple[int, list[str]]]:
        """The data rows (after the header), skipping blank ones, as spreadsheets end
        with blank rows."""
        for number, record in csv_records(self.path):
            if number > len(self.header) and not _is_blank(record):
                yield number, record


def check_csv(path: Path, *, header_rows: int) -> CheckedCsv:
    header: list[list[str]] = []
    data_rows = 0
    for number, record in csv_records(path):
        if number <= header_rows:
            header.append(record)
        elif not _is_blank(record):
            data_rows += 1
    return CheckedCsv(path, header, data_rows)


class RowError(Exception):
    """This row cannot be imported; the message says why, for the report."""


class RowConflict(RowError):
    """This row disagrees with what curators recorded in a way the importer cannot
    settle (two controversies fit equally well); the row changes nothing."""


class Outcome(enum.Enum):
    CREATED = "created"
    LINKED = "linked"  # attached to a record curators (or another importer) made
    UPDATED = "updated"


@dataclass(frozen=True)
class Conflict:
    """A value the import would have written over one a curator set (kept, listed), or,
    with no ``field``, a disagreement that kept the whole row out."""

    row: int
    key: str  # the row's own id, such as "incident 7"
    record: str  # the record concerned, such as "Source https://example.org/a"
    field: str
    current: str
    incoming: str

    def line(self) -> str:
        where = f"row {self.row}" + (f" ({self.key})" if self.key else "")
        if not self.field:
            return f"  {where}: not imported: {self.current}"
        return (
            f"  {where}: {self.record} {self.field}: kept {self.current!r}, not {self.incoming!r}"
        )


@dataclass
class RowLog:
    """What one row did besides its outcome: conflicts, and a line for the dry run."""

    row: int
    key: str = ""
    conflicts: list[Conflict] = field(default_factory=list)
    action: str = ""

    def conflict(self, record: str, field_name: str, current: object, incoming: object) -> None:
        self.conflicts.append(
            Conflict(self.row, self.key, record, field_name, _shown(current), _shown(incoming))
        )


def _shown(value: object) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= 80 else text[:79] + "…"


@dataclass
class Rejection:
    row: int
    reason: str


@dataclass
class ImportReport:
    label: str
    created: int = 0
    linked: int = 0
    updated: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # about the file, such as its layout

    def count(self, outcome: Outcome) -> None:
        name = outcome.value
        setattr(self, name, getattr(self, name) + 1)

    def lines(self, *, actions: bool = False) -> list[str]:
        summary = (
            f"{self.label}: {self.created} created, {self.updated} updated, "
            f"{len(self.rejected)} rejected, {self.linked} linked, "
            f"{len(self.conflicts)} conflicts"
        )
        lines = [summary] + [f"  {note}" for note in self.notes]
        lines += [f"  row {r.row}: {r.reason}" for r in self.rejected]
        if self.conflicts:
            lines.append(f"{self.label}, conflicts (nothing written over a curator's value):")
            lines += [c.line() for c in self.conflicts]
        if actions and self.actions:
            lines.append(f"{self.label}, row by row:")
            lines += [f"  {a}" for a in self.actions]
        return lines


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
    handle: Callable[[Any, RowLog], Outcome],
    report: ImportReport,
    *,
    total: int | None = None,
    progress: TextIO | None = None,
) -> ImportReport:
    """Run ``handle`` on each row in its own savepoint; a row that fails, or meets a
    blocking conflict, is rolled back completely and reported, and the import carries
    on. ``handle`` says whether it created, linked or updated the row's record."""
    bar = tqdm(rows, total=total, desc=report.label, unit="row", file=progress, disable=None)
    for number, row in bar:
        log = RowLog(number)
        try:
            with transaction.atomic():
                outcome = handle(row, log)
        except RowConflict as exc:
            report.conflicts.append(Conflict(number, log.key, "", "", _reason(exc), ""))
            continue
        # Whatever a row's values can make fail rejects that row (a number too large
        # for arithmetic as well as a bad value); anything else is a bug, and raises.
        except (RowError, ValidationError, DatabaseError, ValueError, ArithmeticError) as exc:
            report.rejected.append(Rejection(number, _reason(exc)))
            continue
        report.count(outcome)
        report.conflicts += log.conflicts
        if log.action:
            report.actions.append(f"row {number}: {log.action}")
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


def organization_named(name: str) -> Organization | None:
    """The organisation called ``name``: by name, by one of its aliases, or by the slug
    the name gives, in that order."""
    found = Organization.objects.filter(name__iexact=name).first()
    if found is None:
        wanted = name.casefold()
        for candidate in Organization.objects.filter(aliases__icontains=name):
            if any(alias.casefold() == wanted for alias in candidate.alias_list):
                return candidate
    if found is None and slugify(name):
        found = Organization.objects.filter(slug=slugify(name)[:190]).first()
    return found


def organization_by_name(name: str, *, kind: str = Organization.Kind.COMPANY) -> Organization:
    """The organisation with this name (or alias, or whose slug the name gives), else a
    new one of ``kind``. An existing organisation keeps its kind."""
    name = clip(name, Organization, "name")
    found = organization_named(name)
    if found is not None:
        return found
    organization = Organization(
        name=name, slug=unique_slug(Organization, name, "organisation"), kind=kind
    )
    organization.full_clean()
    organization.save()
    return organization


def controversies_citing(sources: Iterable[Source]) -> Counter[int]:
    """For each controversy whose events cite any of ``sources``: how many of them."""
    pairs = (
        EventSource.objects.filter(source__in=list(sources))
        .values_list("event__controversies", "source")
        .distinct()
    )
    return Counter(controversy_id for controversy_id, _ in pairs)
