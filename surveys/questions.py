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

def _agree(qid: str, theme: str, text: str) -> Question:
    return Question(qid, theme, "agreement", text)


# Our own wording of the themes engagement surveys measure, plus what matters to people who sell.
STARTER_BANK: tuple[Question, ...] = (
    ENPS,
    _agree("recognition", "recognition", N_("I get recognised when I do good work.")),
    _agree("recognition_peers", "recognition", N_("My teammates notice and call out each other's wins.")),
    _agree("feedback", "feedback", N_("I get useful feedback on how I sell.")),
    _agree("feedback_often", "feedback", N_("I hear how I am doing often enough to improve before the quarter ends.")),
    _agree("happiness", "happiness", N_("I enjoy my work most days.")),
    _agree("growth", "personal growth", N_("I am learning and growing in this role.")),
    _agree("growth_path", "personal growth", N_("I can see my next step in this company.")),
    _agree("satisfaction", "satisfaction", N_("My pay and commission plan are fair for the work I do.")),
    _agree("wellness", "wellness", N_("My workload is sustainable.")),
    _agree("wellness_switch_off", "wellness", N_("I can switch off after work without worrying about my pipeline.")),
    _agree("ambassador", "ambassadorship", N_("I would recommend our product to a friend's company.")),
    _agree("manager", "relationship with manager", N_("My manager helps me win deals.")),
    _agree("manager_one_on_one", "relationship with manager", N_("My one-on-ones with my manager are worth my time.")),
    _agree("peers", "relationship with peers", N_("I can count on my teammates when a deal needs help.")),
    _agree("alignment", "alignment", N_("I understand how my targets connect to the company's goals.")),
    _agree("quota_confidence", "sales", N_("I am confident I will hit this quarter's number.")),
    _agree("quota_fairness", "sales", N_("My quota and territory are fair.")),
    _agree("crm_burden", "sales", N_("CRM and admin work leave me enough time to sell.")),
    _agree("lead_quality", "sales", N_("The leads I get are worth my time.")),
    _agree("deal_support", "sales", N_("I get the support I need from my manager to close big deals.")),
)

THEMES: tuple[str, ...] = tuple(dict.fromkeys(q.theme for q in STARTER_BANK))

MAX_QUESTIONS_PER_ROUND = 10


def question(question_id: str) -> Question | None:
    return next((q for q in STARTER_BANK if q.id == question_id), None)


def question_ids() -> list[str]:
    return [q.id for q in STARTER_BANK]
