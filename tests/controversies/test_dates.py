from __future__ import annotations

import datetime as dt

import pytest

from controversies.dates import format_date, precision_error


@pytest.mark.parametrize(
    ("date", "precision", "shown"),
    [
        (dt.date(2018, 7, 26), "day", "26 July 2018"),
        (dt.date(2018, 6, 1), "month", "June 2018"),
        (dt.date(2019, 4, 1), "quarter", "Q2 2019"),
        (dt.date(2019, 6, 1), "season", "Summer 2019"),
        (dt.date(2020, 1, 1), "year", "2020"),
    ],
)
def test_it_shows_a_date_only_as_precisely_as_it_is_known(date, precision, shown):
    assert format_date(date, precision) == shown


@pytest.mark.parametrize(
    ("date", "precision"),
    [
        (dt.date(2018, 6, 15), "month"),
        (dt.date(2019, 5, 1), "quarter"),
        (dt.date(2019, 5, 1), "season"),
        (dt.date(2020, 3, 1), "year"),
    ],
)
def test_it_rejects_a_date_more_precise_than_its_precision(date, precision):
    assert precision_error(date, precision)
