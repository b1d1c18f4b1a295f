"""Trends across rounds, low-response flags, answer distributions and the organisation roll-up."""

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from surveys.anonymity import exposed
from surveys.results import Enps, enps_of, summarize_round
from surveys.trends import (
    RoundPoint,
    TeamAnswers,
    Trend,
    delta,
    distribution,
    low_response,
    rollup,
)

JAN, FEB, MAR = date(2025, 1, 6), date(2025, 2, 3), date(2025, 3, 3)


def rows(team: str, question_id: str, values: list[int | None]) -> list[tuple[str, str, int | None, str | None]]:
    return [(f"{team}{i}", question_id, v, None) for i, v in enumerate(values)]


def test_a_response_rate_under_sixty_percent_is_flagged_and_sixty_is_not():
    assert low_response(0.59)
    assert not low_response(0.6)
    assert low_response(0.7, floor=0.75)


def test_a_round_point_keeps_its_own_enps_split_and_pools_agreement_answers():
    answers = [*rows("t", "enps", [10, 9, 8, 3, 0, 10]), *rows("t", "manager", [5, 5, 4, 4, 2, 4])]
    answers += [("t0", "growth", 1, None), ("t1", "growth", 1, None)]  # under k: withheld, not pooled
    summary = summarize_round(question_ids=["enps", "manager", "growth"], answers=answers, invited=10)
    point = RoundPoint.of_round(JAN, summary)
    assert point.enps == Enps(3, 1, 2)
    assert point.engagement == 4.0
    assert point.response_rate == 0.6 and not point.low_response


def test_a_withheld_round_has_no_enps_and_no_engagement_but_keeps_its_response_rate():
    summary = summarize_round(question_ids=["enps"], answers=rows("t", "enps", [10, 0, 9]), invited=10)
    point = RoundPoint.of_round(FEB, summary)
    assert point.enps is None and point.engagement is None
    assert point.response_rate == 0.3 and point.low_response


def test_a_round_nobody_was_invited_to_has_no_rate_and_is_not_flagged():
    point = RoundPoint(JAN, 0, 0, None, None)
    assert point.response_rate is None and not point.low_response


def test_the_trend_orders_rounds_by_date_and_shows_each_rounds_own_enps_never_an_average():
    small = RoundPoint(FEB, 10, 5, Enps(5, 0, 0), 4.5)
    large = RoundPoint(JAN, 20, 20, Enps(0, 0, 20), 2.0)
    trend = Trend.of([small, large])
    assert trend.enps_series() == [(JAN, Enps(0, 0, 20)), (FEB, Enps(5, 0, 0))]
    assert [e.score for _, e in trend.enps_series() if e] == [-100, 100]
    assert trend.response_rates() == [(JAN, 1.0), (FEB, 0.5)]
    assert trend.engagement_series() == [(JAN, 2.0), (FEB, 4.5)]
    assert trend.enps_change() == 200
    assert trend.response_rate_change() == -0.5
    assert trend.engagement_change() == 2.5
    assert trend.low_response_rounds() == [FEB]


def test_the_change_is_unknown_when_either_round_is_withheld_or_there_is_no_previous_round():
    withheld = RoundPoint(JAN, 10, 3, None, None)
    shown = RoundPoint(FEB, 10, 8, Enps(4, 2, 2), 3.5)
    assert Trend.of([withheld, shown]).enps_change() is None
    assert Trend.of([withheld, shown]).engagement_change() is None
    assert Trend.of([withheld, shown]).response_rate_change() == 0.5
    assert Trend.of([shown]).enps_change() is None
    assert Trend.of([]).response_rate_change() is None
    assert delta(None, 3.0) is None and delta(4.0, 3.0) == 1.0


def test_a_distribution_counts_every_scale_value_including_zeros():
    answers = rows("t", "manager", [5, 5, 4, 1, 4, None])
    assert distribution("manager", answers) == {1: 1, 2: 0, 3: 0, 4: 2, 5: 2}
    enps = distribution("enps", rows("t", "enps", [10, 10, 0, 7, 9]))
    assert enps is not None and list(enps) == list(range(11)) and enps[10] == 2 and sum(enps.values()) == 5


def test_a_distribution_over_fewer_than_k_answers_is_withheld():
    assert distribution("manager", rows("t", "manager", [5, 4, 4, 3, None, None])) is None
    assert distribution("manager", rows("t", "manager", [5, 4, 4]), threshold=3) == {1: 0, 2: 0, 3: 0, 4: 2, 5: 1}


