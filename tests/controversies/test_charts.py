"""The server-drawn charts: count scales, the colour key, marks a keyboard and a finger can
reach, and the table that repeats each chart's figures."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.management import call_command

from controversies.charts import count_scale, month_chart


@pytest.mark.parametrize(
    ("highest", "top", "values"),
    [
        (0, 1, [0, 1]),
        (1, 1, [0, 1]),
        (3, 3, [0, 1, 2, 3]),
        (5, 5, [0, 1, 2, 3, 4, 5]),
        (7, 8, [0, 2, 4, 6, 8]),
        (23, 25, [0, 5, 10, 15, 20, 25]),
        (480, 500, [0, 100, 200, 300, 400, 500]),
    ],
)
def test_count_scales_use_round_steps_and_reach_the_highest_count(highest, top, values):
    assert count_scale(highest) == (top, values)


def test_the_month_chart_puts_its_scale_beside_the_bars():
    chart = month_chart(
        {dt.date(2020, 1, 1): 3, dt.date(2020, 3, 1): 1},
        first=dt.date(2019, 11, 1),
        last=dt.date(2020, 4, 1),
    )
    assert [tick.value for tick in chart.count_ticks] == [0, 1, 2, 3]
    assert chart.count_ticks[0].y == chart.baseline
    assert chart.count_ticks[-1].y == chart.top
    tallest = max(chart.bars, key=lambda bar: bar.count)
    assert tallest.y == chart.top  # the busiest month reaches the top of the scale
    assert [bar.month.month for bar in chart.busy_bars] == [1, 3]
    assert [year for _, year in chart.year_ticks] == [2020]  # November starts too late to label
    assert all(chart.left <= bar.x and bar.x + bar.width <= chart.right for bar in chart.bars)


@pytest.fixture
def demo(db: None) -> None:
    call_command("load_demo", verbosity=0)


def _svg(page: str, marker: str) -> str:
    start = page.rindex("<svg", 0, page.index(marker))
    return page[start : page.index("</svg>", start)]


def _figure(page: str, marker: str) -> str:
    start = page.rindex("<figure", 0, page.index(marker))
    return page[start : page.index("</figure>", start)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "marker"),
    [
        ("/", "chart-svg bars"),
        ("/controversies/amazon-rekognition/", "chart-svg overview-chart"),
        ("/organizations/amazon/shareholder-record/", 'id="support-chart-title"'),
    ],
)
def test_each_chart_has_a_key_reachable_marks_and_a_table(client, demo, path, marker):
    page = client.get(path).content.decode()
    svg = _svg(page, marker)
    figure = _figure(page, marker)
    # Links and focusable marks sit in a group, never inside an image.
    opening = svg[: svg.index(">")]
    assert 'role="group"' in opening and 'role="img"' not in opening
    marks = re.findall(r"<(a|g) ([^>]*class=\"mark\"[^>]*)>", svg)
    assert marks
    for tag, attributes in marks:
        assert 'href="' in attributes if tag == "a" else 'tabindex="0"' in attributes
        assert re.search(r'aria-label="[^"]+"', attributes)
        # A mark's image role (a month bar) holds no link or other control.
    for image in re.findall(r'role="img".*?</g>', svg, re.S):
        assert "<a " not in image and "tabindex" not in image.split(">", 1)[1]
    # Each mark carries the line that names it while focused, hovered or tapped.
    assert svg.count('class="mark-detail"') == len(marks)
    assert 'class="chart-key"' in figure
    table = figure[figure.index('<details class="chart-table">') :]
    assert "<summary>The figures as a table</summary>" in table
    assert table.count("<tr>") >= 2


@pytest.mark.django_db
def test_the_month_chart_has_a_count_scale_and_the_overview_a_key_per_group(client, demo):
    home = client.get("/").content.decode()
    svg = _svg(home, "chart-svg bars")
    labels = re.findall(r'class="axis-label">(\d+)</text>', svg)
    assert labels[:2] == ["0", "1"]  # the scale starts at nought and counts up
    case = client.get("/controversies/amazon-rekognition/").content.decode()
    key = _figure(case, "chart-svg overview-chart")
    for label in ("Reports and research", "Company actions and responses"):
        assert label in key
