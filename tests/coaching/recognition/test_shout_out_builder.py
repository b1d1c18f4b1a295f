"""The weekly shout-out: the team's wins and kudos of the window, and three boards kept apart (most thanked, most
deals won, biggest step up against each person's own previous three weeks); nobody's lack of kudos is in it."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, date, datetime, timedelta

from coaching.periods import period_of
from coaching.recognition.kudos import Kudos
from coaching.recognition.records import Colleague, RecognitionTeam
from coaching.recognition.shout_outs import LastRecognised, ShoutOut, build_shout_out
from coaching.recognition.wins import Win

UNTIL = datetime(2026, 11, 27, 16, tzinfo=UTC)
SINCE = UNTIL - timedelta(days=7)
WEEK = period_of("week", date(2026, 11, 23))
ANA, BO, CY, DEE = (Colleague(i, n, f"U{i}", 1) for i, n in enumerate(["Ana", "Bo", "Cy", "Dee"], start=1))
OUT = Colleague(9, "Outsider", "U9", 2)
TEAM = RecognitionTeam(1, "Hunters", "C1", "en", (ANA, BO, CY, DEE))


def kudos(id_: int, giver: Colleague, *receivers: Colleague, at: datetime = SINCE + timedelta(days=1)) -> Kudos:
    return Kudos(id_, giver, receivers, None, "thanks", at)


def win(id_: int, rep: Colleague, at: datetime = SINCE + timedelta(days=2)) -> Win:
    return Win(id_, "import", rep, date(2026, 11, 1), at, "Acme", 100.0, deal_external_id=f"D-{id_}")


def build(wins=(), given=(), **kwargs):
    return build_shout_out(team=TEAM, week=WEEK, since=SINCE, until=UNTIL, wins=list(wins), kudos=list(given),
                           **kwargs)


def test_kudos_and_wins_are_ranked_on_separate_boards():
    shout = build(wins=[win(1, ANA), win(2, ANA), win(3, ANA)],
                  given=[kudos(1, ANA, BO), kudos(2, CY, BO, DEE), kudos(3, BO, DEE), kudos(4, ANA, CY)])
    assert [(r.person.name, r.count) for r in shout.kudos_board] == [("Bo", 2), ("Dee", 2), ("Cy", 1)]
    assert [(r.person.name, r.count) for r in shout.win_board] == [("Ana", 3)]


def test_a_win_imported_late_counts_in_the_week_it_was_recorded_not_the_week_it_closed():
    shout = build(wins=[win(1, ANA), win(2, BO, at=SINCE - timedelta(minutes=1)), win(3, CY, at=UNTIL)])
    assert [w.id for w in shout.wins] == [1]


def test_only_the_teams_people_are_counted_and_a_kudos_to_an_outsider_is_left_out():
    shout = build(wins=[win(1, OUT)], given=[kudos(1, ANA, OUT), kudos(2, OUT, BO, OUT)])
    assert [k.id for k in shout.kudos] == [2]
    assert [(r.person.name, r.count) for r in shout.kudos_board] == [("Bo", 1)]
    assert shout.wins == ()


def test_the_shout_out_has_no_place_for_who_went_without_kudos():
    assert {f.name for f in fields(ShoutOut)}.isdisjoint({"not_recognised", "quiet", "quiet_days"})


def test_boards_are_cut_to_size():
    shout = build(given=[kudos(1, ANA, BO, CY, DEE)], board_size=2)
    assert len(shout.kudos_board) == 2


def test_a_week_without_wins_or_kudos_is_empty_and_keyed_by_team_and_week():
    shout = build()
    assert shout.is_empty
    assert shout.key == "shoutout:1:2026-W48"
    assert not build(wins=[win(1, ANA)]).is_empty


def test_last_recognised_is_the_later_of_kudos_and_win():
    at = datetime(2026, 11, 20, 23, tzinfo=UTC)
    assert LastRecognised(1, at, date(2026, 11, 2)).on == date(2026, 11, 20)
    assert LastRecognised(1, None, date(2026, 11, 2)).on == date(2026, 11, 2)
    assert LastRecognised(1, None, None).on is None
    assert LastRecognised(1, at, None).days_without_kudos(at + timedelta(days=3, hours=1)) == 3


def test_the_teams_clock_is_its_managers_else_the_commonest():
    manager = Colleague(5, "Mo", "U5", 1, role="manager", tz="Europe/Vilnius")
    reps = tuple(Colleague(i, "r", None, 1, tz="Asia/Tehran" if i < 3 else "UTC") for i in range(4))
    assert RecognitionTeam(1, "T", None, "en", (*reps, manager)).tz == "Europe/Vilnius"
    assert RecognitionTeam(1, "T", None, "en", reps).tz == "Asia/Tehran"
    assert RecognitionTeam(1, "T", None, "en", ()).tz == "UTC"
