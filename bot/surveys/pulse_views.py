"""Block Kit for /pulse: the create-survey modal and its confirmation."""

from __future__ import annotations

from typing import Any

from bot import ids
from bot.i18n import N_, Translator
from bot.slack_text import literal
from surveys.cadence import CADENCES, WEEKDAYS
from surveys.ports import Plan
from surveys.questions import STARTER, QuestionBank
from surveys.rotation import MAX_POOL
from surveys.service import QuestionCount

WEEKDAY_NAMES = (N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"), N_("Saturday"),
                 N_("Sunday"))
CADENCE_NAMES = {"weekly": N_("Weekly"), "biweekly": N_("Every two weeks"), "monthly": N_("Monthly"),
                 "quarterly": N_("Quarterly")}


def _plain(text: str) -> dict[str, str]:
    return {"type": "plain_text", "text": text}


def _option(label: str, value: str) -> dict[str, Any]:
    """Slack shows at most 75 characters of an option; a longer label ends in an ellipsis, not mid-word."""
    return {"text": _plain(label if len(label) <= 75 else label[:74].rstrip() + "…"), "value": value}


def _input(block_id: str, label: str, element: dict[str, Any]) -> dict[str, Any]:
    return {"type": "input", "block_id": block_id, "label": _plain(label), "element": element}


def create_view(t: Translator, teams: list[str], bank: QuestionBank = STARTER) -> dict[str, Any]:
    """Team, questions (eNPS preselected; admins' own questions after the built-in ones), cadence, weekday and
    local send time."""
    questions = [_option(literal(q.text) if q.custom else t.gettext(q.text), q.id) for q in bank.pickable()][:100]
    cadences = [_option(t.gettext(CADENCE_NAMES[c]), c) for c in CADENCES]
    days = [_option(t.gettext(name), WEEKDAYS[i]) for i, name in enumerate(WEEKDAY_NAMES)]
    return {
        "type": "modal",
        "callback_id": ids.VIEW_PULSE_CREATE,
        "title": _plain(t.gettext("New pulse survey")[:24]),
        "submit": _plain(t.gettext("Create")[:24]),
        "close": _plain(t.gettext("Cancel")[:24]),
        "blocks": [
            _input("team", t.gettext("Team"), {"type": "static_select", "action_id": "value",
                                               "options": [_option(literal(name), name) for name in teams[:100]],
                                               "initial_option": _option(literal(teams[0]), teams[0])}),
            _input("questions", t.gettext("Questions (at most 10 a round)"), {
                "type": "multi_static_select", "action_id": "value", "options": questions,
                "initial_options": questions[:3], "max_selected_items": len(questions)}),
            {"type": "input", "block_id": "options", "optional": True,
             "label": _plain(t.gettext("Options")),
             "element": {"type": "checkboxes", "action_id": "value", "options": [
                 _option(t.gettext("Ask a few each round, so each question comes back about every three months"),
                         "rotate"),
                 _option(t.gettext("Also post a team summary to the team's channel (never comments)"), "share"),
                 _option(t.gettext("Keep the team's other active survey too (each rep gets both)"), "also")]}},
            _input("cadence", t.gettext("How often"), {"type": "static_select", "action_id": "value",
                                                       "options": cadences, "initial_option": cadences[0]}),
            _input("weekday", t.gettext("Send on"), {"type": "static_select", "action_id": "value",
                                                     "options": days[:5], "initial_option": days[0]}),
            _input("time", t.gettext("At each person's local time"), {
                "type": "timepicker", "action_id": "value", "initial_time": "09:00"}),
        ],
    }


def parse_create(values: dict[str, Any]) -> dict[str, Any]:
    """A create_view submission as plain values."""
    chosen = {o["value"] for o in (values.get("options") or {}).get("value", {}).get("selected_options") or []}

    def selected(block: str) -> str:
        return str(values[block]["value"]["selected_option"]["value"])

    return {
        "team": selected("team"),
        "question_ids": [o["value"] for o in values["questions"]["value"].get("selected_options") or []],
        "cadence": selected("cadence"),
        "weekday": selected("weekday"),
        "send_time": values["time"]["value"].get("selected_time") or "",
        "rotate": "rotate" in chosen,
        "share_with_team": "share" in chosen,
        "also": "also" in chosen,
    }


def question_count_error(t: Translator, error: QuestionCount) -> str:
    """Too few or too many questions; too many for a round also names the rotating option and its pool."""
    text = t.ngettext("Choose 1 to {most} questions; {n} is chosen.", "Choose 1 to {most} questions; {n} are chosen.",
                      error.got, most=t.number(error.most))
    if error.rotate or error.got <= error.most:
        return text
    return text + " " + t.gettext("Or tick \"Ask a few each round\" to draw from up to {pool}.",
                                  pool=t.number(MAX_POOL))


def second_survey_error(t: Translator, plan: Plan) -> str:
    """Why the modal refuses a team's second active survey, and the two ways on."""
    return t.gettext("{team} already has survey #{id} ({cadence}, {day} at {time}), so each rep would get both. "
                     "Pause it first with /pulse pause {id}, or tick \"Keep the team's other active survey too\".",
                     team=literal(plan.team_name), id=plan.id, cadence=t.gettext(CADENCE_NAMES[plan.cadence]).lower(),
                     day=t.gettext(WEEKDAY_NAMES[plan.weekday]), time=plan.send_time)


def created_text(t: Translator, *, survey_id: str, team: str, cadence: str, weekday: str, send_time: str) -> str:
    return t.gettext("Pulse survey #{id} for {team} is set: {cadence}, {day} at {time} in each person's time zone.",
                     id=survey_id, team=team, cadence=t.gettext(CADENCE_NAMES[cadence]).lower(),
                     day=t.gettext(WEEKDAY_NAMES[WEEKDAYS.index(weekday)]), time=send_time)
