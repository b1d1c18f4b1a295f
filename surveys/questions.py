"""The starter question bank: stable ids, the theme each belongs to, its scale, and its English text."""

from __future__ import annotations

from dataclasses import dataclass


def N_(text: str) -> str:
    """Marks English text for the translators' catalog; the bot translates it when it renders."""
    return text


@dataclass(frozen=True)
class Question:
    id: str
    theme: str
    kind: str  # "agreement" (1-5) or "scale" (0-10)
    text: str

    @property
    def scale(self) -> range:
        return range(1, 6) if self.kind == "agreement" else range(0, 11)


ENPS = Question(
    "enps", "enps", "scale",
    N_("How likely are you to recommend this company as a place to work to a friend?"),
)

STARTER_BANK: tuple[Question, ...] = (
    ENPS,
    Question("recognition", "recognition", "agreement", N_("I get recognised when I do good work.")),
    Question("feedback", "feedback", "agreement", N_("I get useful feedback on how I sell.")),
    Question("happiness", "happiness", "agreement", N_("I enjoy my work most days.")),
    Question("growth", "personal growth", "agreement", N_("I am learning and growing in this role.")),
    Question("wellness", "wellness", "agreement", N_("My workload is sustainable.")),
    Question("manager", "relationship with manager", "agreement", N_("My manager helps me win deals.")),
    Question("quota_confidence", "sales", "agreement", N_("I am confident I will hit this quarter's number.")),
    Question("quota_fairness", "sales", "agreement", N_("My quota and territory are fair.")),
    Question("crm_burden", "sales", "agreement", N_("CRM and admin work leave me enough time to sell.")),
    Question("lead_quality", "sales", "agreement", N_("The leads I get are worth my time.")),
)

MAX_QUESTIONS_PER_ROUND = 10


def question(question_id: str) -> Question | None:
    return next((q for q in STARTER_BANK if q.id == question_id), None)


def question_ids() -> list[str]:
    return [q.id for q in STARTER_BANK]
