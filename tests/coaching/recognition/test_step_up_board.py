"""The shout-out's "Biggest step up" board: members whose deals won this week exceed their own weekly average over
the three weeks before, by at least one deal, biggest step first, ties by name, at most BOARD_SIZE rows; nobody
without a deal in those weeks (the roster cannot tell a newcomer from a quiet spell)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from fractions import Fraction

from coaching.periods import period_of
from coaching.recognition.records import Colleague, RecognitionTeam
from coaching.recognition.shout_outs import BOARD_SIZE, build_shout_out
from coaching.recognition.wins import Win

NOW = datetime(2026, 11, 27, 16, tzinfo=UTC)  # the shout-out's slot: this week is the 7 days up to it
SINCE = NOW - timedelta(days=7)
WEEK = period_of("week", date(2026, 11, 23))
NAMES = ["Ana", "Bo", "Cy", "Dee", "Eli", "Fay", "Gus"]
ANA, BO, CY, DEE, ELI, FAY, GUS = (Colleague(i, n, f"U{i}", 1) for i, n in enumerate(NAMES, start=1))
OUT = Colleague(9, "Outsider", "U9", 2)
TEAM = RecognitionTeam(1, "Hunters", "C1", "en", (ANA, BO, CY, DEE, ELI, FAY, GUS))
_ids = iter(range(1, 10_000))


def wins(rep: Colleague, *, this_week: int = 0, earlier: int = 0, weeks_back: int = 1) -> list[Win]:
    """`this_week` wins recorded a day into this week, `earlier` ones a day into the week `weeks_back` before."""
    at = [SINCE + timedelta(days=1)] * this_week + [SINCE - timedelta(weeks=weeks_back) + timedelta(days=1)] * earlier
    return [Win(next(_ids), "import", rep, at_.date(), at_, "Acme", 100.0, deal_external_id=f"D-{rep.person_id}")
            for at_ in at]


def board(*groups: list[Win], **kwargs) -> list[tuple[str, int, Fraction]]:
    shout = build_shout_out(team=TEAM, week=WEEK, since=SINCE, until=NOW, wins=[w for g in groups for w in g],
                            kudos=[], **kwargs)
    return [(r.person.name, r.won, r.step) for r in shout.step_up_board]


def test_the_step_up_board_ranks_by_this_week_minus_the_three_week_average_then_by_name():
    assert board(wins(DEE, this_week=3, earlier=6),  # average 2: step 1
                 wins(ANA, this_week=3, earlier=3),  # average 1: step 2
                 wins(CY, this_week=2, earlier=3),  # average 1: step 1, ties with Dee and comes first by name
                 wins(BO, this_week=3, earlier=4)) == [  # average 4/3: step 5/3
        ("Ana", 3, Fraction(2)), ("Bo", 3, Fraction(5, 3)), ("Cy", 2, Fraction(1)), ("Dee", 3, Fraction(1))]


def test_only_a_step_of_at_least_one_deal_counts():
    assert board(wins(ANA, this_week=1, earlier=1),  # 1 against 1/3 a week: up by 2/3, not a whole deal
                 wins(BO, this_week=2, earlier=4),  # 2 against 4/3: up by 2/3
                 wins(CY, this_week=1, earlier=3),  # level
                 wins(DEE, this_week=1, earlier=6),  # down
                 wins(ELI, this_week=2, earlier=3)) == [("Eli", 2, Fraction(1))]


def test_someone_without_a_deal_in_the_three_weeks_before_is_left_off_the_step_up_board_but_not_the_deals_board():
    shout = build_shout_out(team=TEAM, week=WEEK, since=SINCE, until=NOW, kudos=[],
                            wins=wins(ANA, this_week=4) + wins(BO, this_week=2, earlier=3))
    assert [(r.person.name, r.won) for r in shout.step_up_board] == [("Bo", 2)]
    assert [(r.person.name, r.count) for r in shout.win_board] == [("Ana", 4), ("Bo", 2)]


def test_the_three_weeks_are_the_21_days_before_this_week_and_nothing_older():
    start = SINCE - timedelta(weeks=3)
    at_start = [Win(next(_ids), "import", ANA, start.date(), start, "Acme")]
    too_old = [Win(next(_ids), "import", BO, start.date(), start - timedelta(seconds=1), "Acme")]
    assert board(wins(ANA, this_week=2), at_start, wins(BO, this_week=2), too_old) == [("Ana", 2, Fraction(5, 3))]
    assert board(wins(CY, this_week=2, earlier=3, weeks_back=3)) == [("Cy", 2, Fraction(1))]
    assert board(wins(CY, this_week=2, earlier=3, weeks_back=4)) == []  # a month ago is no history here


def test_a_win_recorded_at_the_slot_belongs_to_next_week_and_outsiders_never_rank():
    late = [Win(next(_ids), "import", ANA, NOW.date(), NOW, "Acme")] * 3
    assert board(wins(ANA, this_week=1, earlier=3), late, wins(OUT, this_week=5, earlier=3)) == []


def test_the_step_up_board_is_cut_to_the_board_size():
    crowd = [wins(rep, this_week=3, earlier=3) for rep in TEAM.members]
    assert len(TEAM.members) > BOARD_SIZE
    assert [name for name, _, _ in board(*crowd)] == NAMES[:BOARD_SIZE]
    assert [name for name, _, _ in board(*crowd, board_size=2)] == ["Ana", "Bo"]
