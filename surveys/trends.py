"""Results across rounds and teams: response-rate and eNPS trends, low-response flags, the organisation roll-up.

Every figure is a round's own (eNPS is never averaged across rounds) and the anonymity rules apply throughout.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from surveys.anonymity import visible_groups
from surveys.questions import FOLLOW_UP_PREFIX, STARTER, QuestionBank
from surveys.results import DEFAULT_THRESHOLD, Enps, QuestionResult, RoundSummary, summarize_round

LOW_RESPONSE_FLOOR = 0.6
Row = tuple[str, str, int | None, str | None]  # (respondent token, question id, value, comment)


def low_response(rate: float, floor: float = LOW_RESPONSE_FLOOR) -> bool:
    """A response rate under the floor (60% unless told) is flagged."""
    return rate < floor


def delta(current: float | None, previous: float | None) -> float | None:
    """The change from the previous round, or None when either side is withheld or unknown."""
    return None if current is None or previous is None else current - previous


class _Rates:
    """Response rate and its low-response flag, for anything with `invited` and `respondents` counts."""

    invited: int
    respondents: int

    @property
    def response_rate(self) -> float | None:
        return self.respondents / self.invited if self.invited else None

    @property
    def low_response(self) -> bool:
        rate = self.response_rate
        return rate is not None and low_response(rate)


@dataclass(frozen=True)
class RoundPoint(_Rates):
    """One round as the trend sees it; `enps` and `engagement` are None when withheld."""

    cycle_date: date
    invited: int
    respondents: int
    enps: Enps | None
    engagement: float | None  # average of every agreement answer that may be shown, 1..5

    @classmethod
    def of_round(cls, cycle_date: date, summary: RoundSummary) -> RoundPoint:
        """The point of a summarised round: its own eNPS split and its pooled agreement average."""
        answers = 0
        total = 0.0
        enps: Enps | None = None
        for result in summary.questions:
            if result.enps is not None:
                enps = result.enps
            elif result.average is not None and result.kind == "agreement" and \
                    not result.question_id.startswith(FOLLOW_UP_PREFIX):  # "has it improved?" is no engagement
                answers += result.answers
                total += result.average * result.answers
        return cls(cycle_date, summary.invited, summary.respondents, enps, total / answers if answers else None)


@dataclass(frozen=True)
class Trend:
    """Rounds in date order, with each series and the change from the previous round."""

    points: tuple[RoundPoint, ...]

    @classmethod
    def of(cls, points: Iterable[RoundPoint]) -> Trend:
        return cls(tuple(sorted(points, key=lambda p: p.cycle_date)))

    def response_rates(self) -> list[tuple[date, float | None]]:
        return [(p.cycle_date, p.response_rate) for p in self.points]

    def enps_series(self) -> list[tuple[date, Enps | None]]:
        """Each round's own eNPS with its split (score via `.score`); None where the round was withheld."""
        return [(p.cycle_date, p.enps) for p in self.points]

    def engagement_series(self) -> list[tuple[date, float | None]]:
        return [(p.cycle_date, p.engagement) for p in self.points]

    def _last_two(self) -> tuple[RoundPoint | None, RoundPoint | None]:
        if not self.points:
            return None, None
        return self.points[-1], self.points[-2] if len(self.points) > 1 else None

    def response_rate_change(self) -> float | None:
        last, prev = self._last_two()
        return delta(last.response_rate if last else None, prev.response_rate if prev else None)

    def enps_change(self) -> int | None:
        """Points of eNPS gained or lost since the previous round (score minus score, never an average)."""
        last, prev = self._last_two()
        if last is None or prev is None or last.enps is None or prev.enps is None:
            return None
        if not last.enps.total or not prev.enps.total:
            return None
        return last.enps.score - prev.enps.score

    def engagement_change(self) -> float | None:
        last, prev = self._last_two()
        return delta(last.engagement if last else None, prev.engagement if prev else None)

    def low_response_rounds(self) -> list[date]:
        return [p.cycle_date for p in self.points if p.low_response]


