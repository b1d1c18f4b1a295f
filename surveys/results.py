"""Round results under the anonymity rules: response rate, averages, eNPS split; withheld below k."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from surveys.questions import STARTER, QuestionBank

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
    """One question's figures; all of them empty when fewer than k people answered it."""

    question_id: str
    answers: int
    average: float | None  # None when withheld, for eNPS (never averaged), and for choice and text questions
    enps: Enps | None = None
    kind: str = "agreement"
    distribution: tuple[tuple[int, int], ...] = ()  # (value or option index, how many), every value listed
    texts: tuple[str, ...] = ()  # free-text answers, sorted, without names or times

    @property
    def withheld(self) -> bool:
        return self.average is None and self.enps is None and not self.distribution and not self.texts


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
    bank: QuestionBank = STARTER,
) -> RoundSummary:
    """Only what may be shown: every figure over fewer than `threshold` respondents is left out.

    `answers` are (respondent token, question id, value, comment) rows; tokens never leave this function.
    """
    by_question: dict[str, list[int]] = defaultdict(list)
    texts: dict[str, list[str]] = defaultdict(list)
    comments: list[str] = []
    respondents: set[str] = set()
    for token, question_id, value, comment in answers:
        respondents.add(token)
        q = bank.get(question_id)
        if q is not None and q.kind == "text":
            if comment:
                texts[question_id].append(comment)
            continue
        if value is not None:
            by_question[question_id].append(value)
        if comment:
            comments.append(comment)
    if len(respondents) < threshold:
        return RoundSummary(invited, len(respondents), threshold, (), ())
    return RoundSummary(invited, len(respondents), threshold,
                        tuple(_result(bank, qid, by_question.get(qid, []), texts.get(qid, []), threshold)
                              for qid in question_ids),
                        tuple(sorted(comments)))


def _result(bank: QuestionBank, question_id: str, values: list[int], texts: list[str],
            threshold: int) -> QuestionResult:
    q = bank.get(question_id)
    kind = q.kind if q is not None else "agreement"
    answered = len(texts) if kind == "text" else len(values)
    if answered < threshold:
        return QuestionResult(question_id, answered, None, kind=kind)
    if kind == "text":
        return QuestionResult(question_id, answered, None, kind=kind, texts=tuple(sorted(texts)))
    counts = dict.fromkeys(q.scale if q is not None else (), 0)
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    distribution = tuple(sorted(counts.items()))
    if question_id == "enps":
        return QuestionResult(question_id, answered, None, enps_of(values), kind=kind, distribution=distribution)
    average = sum(values) / answered if kind != "choice" else None
    return QuestionResult(question_id, answered, average, kind=kind, distribution=distribution)
