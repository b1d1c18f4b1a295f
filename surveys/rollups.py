"""The organisation roll-up for admins: each team's latest closed round, recombined from raw answers."""

from __future__ import annotations

from surveys.ports import RoundInfo, SurveyStore
from surveys.results import DEFAULT_THRESHOLD
from surveys.trends import RollupResult, TeamAnswers, rollup


def latest_rounds(store: SurveyStore) -> dict[str, RoundInfo]:
    """Each team's most recent closed round (across its surveys)."""
    latest: dict[str, RoundInfo] = {}
    for plan in store.plans(active_only=False):
        for round_ in store.closed_rounds(plan.id, 1):
            current = latest.get(plan.team_name)
            if current is None or round_.cycle_date > current.cycle_date:
                latest[plan.team_name] = round_
    return latest


def organisation_rollup(store: SurveyStore, *, question_ids: tuple[str, ...] = ("enps",),
                        threshold: int = DEFAULT_THRESHOLD) -> RollupResult:
    """The organisation's figures with the differencing guard: a team that could be worked out by subtracting
    the other teams from the organisation's total is withheld, even when it alone meets the threshold."""
    teams = {team: TeamAnswers(store.invited_count(r.id), store.round_answers(r.id))
             for team, r in latest_rounds(store).items()}
    return rollup(teams, question_ids=question_ids, threshold=threshold)
