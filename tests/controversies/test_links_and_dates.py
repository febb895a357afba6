"""The shortcuts the pages use for links and dates give exactly what Django would."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import engines
from django.template.defaultfilters import date as django_date
from django.urls import NoReverseMatch, reverse, set_script_prefix
from django.utils import translation

from controversies.links import slug_url
from controversies.templatetags.dates import _FORMATS

NAMES = [
    "controversies:controversy",
    "controversies:organization",
    "controversies:product",
    "controversies:coalition",
    "controversies:campaign",
    "controversies:resolution",
]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("slug", ["amazon", "amazon-rekognition", "a_b-9", "x"])
def test_slug_urls_are_the_reversed_urls(name, slug):
    assert slug_url(name, slug) == reverse(name, args=[slug])


def test_slug_urls_follow_the_script_prefix():
    try:
        set_script_prefix("/tracker/")
        assert slug_url("controversies:organization", "aclu") == "/tracker/organizations/aclu/"
    finally:
        set_script_prefix("/")
    assert slug_url("controversies:organization", "aclu") == "/organizations/aclu/"


@pytest.mark.parametrize("slug", ["", "has space", "slash/inside", "naïve"])
def test_a_value_that_is_not_a_slug_fails_as_reverse_does(slug):
    with pytest.raises(NoReverseMatch):
        slug_url("controversies:organization", slug)


DAYS = [dt.date(1999, 12, 31), dt.date(2019, 9, 5), dt.date(2020, 2, 29), dt.date(2024, 5, 1)]
DAYS += [dt.date(2021, month, 10 + month) for month in range(1, 13)]


@pytest.mark.parametrize("fmt", sorted(_FORMATS))
def test_the_fast_date_formats_write_what_djangos_filter_writes(fmt):
    template = engines["django"].from_string("{{ value|date:fmt }}")
    for day in [*DAYS, dt.datetime(2019, 5, 22, 23, 30, tzinfo=dt.UTC)]:
        assert template.render({"value": day, "fmt": fmt}) == django_date(day, fmt), day


def test_other_formats_languages_and_values_still_go_to_django():
    template = engines["django"].from_string('{{ value|date:"D, jS F" }}|{{ none|date:"Y" }}')
    assert template.render({"value": dt.date(2019, 5, 22), "none": None}) == "Wed, 22nd May|"
    with translation.override("fr"):
        french = engines["django"].from_string('{{ value|date:"j F Y" }}')
        assert french.render({"value": dt.date(2019, 5, 22)}) == "22 mai 2019"


def test_choice_labels_are_djangos_including_unknown_values():
    from controversies.models import Controversy, Event, EventActor

    assert Event(kind="open_letter").get_kind_display() == "Open letter"
    assert EventActor(role="signatory").get_role_display() == "Signatory"
    assert Controversy(status="dormant").get_status_display() == "Dormant"
    # A value outside the choices (a row written before a choice was removed) shows as is.
    assert Event(kind="retired_kind").get_kind_display() == "retired_kind"
