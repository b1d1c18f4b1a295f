"""Single-choice and free-text questions, and admins' own questions in the bank."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from surveys.questions import MAX_OPTIONS, STARTER, new_custom_question
from surveys.results import summarize_round

CHANNEL = new_custom_question(STARTER, text="Where do your best leads come from?", kind="choice",
                              options=["Inbound", "Referrals", "Events", "Cold outreach"])
BLOCKER = new_custom_question(STARTER, text="What slowed your deals down this month?", kind="text")
BANK = STARTER.with_custom([CHANNEL, BLOCKER])


def test_custom_question_ids_are_slugs_kept_unique_in_the_bank():
    again = new_custom_question(BANK, text="Where do your best leads come from?", kind="choice",
                                options=["Inbound", "Referrals"])
    assert CHANNEL.id == "c_where_do_your_best_leads_come_from"
    assert again.id == "c_where_do_your_best_leads_come_from_2"
    assert CHANNEL.custom and CHANNEL.scale == range(4) and BLOCKER.scale == range(0)


@pytest.mark.parametrize(("kind", "options", "message"), [
    ("choice", ["Only one"], "2 to 10 distinct options, got 1"),
    ("choice", [f"Option {i}" for i in range(MAX_OPTIONS + 1)], "2 to 10 distinct options, got 11"),
    ("choice", ["Same", "Same"], "got 1"),
    ("choice", ["x" * 76, "Short"], "longer than 75 characters"),
    ("text", ["Yes", "No"], "only single-choice questions take options"),
    ("stars", [], "kind 'stars' is not one of agreement, scale, choice, text"),
])
def test_a_bad_custom_question_is_refused_with_what_is_allowed(kind, options, message):
    with pytest.raises(ValueError, match=message):
        new_custom_question(STARTER, text="A fair question?", kind=kind, options=options)


def _rows(question_id, values):
    return [(f"t{i}", question_id, v, None) for i, v in enumerate(values)]


def test_single_choice_results_count_each_option_and_are_never_averaged():
    summary = summarize_round(question_ids=[CHANNEL.id], invited=8, bank=BANK,
                              answers=_rows(CHANNEL.id, [0, 1, 1, 3, 1, 0]))
    (result,) = summary.questions
    assert result.average is None and result.enps is None
    assert result.distribution == ((0, 2), (1, 3), (2, 0), (3, 1))


def test_written_answers_show_sorted_without_names_only_when_k_people_wrote():
    few = [(f"t{i}", BLOCKER.id, None, text) for i, text in enumerate(["Legal review", "Pricing approvals"])]
    others = _rows("enps", [9, 9, 10, 8, 2])
    withheld = summarize_round(question_ids=["enps", BLOCKER.id], invited=6, bank=BANK, answers=few + others)
    assert withheld.questions[1].withheld and withheld.questions[1].texts == ()
    assert withheld.comments == ()  # written answers never leak into the general comments
    many = [(f"t{i}", BLOCKER.id, None, text) for i, text in enumerate(["b", "a", "c", "e", "d"])]
    shown = summarize_round(question_ids=[BLOCKER.id], invited=6, bank=BANK, answers=many)
    assert shown.questions[0].texts == ("a", "b", "c", "d", "e")


@given(st.lists(st.integers(min_value=0, max_value=3), min_size=0, max_size=30), st.integers(3, 10))
def test_choice_counts_add_up_to_the_answers_or_are_withheld_below_k(values, k):
    (result,) = summarize_round(question_ids=[CHANNEL.id], invited=30, threshold=k, bank=BANK,
                                answers=_rows(CHANNEL.id, values)).questions or (None,)
    if len(values) < k:
        assert result is None or result.withheld
    else:
        assert result is not None and sum(n for _, n in result.distribution) == len(values)
