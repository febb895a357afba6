from __future__ import annotations

from decimal import Decimal

from controversies.support_chart import HEIGHT, SupportPoint, support_chart


def _point(year: int, support: str) -> SupportPoint:
    return SupportPoint(year=year, support=Decimal(support), label=f"{year}", url=f"/r/{year}/")


def test_it_draws_nothing_without_votes():
    assert support_chart([]) is None


def test_it_keeps_the_majority_line_in_view_for_small_support():
    chart = support_chart([_point(2019, "2.4"), _point(2021, "35")])
    assert [t.label for t in chart.y_ticks] == ["0%", "10%", "20%", "30%", "40%", "50%"]
    assert chart.majority_y == chart.top
    low, high = chart.points
    assert low.y > high.y  # higher support is drawn higher up
    assert low.x == chart.left and high.x == chart.right


def test_it_scales_up_to_the_highest_support():
    chart = support_chart([_point(2020, "71.5")])
    assert [t.label for t in chart.y_ticks] == ["0%", "20%", "40%", "60%", "80%"]
    assert chart.y_ticks[-1].position == chart.top
    assert 0 < chart.points[0].y < HEIGHT


def test_it_keeps_several_votes_in_one_year_apart():
    chart = support_chart([_point(2019, "2.4"), _point(2019, "27.5")])
    assert chart.points[0].x != chart.points[1].x
