"""Round results under the anonymity rules: response rate, averages, eNPS split; withheld below k."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from surveys.questions import question

DEFAULT_THRESHOLD = 5


@dataclass(frozen=True)
class Enps:
    promoters: int
    passives: int
    detractors: int

    @property
    def total(self) -> int:
        return self.promoters + self.passives + self.detractors

    @property
    def score(self) -> int:
        """% promoters minus % detractors, rounded to a whole number from -100 to +100."""
        return round(100 * (self.promoters - self.detractors) / self.total) if self.total else 0


@dataclass(frozen=True)
class QuestionResult:
    question_id: str
    answers: int
    average: float | None  # None when withheld or for eNPS, which is never averaged
    enps: Enps | None = None


@dataclass(frozen=True)
class RoundSummary:
    invited: int
    respondents: int
    threshold: int
    questions: tuple[QuestionResult, ...]
    comments: tuple[str, ...]

    @property
    def withheld(self) -> bool:
        return self.respondents < self.threshold

    @property
    def response_rate(self) -> float:
        return self.respondents / self.invited if self.invited else 0.0


def enps_of(values: Iterable[int]) -> Enps:
    """Promoters 9-10, passives 7-8, detractors 0-6."""
    promoters = passives = detractors = 0
    for value in values:
        if value >= 9:
            promoters += 1
        elif value >= 7:
            passives += 1
        else:
            detractors += 1
    return Enps(promoters, passives, detractors)


def summarize_round(
    *,
    question_ids: Sequence[str],
    answers: Iterable[tuple[str, str, int | None, str | None]],
    invited: int,
    threshold: int = DEFAULT_THRESHOLD,
) -> RoundSummary:
    """Only what may be shown: every figure over fewer than `threshold` respondents is left out.

    `answers` are (respondent token, question id, value, comment) rows; tokens never leave this function.
    """
    by_question: dict[str, list[int]] = defaultdict(list)
    comments: list[str] = []
    respondents: set[str] = set()
    for token, question_id, value, comment in answers:
        respondents.add(token)
        if value is not None:
            by_question[question_id].append(value)
        if comment:
            comments.append(comment)
    if len(respondents) < threshold:
        return RoundSummary(invited, len(respondents), threshold, (), ())
    results = []
    for question_id in question_ids:
        values = by_question.get(question_id, [])
        if len(values) < threshold:
            results.append(QuestionResult(question_id, len(values), None))
            continue
        q = question(question_id)
        if q is not None and q.id == "enps":
            results.append(QuestionResult(question_id, len(values), None, enps_of(values)))
        else:
            results.append(QuestionResult(question_id, len(values), sum(values) / len(values)))
    return RoundSummary(invited, len(respondents), threshold, tuple(results), tuple(sorted(comments)))
