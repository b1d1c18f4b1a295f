"""Scoring and anonymity: eNPS arithmetic, averages, and results withheld under the threshold."""

from hypothesis import given
from hypothesis import strategies as st

from surveys.results import enps_of, summarize_round


def _answers(values: dict[str, list[int]]):
    rows = []
    for qid, vals in values.items():
        for i, v in enumerate(vals):
            rows.append((f"t{i}", qid, v, None))
    return rows


def test_enps_is_percent_promoters_minus_percent_detractors():
    e = enps_of([10, 9, 9, 8, 7, 6, 0, 10])
    assert (e.promoters, e.passives, e.detractors) == (4, 2, 2)
    assert e.score == 25


@given(st.lists(st.integers(0, 10), min_size=1, max_size=200))
def test_enps_stays_between_minus_and_plus_one_hundred_and_splits_every_answer(values):
    e = enps_of(values)
    assert e.total == len(values)
    assert -100 <= e.score <= 100


def test_results_show_averages_and_enps_split_when_enough_people_answered():
    summary = summarize_round(question_ids=["enps", "manager"], invited=8,
                              answers=_answers({"enps": [10, 9, 7, 3, 9], "manager": [4, 5, 3, 4, 4]}))
    assert not summary.withheld
    assert summary.respondents == 5 and summary.response_rate == 5 / 8
    enps, manager = summary.questions
    assert enps.average is None and enps.enps is not None and enps.enps.score == 40
    assert manager.average == 4.0


def test_results_are_withheld_below_the_threshold_and_reveal_no_figures():
    summary = summarize_round(question_ids=["enps"], invited=8, answers=_answers({"enps": [10, 0, 5, 9]}))
    assert summary.withheld
    assert summary.questions == () and summary.comments == ()


def test_a_question_with_too_few_answers_is_withheld_even_when_the_round_is_shown():
    rows = [*_answers({"manager": [4, 5, 3, 4, 4]}), ("t0", "enps", 10, None), ("t1", "enps", 2, None)]
    summary = summarize_round(question_ids=["enps", "manager"], invited=5, answers=rows)
    enps, manager = summary.questions
    assert enps.enps is None and enps.average is None
    assert manager.average == 4.0


def test_comments_come_without_order_that_could_identify_people():
    rows = [(f"t{i}", "manager", 4, f"comment {5 - i}") for i in range(5)]
    summary = summarize_round(question_ids=["manager"], invited=5, answers=rows)
    assert summary.comments == tuple(sorted(summary.comments))
