from __future__ import annotations

import datetime as dt

from controversies.scorecard import Answer, AnswerSummary, scorecard_build

D = dt.date


def test_it_measures_how_often_and_how_fast_a_company_answered():
    card = scorecard_build(
        controversy_answers=[Answer(D(2020, 1, 1), D(2020, 1, 11)), Answer(D(2020, 1, 1), None)],
        demand_answers=[Answer(D(2021, 1, 1), D(2021, 1, 31)), Answer(None, D(2021, 2, 1))],
        demand_latest_statuses=["met", "broken", "broken", ""],
        policy_changes=2,
        declined_to_comment=1,
    )
    assert card.asked == 4 and card.answered == 3 and card.answer_rate == 75
    # An answer without a known start date counts as answered but not in the timing.
    assert card.median_days == 20 and card.fastest_days == 10 and card.slowest_days == 30
    assert card.met == 1 and card.broken == 2 and card.committed == 0


def test_it_has_no_rate_when_nothing_was_asked():
    card = scorecard_build(
        controversy_answers=[],
        demand_answers=[],
        demand_latest_statuses=[],
        policy_changes=0,
        declined_to_comment=0,
    )
    assert card.answer_rate is None and card.median_days is None


def test_a_cached_summary_gives_the_same_card_as_the_answers_it_summarises():
    answers = [
        Answer(D(2020, 1, 1), D(2020, 1, 11)),
        Answer(D(2020, 3, 1), None),
        Answer(D(2020, 5, 1), D(2020, 4, 1)),  # answered "before": counts as 0 days
        Answer(None, D(2020, 6, 1)),
    ]
    common = dict(
        demand_answers=[Answer(D(2021, 1, 1), D(2021, 1, 31))],
        demand_latest_statuses=["met"],
        policy_changes=0,
        declined_to_comment=0,
    )
    summary = AnswerSummary.of(answers)
    assert (summary.asked, summary.answered, summary.days) == (4, 3, (10, 0))
    assert scorecard_build(controversy_answers=summary, **common) == scorecard_build(
        controversy_answers=answers, **common
    )
