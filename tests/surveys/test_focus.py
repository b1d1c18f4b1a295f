"""A round's focus over a fake store: the suggested theme, themes' figures only from what may be shown, one focus a
round, a retried modal and a forged one, done once, the reminder's week, and the follow-up question kept out of the
engagement average."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from surveys.focus import Focus, FocusError, ThemeScore, choose_focus, mark_done, reminder_due, suggest, theme_scores
from surveys.questions import STARTER, Question
from surveys.results import QuestionResult, RoundSummary
from surveys.trends import RoundPoint

NOW = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
MANAGER, OTHER = 9, 8


def _summary(**averages: float | None) -> RoundSummary:
    return RoundSummary(8, 6, 5, tuple(QuestionResult(q, 6, a) for q, a in averages.items()), ())


class FakeFocusStore:
    def __init__(self) -> None:
        self.rows: dict[int, tuple[Focus, str]] = {}

    def add_focus(self, *, team_id, survey_id, round_id, theme, action, due, shared, created_by, now, origin):
        focus = Focus(len(self.rows) + 1, team_id, survey_id, round_id, theme, action, due, shared, created_by, now)
        self.rows[focus.id] = (focus, origin)
        return focus

    def focus(self, focus_id):
        return self.rows[focus_id][0] if focus_id in self.rows else None

    def of_round(self, round_id):
        return next((f for f, _ in self.rows.values() if f.round_id == round_id), None)

    def from_origin(self, origin):
        return next((f for f, o in self.rows.values() if o == origin), None)

    def mark_done(self, *, focus_id, now):
        focus = self.rows[focus_id][0]
        if focus.done_at is None:
            self.rows[focus_id] = (replace(focus, done_at=now), self.rows[focus_id][1])
        return self.rows[focus_id][0]


def _choose(store, *, round_id=1, manager=MANAGER, origin="view:V1", **changes):
    values = {"team_id": 1, "survey_id": 1, "round_id": round_id, "themes": ["feedback", "recognition"],
              "theme": "feedback", "action": "  Weekly   deal reviews ", "due": date(2026, 12, 24),
              "today": NOW.date(), "share": False, "channel": False, "manager_id": manager, "now": NOW,
              "origin": origin, **changes}
    return choose_focus(store, **values)


def test_themes_pool_their_shown_questions_and_a_withheld_question_withholds_its_theme():
    before = _summary(feedback=4.0, feedback_often=4.0, recognition=3.0)
    now = _summary(feedback=3.0, feedback_often=3.4, recognition=None, enps=None)
    scores = {s.theme: s for s in theme_scores([before, now], STARTER)}
    assert scores["feedback"].average == pytest.approx(3.2) and scores["feedback"].change == pytest.approx(-0.8)
    assert (scores["recognition"].average, scores["recognition"].change) == (None, None)
    assert "enps" not in scores  # eNPS is no agreement theme


def test_the_suggestion_is_the_theme_that_fell_most_else_the_lowest_never_a_withheld_one():
    fell = [ThemeScore("feedback", 4.1, -0.3), ThemeScore("recognition", 3.0, 0.2), ThemeScore("wellness", 4.0, -0.6)]
    assert suggest(fell).theme == "wellness"
    flat = [ThemeScore("feedback", 4.1, None), ThemeScore("recognition", 3.0, 0.2), ThemeScore("sales", None, None)]
    assert suggest(flat).theme == "recognition"
    assert suggest([ThemeScore("sales", None, None)]) is None


def test_a_round_has_one_focus_a_retried_modal_gets_it_back_and_a_forged_one_nothing():
    store = FakeFocusStore()
    first = _choose(store)
    assert first.action == "Weekly deal reviews" and _choose(store) == first  # the same modal again
    with pytest.raises(FocusError) as refused:
        _choose(store, origin="view:V2", action="Another plan")
    assert refused.value.reason == "chosen" and len(store.rows) == 1
    with pytest.raises(FocusError) as refused:
        _choose(store, manager=OTHER, round_id=2)  # another manager replaying V1's id on their own round
    assert refused.value.reason == "not_allowed" and len(store.rows) == 1


@pytest.mark.parametrize(("changes", "reason"), [
    ({"theme": "wellness"}, "no_theme"), ({"action": "   "}, "no_action"), ({"action": "x" * 301}, "action_too_long"),
    ({"due": date(2026, 12, 4)}, "past_date"), ({"share": True}, "no_channel")])
def test_what_a_focus_needs(changes, reason):
    with pytest.raises(FocusError) as refused:
        _choose(FakeFocusStore(), **changes)
    assert refused.value.reason == reason


def test_done_is_marked_once_and_the_reminder_comes_from_a_week_before_the_date_until_it():
    store = FakeFocusStore()
    focus = _choose(store)
    assert [reminder_due(focus, today=date(2026, 12, d)) for d in (16, 17, 24, 25)] == [False, True, True, False]
    assert mark_done(store, focus_id=focus.id, now=NOW).done
    with pytest.raises(FocusError) as refused:
        mark_done(store, focus_id=focus.id, now=NOW)
    assert refused.value.reason == "done" and not reminder_due(store.focus(focus.id), today=date(2026, 12, 20))


def test_the_follow_up_question_is_not_counted_in_the_engagement_average():
    bank = STARTER.with_custom([Question("focus:1", "feedback", "agreement", "Has feedback improved?", custom=True)])
    summary = RoundSummary(8, 6, 5, (QuestionResult("feedback", 6, 3.0), QuestionResult("focus:1", 6, 5.0)), ())
    assert RoundPoint.of_round(date(2026, 12, 1), summary).engagement == 3.0
    assert [s.theme for s in theme_scores([summary], bank)] == ["feedback"]
    assert theme_scores([summary], bank)[0].average == 3.0
