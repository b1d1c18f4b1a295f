"""The organisation roll-up for admins: each team's latest closed round, recombined from raw answers.

Every close changes the roll-up, so each view is guarded against the views before it (successive differencing).
"""

from __future__ import annotations

from collections.abc import Iterable

from surveys.ports import RoundInfo, SurveyStore
from surveys.results import DEFAULT_THRESHOLD
from surveys.trends import RollupResult, TeamAnswers, rollup

HISTORY = 8  # closed rounds per survey replayed to rebuild what earlier views showed


def latest_rounds(store: SurveyStore) -> dict[str, RoundInfo]:
    """Each team's most recent closed round (across its surveys)."""
    return _latest(r for plan in store.plans(active_only=False) for r in store.closed_rounds(plan.id, 1))


def _latest(rounds: Iterable[RoundInfo]) -> dict[str, RoundInfo]:
    latest: dict[str, RoundInfo] = {}
    for round_ in rounds:
        current = latest.get(round_.team_name)
        if current is None or (round_.cycle_date, round_.id) > (current.cycle_date, current.id):
            latest[round_.team_name] = round_
    return latest


def organisation_rollup(store: SurveyStore, *, question_ids: tuple[str, ...] = ("enps",),
                        threshold: int = DEFAULT_THRESHOLD) -> RollupResult:
    """The organisation's figures with the differencing guard, within this view and across earlier ones.

    Within a view, a team that could be worked out by subtracting the other teams from the organisation's total
    is withheld, even when it alone meets the threshold. Across views: the roll-up after each close is replayed
    in order (as admins were sent it), and whatever those views showed counts as already shown, so that this
    view minus an earlier one cannot single out fewer than k people either.
    """
    closed = sorted((r for plan in store.plans(active_only=False) for r in store.closed_rounds(plan.id, HISTORY)),
                    key=lambda r: (r.closed_at or r.closes_at, r.id))
    answers: dict[int, TeamAnswers] = {}

    def team_answers(round_: RoundInfo) -> TeamAnswers:
        if round_.id not in answers:
            answers[round_.id] = TeamAnswers(store.invited_count(round_.id), store.round_answers(round_.id))
        return answers[round_.id]

    bank = store.bank()
    shown: list[frozenset[str]] = []
    result = rollup({}, question_ids=question_ids, threshold=threshold, bank=bank)
    for i in range(len(closed)):
        teams = {team: team_answers(r) for team, r in _latest(closed[: i + 1]).items()}
        result = rollup(teams, question_ids=question_ids, threshold=threshold, already_shown=shown, bank=bank)
        shown.extend(result.shown_sets)
    return result
