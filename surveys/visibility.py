"""The one answer to "what may this audience see of the survey results", whichever surface asks.

Every view ever given (each team's results at its close, the organisation roll-up after each close) is replayed
in close order under the k-threshold and the differencing guard; an audience sees a subset of that one ledger.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from surveys.ports import RoundInfo, SurveyStore
from surveys.results import DEFAULT_THRESHOLD, RoundSummary, summarize_round
from surveys.trends import RollupResult, TeamAnswers, rollup

HISTORY = 8  # closed rounds per survey replayed (and shown at most) to rebuild what earlier views showed
EVERY_TEAM = frozenset({"*"})


@dataclass(frozen=True)
class Audience:
    """Who is asking: the teams whose results the org chart lets them see (lower-cased names, or EVERY_TEAM),
    and whether they also see the organisation roll-up (admins)."""

    teams: frozenset[str]
    organisation: bool = False

    def sees(self, team: str) -> bool:
        return self.teams == EVERY_TEAM or team.lower() in self.teams

    @classmethod
    def admin(cls) -> Audience:
        return cls(EVERY_TEAM, organisation=True)


@dataclass(frozen=True)
class Disclosed:
    """One closed round as anyone may see it: withheld as a whole below k, per question below k."""

    round: RoundInfo
    summary: RoundSummary


@dataclass(frozen=True)
class Visible:
    """What one audience may see: closed rounds of its teams (oldest first) and, for admins, the roll-up."""

    rounds: tuple[Disclosed, ...] = ()
    rollup: RollupResult | None = None

    def history(self, team: str | None = None, *, survey_id: int | None = None,
                limit: int = HISTORY) -> list[tuple[date, RoundSummary]]:
        chosen = [d for d in self.rounds if (team is None or d.round.team_name.lower() == team.lower())
                  and (survey_id is None or d.round.survey_id == survey_id)]
        return [(d.round.cycle_date, d.summary) for d in chosen][-limit:]

    def latest(self) -> dict[str, tuple[date, RoundSummary]]:
        """Each team's most recent closed round."""
        out: dict[str, tuple[date, RoundSummary]] = {}
        for d in self.rounds:
            out[d.round.team_name] = (d.round.cycle_date, d.summary)
        return out

    def of_round(self, round_id: int) -> RoundSummary | None:
        return next((d.summary for d in self.rounds if d.round.id == round_id), None)


@dataclass
class Ledger:
    """Every view ever given, in the order it was given; `rollups[round id]` is the roll-up sent at that close."""

    rounds: list[Disclosed] = field(default_factory=list)
    rollups: dict[int, RollupResult] = field(default_factory=dict)
    latest_rollup: RollupResult | None = None

    def for_audience(self, audience: Audience) -> Visible:
        chosen = sorted((d for d in self.rounds if audience.sees(d.round.team_name)),
                        key=lambda d: (d.round.cycle_date, d.round.id))
        return Visible(tuple(chosen), self.latest_rollup if audience.organisation else None)


def what_may_see(store: SurveyStore, audience: Audience, *, threshold: int = DEFAULT_THRESHOLD) -> Visible:
    """The single visibility decision: every surface (results DM, /pulse results, /enps, App Home, team channel,
    exports, roll-ups, one-on-one prep) asks this and shows no more than it returns."""
    if audience.teams == frozenset() and not audience.organisation:
        return Visible()
    return ledger(store, threshold=threshold).for_audience(audience)


def ledger(store: SurveyStore, *, threshold: int = DEFAULT_THRESHOLD,
           question_ids: Sequence[str] = ("enps",)) -> Ledger:
    """Replay every close in order: the team's own results (to its managers and, if shared, its channel), then
    the organisation roll-up over each team's latest round (to admins).

    Each view is guarded against all views before it: a team's results are always a fresh set of respondents
    (tokens are per round), so they are shown whenever k answered; the roll-up that follows counts them as
    already shown, and withholds whatever would let someone subtract down to fewer than k people, the
    organisation total included. So no combination of views, by anyone, singles out fewer than k.
    """
    closed = sorted((r for plan in store.plans(active_only=False) for r in store.closed_rounds(plan.id, HISTORY)),
                    key=lambda r: (r.closed_at or r.closes_at, r.id))
    bank = store.bank()
    answers: dict[int, TeamAnswers] = {}
    result = Ledger()
    shown: list[frozenset[str]] = []
    latest: dict[str, RoundInfo] = {}
    for round_ in closed:
        rows = TeamAnswers(store.invited_count(round_.id), store.round_answers(round_.id))
        answers[round_.id] = rows
        summary = summarize_round(question_ids=round_.questions, answers=rows.answers, invited=rows.invited,
                                  threshold=threshold, bank=bank)
        result.rounds.append(Disclosed(round_, summary))
        shown.extend(_sets_shown(summary, rows))
        current = latest.get(round_.team_name)
        if current is None or (round_.cycle_date, round_.id) > (current.cycle_date, current.id):
            latest[round_.team_name] = round_
        view = rollup({team: answers[r.id] for team, r in latest.items()}, question_ids=question_ids,
                      threshold=threshold, already_shown=shown, bank=bank)
        shown.extend(view.shown_sets)
        result.rollups[round_.id] = view
        result.latest_rollup = view
    if result.latest_rollup is None:
        result.latest_rollup = rollup({}, question_ids=question_ids, threshold=threshold, bank=bank)
    return result


def _sets_shown(summary: RoundSummary, rows: TeamAnswers) -> Iterable[frozenset[str]]:
    """The respondent sets a team's results make known: everyone who answered, and who answered each question
    whose figures were shown."""
    if summary.withheld:
        return []
    people = frozenset(r[0] for r in rows.answers)
    shown_questions = {q.question_id for q in summary.questions if not q.withheld}
    per_question = {qid: frozenset(r[0] for r in rows.answers if r[1] == qid and (r[2] is not None or r[3]))
                    for qid in shown_questions}
    return [people, *(s for s in per_question.values() if s and s != people)]
