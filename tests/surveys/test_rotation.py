"""Rotation: every question in the pool comes back within a quarter, eNPS every round, at most 10 a round."""

from hypothesis import given, settings
from hypothesis import strategies as st

from surveys.questions import STARTER_BANK
from surveys.rotation import ROUNDS_PER_QUARTER, questions_for_round

POOL = [q.id for q in STARTER_BANK]


def test_weekly_rotation_asks_enps_every_week_and_a_few_others():
    first, second = questions_for_round(POOL, "weekly", 0), questions_for_round(POOL, "weekly", 1)
    assert first[0] == "enps" and second[0] == "enps"
    assert len(first) == 3 and set(first[1:]).isdisjoint(second[1:])


@settings(max_examples=100, deadline=None)
@given(cadence=st.sampled_from(sorted(ROUNDS_PER_QUARTER)), size=st.integers(1, len(POOL)),
       start=st.integers(0, 200))
def test_each_question_comes_back_within_a_quarter_and_rounds_stay_within_ten(cadence, size, start):
    pool = POOL[:size]
    quarter = [questions_for_round(pool, cadence, start + n) for n in range(ROUNDS_PER_QUARTER[cadence])]
    assert all(1 <= len(r) <= 10 and len(set(r)) == len(r) for r in quarter)
    rotating = set(pool) - {"enps"}
    room = (10 - (len(pool) - len(rotating))) * len(quarter)  # how many rotating questions a quarter can hold
    if len(rotating) <= room:
        assert {q for r in quarter for q in r} >= rotating