def test_the_organisation_enps_is_recombined_from_answers_not_averaged_from_team_scores():
    teams = {"fans": TeamAnswers(5, rows("f", "enps", [10] * 5)),
             "critics": TeamAnswers(10, rows("c", "enps", [0] * 10))}
    result = rollup(teams, question_ids=["enps"])
    assert set(result.teams) == {"fans", "critics"} and result.withheld == ()
    assert result.organisation is not None
    org_enps = result.organisation.questions[0].enps
    assert org_enps == Enps(5, 0, 10) and org_enps.score == -33
    assert result.invited == 15 and result.respondents == 15 and not result.low_response


def test_a_team_under_k_is_withheld_with_its_smallest_sibling_while_the_organisation_is_shown():
    teams = {name: TeamAnswers(n + 1, rows(name, "manager", [4] * n)) for name, n in [("a", 6), ("b", 7), ("c", 2)]}
    result = rollup(teams, question_ids=["manager"])
    assert set(result.teams) == {"b"} and result.withheld == ("a", "c")
    assert result.organisation is not None and result.organisation.respondents == 15
    assert result.organisation.questions[0].average == 4.0


def test_a_question_withheld_in_one_team_cannot_be_recovered_from_the_organisation_minus_the_rest():
    a = rows("a", "enps", [9] * 6) + rows("a", "manager", [5] * 6)
    b = rows("b", "enps", [9] * 7) + rows("b", "manager", [1, 1, 1, 1, None, None, None])
    result = rollup({"a": TeamAnswers(6, a), "b": TeamAnswers(7, b)}, question_ids=["enps", "manager"])
    assert set(result.teams) == {"a", "b"} and result.organisation is not None
    shown = [s.questions[1].average is not None for s in (result.teams["a"], result.organisation)]
    assert shown == [False, True]
    assert result.teams["a"].questions[0].enps == Enps(6, 0, 0)


def test_an_organisation_under_k_shows_nothing_but_its_response_rate():
    teams = {"a": TeamAnswers(10, rows("a", "enps", [9, 9])), "b": TeamAnswers(10, rows("b", "enps", [1]))}
    result = rollup(teams, question_ids=["enps"])
    assert result.organisation is None and result.teams == {} and result.withheld == ("a", "b")
    assert result.response_rate == 0.15 and result.low_response


def test_an_earlier_view_of_the_organisation_withholds_a_grown_organisation_that_would_reveal_the_newcomers():
    earlier = frozenset(f"a{i}" for i in range(8))
    teams = {"a": TeamAnswers(12, rows("a", "enps", [9] * 10))}
    assert rollup(teams, question_ids=["enps"], already_shown=[earlier]).organisation is None
    assert rollup(teams, question_ids=["enps"]).organisation is not None


team_sizes = st.lists(st.tuples(st.integers(0, 12), st.integers(0, 12)), min_size=1, max_size=5)


@settings(max_examples=100, deadline=None)
@given(team_sizes, st.integers(3, 10), st.lists(st.integers(0, 10), min_size=60, max_size=60))
def test_the_rollup_never_shows_figures_that_subtract_to_fewer_than_k_people(sizes, threshold, values):
    teams = {}
    for t, (respondents, skipped) in enumerate(sizes):
        answered = [values[(t * 12 + i) % 60] for i in range(respondents)]
        teams[f"t{t}"] = TeamAnswers(respondents + 1, rows(f"t{t}-", "enps", [*answered, *[None] * skipped]))
    result = rollup(teams, question_ids=["enps"], threshold=threshold)
    every = [(name, teams[name]) for name in result.teams]
    shown = [frozenset(r[0] for r in team.answers if r[2] is not None)
             for name, team in every if result.teams[name].questions[0].enps is not None]
    everyone = [r for team in teams.values() for r in team.answers]
    if result.organisation is not None and result.organisation.questions[0].enps is not None:
        shown.append(frozenset(r[0] for r in everyone if r[2] is not None))
        assert result.organisation.questions[0].enps == enps_of(r[2] for r in everyone if r[2] is not None)
    assert all(len(s) >= threshold for s in shown)
    assert exposed(shown, threshold) == []
    assert set(result.teams) | set(result.withheld) == set(teams)
