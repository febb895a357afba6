"""Every CSV the project writes goes through this module, so every one follows the same
rules against spreadsheet formula injection (OWASP "CSV Injection"):

- every cell is quoted (``csv.QUOTE_ALL``), so a ``;`` or ``,`` inside text can never
  start a new cell, whichever separator the reader's spreadsheet locale uses;
- a text cell that a spreadsheet could run as a formula is prefixed with ``'``. That is a
  cell whose first character, once any leading spaces and quote characters are skipped,
  is ``=``, ``+``, ``-`` or ``@``, or whose leading spaces and quotes include a tab or a
  carriage return;
- a number (an ``int``, a finite ``Decimal`` or ``float``) is written as its digits and is
  never prefixed, so ``-5`` stays a number a spreadsheet can sum. Only text can carry a
  formula, and Python prints a number as digits, a sign, a point and an exponent.
  Text that looks like a number ("-5" typed into a title) is text and is prefixed.

The prefix is reversible: ``restore`` gives back the stored value exactly (a data user
strips one leading ``'`` when the rest of the cell is formula-like by the rule above).
Lists are joined with newlines into one cell before the rule is applied to the cell.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, Protocol

PREFIX = "'"

# Leading whitespace and quotes, then a formula trigger. Backtracking makes a tab or a
# carriage return anywhere in that leading run count, as well as = + - @ right after it.
# A quote in the leading run is skipped, so "'" + a formula-like value is formula-like
# too: that is what makes restore() exact.
_FORMULA_LIKE = re.compile(r"[\s'\"]*[=+\-@\t\r]")


def is_formula_like(text: str) -> bool:
    return _FORMULA_LIKE.match(text) is not None


def neutralise(text: str) -> str:
    """The text as a spreadsheet will show it rather than run it."""
    return PREFIX + text if is_formula_like(text) else text


def restore(cell: str) -> str:
    """The stored value of a cell this module wrote (the inverse of ``neutralise``)."""
    if cell.startswith(PREFIX) and is_formula_like(cell[1:]):
        return cell[1:]
    return cell


def _is_plain_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    if isinstance(value, Decimal):
        return value.is_finite()
    if isinstance(value, float):
        return math.isfinite(value)
    return False


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):  # datetimes too
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "\n".join(_text(v) for v in value)
    return str(value)


def cell(value: Any) -> str:
    """One CSV cell: empty for None, ``true``/``false``, ISO dates, a list one value per
    line, numbers as digits, and any text neutralised."""
    if _is_plain_number(value):
        return str(value)
    return neutralise(_text(value))


class _File(Protocol):
    def write(self, text: str, /) -> Any: ...


class SafeWriter:
    """A ``csv.writer`` that quotes every cell and passes each through ``cell``.

    ``writerow`` returns what the file's ``write`` returned, so a file whose ``write``
    hands the line back can feed a streamed response."""

    def __init__(self, file: _File) -> None:
        self._writer = csv.writer(file, quoting=csv.QUOTE_ALL, lineterminator="\r\n")

    def writerow(self, values: Iterable[Any]) -> Any:
        return self._writer.writerow([cell(v) for v in values])


def writer(file: _File) -> SafeWriter:
    return SafeWriter(file)
