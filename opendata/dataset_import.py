"""Loading a dataset release (as export_dataset writes it) into an empty database.

A release is untrusted input. Every row goes through the checks admin applies to what a
curator types (the model fields' validators: URL schemes, slug format, lengths, choices,
required values, and each model's ``clean()``), and every reference must point at a row
of the same release. Any problem refuses the whole release: the load runs in one
transaction that is rolled back, and the report names the file, row, field and reason.

The JSON files are read one row at a time and written a batch at a time, and references
are checked against the rows already loaded (in the database, inside the transaction),
so memory does not grow with the size of the release.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import ijson
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.management.color import no_style
from django.db import DatabaseError, connection, models, transaction

from opendata.dataset import BATCH, FORMAT_VERSION, TABLES, Table
from opendata.dataset_formats import READABLE_FORMATS, FormatOneReader, has_table

# A release with more problems than this is reported by its first ones.
MAX_PROBLEMS = 20
# datapackage.json is a data dictionary of a few tens of kilobytes; anything far larger
# is not one, and is not read into memory.
MAX_PACKAGE_BYTES = 8 * 1024 * 1024


class DatasetError(Exception):
    """The release cannot be loaded; the message says why. Nothing was written."""


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None  # 1-based position in the file's list of rows
    field: str | None
    reason: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f" row {self.row}"
        if self.field:
            where += f", {self.field}"
        return f"{where}: {self.reason}"


@dataclass
class Problems:
    items: list[Problem] = field(default_factory=list)

    def add(self, problem: Problem) -> None:
        self.items.append(problem)

    @property
    def full(self) -> bool:
        return len(self.items) >= MAX_PROBLEMS

    def __bool__(self) -> bool:
        return bool(self.items)

    def message(self, directory: Path) -> str:
        head = f"Refused the release in {directory}; nothing was imported"
        if len(self.items) == 1:
            return f"{head}: {self.items[0]}"
        count = f"the first {MAX_PROBLEMS}" if self.full else str(len(self.items))
        return f"{head}. Problems ({count}):\n" + "\n".join(f"  {p}" for p in self.items)


# --- The release as a whole --------------------------------------------------------------


def _read_package(directory: Path) -> dict[str, Any]:
    if not directory.is_dir():
        raise DatasetError(f"{directory} is not a directory: give the folder a release is in.")
    path = directory / "datapackage.json"
    if not path.is_file():
        raise DatasetError(f"{directory} has no datapackage.json: not a dataset release.")
    if path.stat().st_size > MAX_PACKAGE_BYTES:
        raise DatasetError(f"{path} is larger than any data dictionary: not a dataset release.")
    try:
        package = json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise DatasetError(f"{path} is not valid UTF-8 JSON: {_first_line(exc)}") from None
    if not isinstance(package, dict):
        raise DatasetError(f"{path} should hold a JSON object (the data dictionary).")
    if package.get("format_version") not in READABLE_FORMATS:
        readable = " and ".join(repr(v) for v in READABLE_FORMATS)
        raise DatasetError(
            f"{path}: this release has format {package.get('format_version')!r}; "
            f"this version of the tracker reads formats {readable} "
            f"(it writes {FORMAT_VERSION!r})."
        )
    return package


def _check_files_present(directory: Path, version: str) -> None:
    for table in TABLES:
        if not has_table(version, table.name):
            continue
        path = directory / f"{table.name}.json"
        if not path.is_file():
            raise DatasetError(f"{path.name} is missing: this is not a complete release.")


def database_row_counts() -> dict[str, int]:
    return {t.name: t.model._default_manager.count() for t in TABLES}


def _check_database_empty() -> None:
    existing = {name: n for name, n in database_row_counts().items() if n}
    if existing:
        summary = ", ".join(f"{n} {name}" for name, n in existing.items())
        raise DatasetError(
            f"The database already holds data ({summary}). import_dataset only loads a "
            "release into an empty database: create a new database, run migrate, then import."
        )


def import_dataset(directory: Path) -> dict[str, int]:
    """Load a release into an empty database, all or nothing; return rows per table."""
    version = _read_package(directory)["format_version"]
    _check_files_present(directory, version)
    _check_database_empty()
    problems = Problems()
    counts: dict[str, int] = {}
    older = FormatOneReader() if version == "1" else None
    with transaction.atomic():
        for table in TABLES:
            if older is None:
                rows = json_rows(directory / f"{table.name}.json")
            elif has_table(version, table.name):
                rows = older.rows(table.name, json_rows(directory / f"{table.name}.json"))
            else:
                rows = older.produced(table.name)
            counts[table.name] = _load_table(table, rows, problems)
            if problems.full:
                break
        if not problems:
            _check_database_constraints(problems)
        if problems:
            # Raised inside the transaction, so everything written so far is rolled back.
            raise DatasetError(problems.message(directory))
        _reset_sequences()
    return counts


def _check_database_constraints(problems: Problems) -> None:
    """References are checked a batch at a time above; this is the database's own last
    word on every deferred constraint, before the transaction commits."""
    try:
        connection.check_constraints()
    except DatabaseError as exc:
        problems.add(Problem("release", None, None, f"inconsistent: {_first_line(exc)}"))


def _reset_sequences() -> None:
    """New rows created after an import must not reuse imported ids (PostgreSQL)."""
    statements = connection.ops.sequence_reset_sql(no_style(), [t.model for t in TABLES])
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


# --- One table -----------------------------------------------------------------------------


def _load_table(table: Table, rows: Iterator[tuple[int, Any]], problems: Problems) -> int:
    """Check each row of the table's file and insert the rows that pass, a batch at a
    time; return how many rows the file holds. Rows keep being checked and inserted
    after a problem (the load is rolled back anyway) so the report lists every problem
    up to MAX_PROBLEMS, and references are checked against what is already loaded."""
    loader = TableLoader(table, problems)
    count = 0
    try:
        for count, record in rows:
            loader.add(count, record)
            if problems.full:
                return count
    except UnreadableFile as exc:
        problems.add(Problem(loader.file, exc.row, None, exc.reason))
        return count
    loader.flush()
    loader.check_forward_references()
    return count


class UnreadableFile(Exception):
    def __init__(self, reason: str, row: int | None = None) -> None:
        super().__init__(reason)
        self.reason, self.row = reason, row


def json_rows(path: Path) -> Iterator[tuple[int, Any]]:
    """The items of the JSON list in ``path``, numbered from 1, parsed as they are read
    (never the whole file at once). Raises UnreadableFile, with the row it reached."""
    number = 0
    try:
        with open(path, "rb") as handle:
            if not handle.read(64).lstrip().startswith(b"["):
                raise UnreadableFile("the file should hold a JSON list of rows")
            handle.seek(0)
            for number, item in enumerate(ijson.items(handle, "item"), start=1):
                yield number, item
    except ijson.JSONError as exc:
        raise UnreadableFile(f"not valid UTF-8 JSON: {_first_line(exc)}", number + 1) from None
    except OSError as exc:
        raise UnreadableFile(f"cannot be read: {exc.strerror or exc}") from None


class TableLoader:
    """One table's rows: each is checked alone (columns, JSON types, the model's
    validators), then a batch at a time for references, then inserted."""

    def __init__(self, table: Table, problems: Problems) -> None:
        self.table = table
        self.problems = problems
        self.file = f"{table.name}.json"
        self.fields = {f.attname: f for f in table.fields}
        self.relations = [f for f in table.fields if f.is_relation]
        self.pending: list[tuple[int, models.Model]] = []
        # References to a row of the same table not loaded yet (an organisation whose
        # parent comes later in the file), checked once the whole file is loaded.
        self.forward: list[tuple[int, models.Field, int]] = []

    def add(self, number: int, record: Any) -> None:
        instance = self.check(number, record)
        if instance is not None:
            self.pending.append((number, instance))
        if len(self.pending) >= BATCH:
            self.flush()

    def flush(self) -> None:
        batch, self.pending = self.pending, []
        refused = self._missing_references(batch)
        self._insert([(number, row) for number, row in batch if number not in refused])

    def check(self, number: int, record: Any) -> models.Model | None:
        """The row as a validated, unsaved instance; None (and problems added) if bad."""
        found = self._column_problems(record)
        if not found:
            found = [
                (name, reason)
                for name, value in record.items()
                if (reason := json_type_problem(self.fields[name], value))
            ]
        instance = None
        if not found:
            instance = self.table.model(**record)
            found = self._validation_problems(instance)
        for name, reason in found:
            self.problems.add(Problem(self.file, number, name, reason))
        return None if found else instance

    def _column_problems(self, record: Any) -> list[tuple[str | None, str]]:
        if not isinstance(record, dict):
            return [(None, f"should be a JSON object, not {_json_kind(record)}")]
        missing = [c for c in self.fields if c not in record and c not in self.table.added_later]
        unknown = [c for c in record if c not in self.fields]
        found: list[tuple[str | None, str]] = []
        if missing:
            found.append((None, f"lacks the columns {', '.join(missing)}"))
        if unknown:
            found.append((None, f"has columns this format does not: {', '.join(unknown)}"))
        return found

    def _validation_problems(self, instance: models.Model) -> list[tuple[str | None, str]]:
        """What admin would say: each field's clean() converts its value (text to dates
        and decimals) and runs the field's validators; then the model's clean() runs, on
        valid values only, as a ModelForm runs it. References are checked against the
        rows already loaded instead; uniqueness and constraints by the database."""
        try:
            instance.clean_fields(exclude=[f.name for f in self.relations])
            instance.clean()
        except ValidationError as exc:
            return [
                (None if name == NON_FIELD_ERRORS else name, " ".join(messages))
                for name, messages in exc.message_dict.items()
            ]
        return []

    def _missing_references(self, batch: list[tuple[int, models.Model]]) -> set[int]:
        """Report the rows that refer to a row not loaded; return their numbers. The
        database started empty, so a loaded row is a row of this release."""
        refused: set[int] = set()
        for relation in self.relations:
            values = {getattr(row, relation.attname) for _, row in batch}
            present = _present_ids(relation.related_model, values)
            for number, row in batch:
                value = getattr(row, relation.attname)
                if value is None or value in present:
                    continue
                if relation.related_model is self.table.model:
                    self.forward.append((number, relation, value))
                else:
                    self.problems.add(
                        Problem(self.file, number, relation.attname, _missing(relation, value))
                    )
                    refused.add(number)
        return refused

    def check_forward_references(self) -> None:
        for start in range(0, len(self.forward), BATCH):
            chunk = self.forward[start : start + BATCH]
            present = _present_ids(self.table.model, {value for _, _, value in chunk})
            for number, relation, value in chunk:
                if value not in present:
                    self.problems.add(
                        Problem(self.file, number, relation.attname, _missing(relation, value))
                    )

    def _insert(self, batch: list[tuple[int, models.Model]]) -> None:
        """Insert a batch; if the database refuses it (a duplicate in a unique column, a
        check constraint), insert its rows one by one to report each refused row."""
        manager = self.table.model._default_manager
        try:
            with transaction.atomic():
                manager.bulk_create([row for _, row in batch])
            return
        except DatabaseError:
            pass  # the batch was refused: find out which rows, one by one, below
        for number, row in batch:
            try:
                with transaction.atomic():
                    manager.bulk_create([row])
            except DatabaseError as exc:
                self.problems.add(Problem(self.file, number, None, _database_reason(exc)))
                if self.problems.full:
                    return


def _present_ids(model: type[models.Model], values: set[Any]) -> set[int]:
    # A number beyond 64 bits is no row's id (and not a value to send the database).
    wanted = [v for v in values if v is not None and -(2**63) <= v < 2**63]
    if not wanted:
        return set()
    return set(model._base_manager.filter(pk__in=wanted).values_list("pk", flat=True))


def _missing(relation: models.Field, value: int) -> str:
    target = next(t.name for t in TABLES if t.model is relation.related_model)
    return f"refers to {target} id {value}, which is not in the release (or was refused)"


# --- Values --------------------------------------------------------------------------------


def json_type_problem(field: models.Field, value: Any) -> str | None:
    """Why ``value`` cannot be this column's JSON value, or None. The release's JSON types
    are its contract: whole numbers for ids and counts, true/false for yes-no columns,
    text for the rest (dates and decimals as text, as export_dataset writes them)."""
    if value is None:
        return None if field.null else "is null, but the column requires a value"
    if isinstance(field, models.BooleanField):
        ok, expected = isinstance(value, bool), "true, false or null"
    elif isinstance(field, models.IntegerField) or field.is_relation:
        ok, expected = type(value) is int, "a whole number"
    elif isinstance(field, models.DecimalField):
        ok, expected = isinstance(value, str), "a decimal number written as text"
    else:
        ok, expected = isinstance(value, str), "text"
    if not ok:
        return f"should be {expected}, not {_short(value)}"
    if isinstance(value, str) and "\x00" in value:
        return "contains a NUL character"
    return None


def _json_kind(value: Any) -> str:
    return {list: "a list", str: "text", bool: "a boolean"}.get(type(value), _short(value))


def _short(value: Any) -> str:
    """The value as it was written in the file, cut to a readable length."""
    if isinstance(value, Decimal):  # how ijson reads a number that is not whole
        return str(value)
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def _first_line(exc: BaseException) -> str:
    text = exc.args[0] if exc.args else str(exc)
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    text = str(text).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _database_reason(exc: DatabaseError) -> str:
    """The database's first line, with its DETAIL (which names the key and value)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    detail = next((line for line in lines if line.startswith("DETAIL:")), "")
    reason = lines[0] if lines else type(exc).__name__
    return f"{reason} ({detail.removeprefix('DETAIL:').strip()})" if detail else reason