def distribution(question_id: str, answers: Iterable[Row], *, threshold: int = DEFAULT_THRESHOLD,
                 bank: QuestionBank = STARTER) -> dict[int, int] | None:
    """How many answered each scale value of a question (every value of its scale listed, zeros included).

    None when fewer than `threshold` people answered it. Values outside the question's scale are still counted.
    """
    q = bank.get(question_id)
    counts: dict[int, int] = dict.fromkeys(q.scale if q is not None else (), 0)
    answered: set[str] = set()
    for token, qid, value, _ in answers:
        if qid == question_id and value is not None:
            answered.add(token)
            counts[value] = counts.get(value, 0) + 1
    return dict(sorted(counts.items())) if len(answered) >= threshold else None


@dataclass(frozen=True)
class TeamAnswers:
    """One team's round as raw rows plus how many were invited; tokens must be unique per invitation."""

    invited: int
    answers: Sequence[Row]


@dataclass(frozen=True)
class RollupResult(_Rates):
    """The organisation's round from raw counts; teams under k or revealable by subtraction are left out."""

    invited: int
    respondents: int
    organisation: RoundSummary | None  # None when withheld
    teams: Mapping[str, RoundSummary] = field(default_factory=dict)  # only teams that may be shown
    withheld: tuple[str, ...] = ()  # teams whose figures are withheld, sorted
    shown_sets: tuple[frozenset[str], ...] = ()  # respondent sets this view shows; for the next view's guard


ORGANISATION = "\x00organisation"  # the roll-up's own group id; cannot clash with a team name from Slack


def rollup(teams: Mapping[str, TeamAnswers], *, question_ids: Sequence[str], threshold: int = DEFAULT_THRESHOLD,
           already_shown: Iterable[frozenset[str]] = (), bank: QuestionBank = STARTER) -> RollupResult:
    """Each team and the organisation summarised from raw rows (eNPS recombined from answers, not from scores).

    The differencing guard runs twice: over respondents (whole summaries) and, per question, over who answered
    it, so a question withheld in one team cannot be recovered as the organisation's figure minus the others'.
    `already_shown` holds respondent sets shown in earlier views of the same round.
    """
    shown = list(already_shown)
    rows: dict[str, list[Row]] = {ORGANISATION: []}
    for name, team in teams.items():
        rows[name] = list(team.answers)
        rows[ORGANISATION].extend(team.answers)
    invited = {name: team.invited for name, team in teams.items()}
    invited[ORGANISATION] = sum(invited.values())
    parents: dict[str, str | None] = {name: ORGANISATION for name in teams}
    parents[ORGANISATION] = None
    people = {g: frozenset(r[0] for r in group_rows) for g, group_rows in rows.items()}
    visible = visible_groups(people, threshold=threshold, parents=parents, already_shown=shown)
    answered: dict[str, dict[str, set[str]]] = {g: defaultdict(set) for g in visible}
    for g in visible:
        for token, qid, value, _ in rows[g]:
            if value is not None:
                answered[g][qid].add(token)
    shown_per_question = {
        qid: visible_groups({g: frozenset(answered[g][qid]) for g in visible}, threshold=threshold,
                            parents=parents, already_shown=shown)
        for qid in question_ids
    }
    summaries = {}
    for g in visible:
        summary = summarize_round(question_ids=question_ids, answers=rows[g], invited=invited[g], threshold=threshold,
                                  bank=bank)
        summaries[g] = replace(summary, questions=tuple(
            r if g in shown_per_question[r.question_id] else QuestionResult(r.question_id, r.answers, None,
                                                                            kind=r.kind)
            for r in summary.questions))
    shown_now = [people[g] for g in visible] + [frozenset(answered[g][qid]) for qid, groups in
                                                shown_per_question.items() for g in groups]
    total = len(people[ORGANISATION])
    return RollupResult(
        invited=invited[ORGANISATION], respondents=total, organisation=summaries.get(ORGANISATION),
        teams={name: summaries[name] for name in sorted(teams) if name in visible},
        withheld=tuple(sorted(name for name in teams if name not in visible)),
        shown_sets=tuple(dict.fromkeys(s for s in shown_now if s)),
    )
