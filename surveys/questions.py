"""The question bank: the built-in questions (stable ids, theme, kind, English text) plus admins' own.

Kinds: agreement (1-5), scale (0-10), choice (one of 2 to 10 options) and text (a free-text answer).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass


def N_(text: str) -> str:
    """Marks English text for the translators' catalog; the bot translates it when it renders."""
    return text


KINDS = ("agreement", "scale", "choice", "text")
MAX_OPTIONS = 10
MAX_OPTION_LENGTH = 75  # what a Slack button or select option can show
MAX_TEXT_LENGTH = 300


@dataclass(frozen=True)
class Question:
    id: str
    theme: str
    kind: str  # one of KINDS
    text: str
    options: tuple[str, ...] = ()  # the choices of a "choice" question, in order
    custom: bool = False  # written by an admin: shown as written, not translated

    @property
    def scale(self) -> range:
        """The values an answer may take: 1-5, 0-10, an option's index, or nothing for free text."""
        if self.kind == "agreement":
            return range(1, 6)
        if self.kind == "scale":
            return range(0, 11)
        return range(len(self.options))

    @property
    def numeric(self) -> bool:
        return self.kind in ("agreement", "scale")


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
FOLLOW_UP_PREFIX = "focus:"  # a focus's follow-up question: focus:{focus id}


class QuestionBank:
    """The questions a survey may ask, by id: the built-in ones first, then custom ones in the order added."""

    def __init__(self, questions: Iterable[Question]) -> None:
        self._by_id = {q.id: q for q in questions}

    def get(self, question_id: str) -> Question | None:
        return self._by_id.get(question_id)

    def __iter__(self) -> Iterator[Question]:
        return iter(self._by_id.values())

    def __contains__(self, question_id: object) -> bool:
        return question_id in self._by_id

    def ids(self) -> list[str]:
        return list(self._by_id)

    def pickable(self) -> list[Question]:
        """The questions a survey may be made of: every one but a focus's follow-up (surveys.focus), which only
        the round after the focus asks."""
        return [q for q in self._by_id.values() if not q.id.startswith(FOLLOW_UP_PREFIX)]

    def with_custom(self, custom: Iterable[Question]) -> QuestionBank:
        return QuestionBank([*self, *custom])


STARTER = QuestionBank(STARTER_BANK)


def new_custom_question(bank: QuestionBank, *, text: str, kind: str, theme: str = "custom",
                        options: Iterable[str] = ()) -> Question:
    """Validate an admin's question; its id is `c_` plus a slug of the text, unique in the bank.

    Raises ValueError with one line that says what is allowed.
    """
    text = " ".join(text.split())
    if not 3 <= len(text) <= MAX_TEXT_LENGTH:
        raise ValueError(f"question text must be 3 to {MAX_TEXT_LENGTH} characters, got {len(text)}")
    if kind not in KINDS:
        raise ValueError(f"kind {kind!r} is not one of {', '.join(KINDS)}")
    choices = tuple(dict.fromkeys(" ".join(o.split()) for o in options if o.strip()))
    if kind == "choice":
        if not 2 <= len(choices) <= MAX_OPTIONS:
            raise ValueError(f"a single-choice question has 2 to {MAX_OPTIONS} distinct options, got {len(choices)}")
        too_long = next((o for o in choices if len(o) > MAX_OPTION_LENGTH), None)
        if too_long is not None:
            raise ValueError(f"option {too_long[:20]!r}... is longer than {MAX_OPTION_LENGTH} characters")
    elif choices:
        raise ValueError(f"only single-choice questions take options; a {kind} question has none")
    theme = " ".join(theme.split()).lower()[:64] or "custom"
    slug = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:40] or "question"
    qid, n = f"c_{slug}", 2
    while qid in bank:
        qid, n = f"c_{slug}_{n}", n + 1
    return Question(qid, theme, kind, text, choices, custom=True)
