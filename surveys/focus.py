"""After a round: the manager picks one theme to act on (the one that fell most, else the lowest, is suggested),
writes the one thing they will do and by when, may share it with the team, and marks it done. Themes' figures come
only from what the visibility rules let through; a figure withheld there is never worked out here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal, Protocol

from surveys.questions import FOLLOW_UP_PREFIX, QuestionBank
from surveys.results import RoundSummary

MAX_ACTION = 300  # characters of the action
REMIND_BEFORE = timedelta(days=7)  # the manager's reminder comes this long before the date
Refusal = Literal["no_theme", "no_action", "action_too_long", "past_date", "no_channel", "done", "not_allowed",
                  "chosen"]


class FocusError(ValueError):
    """A focus the rules refuse; `reason` names which rule (bot/ says it in the person's language)."""

    def __init__(self, reason: Refusal, detail: str = "") -> None:
        super().__init__(detail or reason)
        self.reason = reason


@dataclass(frozen=True)
class ThemeScore:
    """A theme's average over the round's agreement answers (1-5), and its change since the round before; None
    where a question of the theme was withheld (or the theme was not asked then)."""

    theme: str
    average: float | None
    change: float | None


@dataclass(frozen=True)
class Focus:
    id: int
    team_id: int
    survey_id: int
    round_id: int
    theme: str
    action: str
    due: date
    shared: bool
    created_by: int | None
    created_at: datetime
    done_at: datetime | None = None
    question_id: str | None = None  # the follow-up question the team's next round asks

    @property
    def done(self) -> bool:
        return self.done_at is not None


class FocusStore(Protocol):
    def add_focus(self, *, team_id: int, survey_id: int, round_id: int, theme: str, action: str, due: date,
                  shared: bool, created_by: int, now: datetime, origin: str) -> Focus:
        """The new focus."""
        ...

    def focus(self, focus_id: int) -> Focus | None: ...
    def of_round(self, round_id: int) -> Focus | None: ...
    def from_origin(self, origin: str) -> Focus | None: ...
    def mark_done(self, *, focus_id: int, now: datetime) -> Focus: ...


def theme_scores(rounds: Sequence[RoundSummary], bank: QuestionBank) -> list[ThemeScore]:
    """Each agreement theme of the last round (oldest first in `rounds`), in the bank's order."""
    if not rounds:
        return []
    current = _averages(rounds[-1], bank)
    before = _averages(rounds[-2], bank) if len(rounds) > 1 else {}
    scores = []
    for theme, average in current.items():
        previous = before.get(theme)
        change = average - previous if average is not None and previous is not None else None
        scores.append(ThemeScore(theme, average, change))
    return scores


def _averages(summary: RoundSummary, bank: QuestionBank) -> dict[str, float | None]:
    """Theme -> the mean of its agreement answers, or None when any of its questions is withheld."""
    sums: dict[str, tuple[float, int] | None] = {}
    for result in summary.questions:
        question = bank.get(result.question_id)
        if question is None or question.kind != "agreement" or question.id.startswith(FOLLOW_UP_PREFIX):
            continue
        seen = sums.get(question.theme, (0.0, 0))
        if summary.withheld or result.average is None or seen is None:
            sums[question.theme] = None
        else:
            sums[question.theme] = (seen[0] + result.average * result.answers, seen[1] + result.answers)
    return {theme: (s[0] / s[1] if s and s[1] else None) for theme, s in sums.items()}


def suggest(scores: Sequence[ThemeScore]) -> ThemeScore | None:
    """The theme that fell most since the round before, else the lowest-scoring; only themes with a figure."""
    fell = [s for s in scores if s.change is not None and s.change < 0]
    if fell:
        return min(fell, key=lambda s: s.change or 0.0)
    shown = [s for s in scores if s.average is not None]
    return min(shown, key=lambda s: s.average or 0.0) if shown else None


def choose_focus(store: FocusStore, *, team_id: int, survey_id: int, round_id: int, themes: Sequence[str],
                 theme: str, action: str, due: date, today: date, share: bool, channel: bool, manager_id: int,
                 now: datetime, origin: str) -> Focus:
    """The manager's focus for the round, the round's only one: one of its themes, one action of 1-300
    characters, a date after today; shared only when the team has a channel."""
    earlier = store.from_origin(origin)
    if earlier is not None:  # the same modal sent again (a Slack retry): what it saved; someone else's: nothing
        if (earlier.created_by, earlier.round_id) != (manager_id, round_id):
            raise FocusError("not_allowed", "another person's modal")
        return earlier
    chosen = store.of_round(round_id)
    if chosen is not None:  # one focus a round (and one follow-up question the next round)
        raise FocusError("chosen", f"this round's focus is chosen already: {chosen.action}")
    action = " ".join(action.split())
    if theme not in themes:
        raise FocusError("no_theme", f"the theme is one of {', '.join(themes)}")
    if not action:
        raise FocusError("no_action")
    if len(action) > MAX_ACTION:
        raise FocusError("action_too_long", f"an action has at most {MAX_ACTION} characters")
    if due <= today:
        raise FocusError("past_date", "the date is after today")
    if share and not channel:
        raise FocusError("no_channel", "the team has no channel to share it in")
    return store.add_focus(team_id=team_id, survey_id=survey_id, round_id=round_id, theme=theme, action=action,
                           due=due, shared=share, created_by=manager_id, now=now, origin=origin)


def mark_done(store: FocusStore, *, focus_id: int, now: datetime) -> Focus:
    """Done, once: FocusError "done" when it was marked done already."""
    focus = store.focus(focus_id)
    if focus is None:
        raise FocusError("not_allowed")
    if focus.done:
        raise FocusError("done")
    return store.mark_done(focus_id=focus_id, now=now)


def reminder_due(focus: Focus, *, today: date) -> bool:
    """A week before its date (or later, while it is not done and the date has not passed)."""
    return not focus.done and focus.due - REMIND_BEFORE <= today <= focus.due
