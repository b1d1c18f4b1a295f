"""/pulse over real HTTP with signed requests: a manager creates a survey from the modal, a rep is refused."""

import json
import re
from urllib.parse import urlencode

import pytest
from conftest import count_drains, eventually
from sqlalchemy import func, select

from bot.i18n import SUPPORTED, Translator
from bot.slack_double import payloads, validate_view
from bot.surveys.pulse_views import create_view
from storage.models import OutboxMessage
from surveys.questions import STARTER

REFUSAL = "Only managers and admins in the roster can create pulse surveys."


def _plans(bot):
    with bot.services.unit() as u:
        return u.surveys.plans(active_only=False)


def _open_modal(bot, user_id="UMGR"):
    reply = bot.actor.slash_command(bot.url, "/pulse", user_id=user_id)
    assert reply.status == 200
    assert eventually(lambda: any(c.ok for c in bot.slack.calls_to("views.open")))  # answered, modal stored
    views = bot.slack.open_views
    assert len(views) == 1, views
    return reply, next(iter(views.values()))


def _form(values):
    return {"team": "Hunters", "questions": ["enps", "manager"], "cadence": "biweekly", "weekday": "wed",
            "time": "10:30", **values}


def test_a_managers_pulse_opens_the_create_modal_and_submitting_it_creates_a_survey_and_confirms(running_bot):
    bot = running_bot
    reply, view = _open_modal(bot)
    assert reply.body == b""  # a plain ack: nothing shown in the channel
    assert view["callback_id"] == "pulse_create"
    assert [b["block_id"] for b in view["blocks"]] == ["team", "questions", "options", "cadence", "weekday", "time"]
    (opened,) = bot.slack.calls_to("views.open")
    assert opened.ok and opened.params["view"]["callback_id"] == "pulse_create"

    answer = bot.actor.submit_view(bot.url, view["id"], _form({}))
    assert answer.status == 200
    assert not answer.body.strip() or "errors" not in answer.json()
    (plan,) = _plans(bot)
    assert (plan.team_name, plan.cadence, plan.send_time, list(plan.questions)) == (
        "Hunters", "biweekly", "10:30", ["enps", "manager"])
    assert plan.weekday == 2  # wed
    assert not bot.slack.open_views  # an empty ack closes the modal
    confirmation = eventually(lambda: bot.slack.messages("UMGR"))
    assert len(confirmation) == 1
    assert f"Pulse survey #{plan.id} for Hunters is set" in confirmation[0]["text"]
    assert "10:30" in confirmation[0]["text"]


def test_a_replayed_pulse_command_opens_no_second_modal(running_bot, monkeypatch):
    bot = running_bot
    drained = count_drains(bot, monkeypatch, "view:")
    ws, channel = bot.slack.workspace, bot.slack.dm_channel_id("UMGR")
    fields = payloads.slash_command(ws, command="/pulse", text="", user_id="UMGR", channel_id=channel,
                                    response_url=bot.slack.issue_response_url(channel, "UMGR"),
                                    trigger_id=bot.actor.trigger_id("UMGR"))
    body, form = urlencode(fields).encode(), "application/x-www-form-urlencoded"
    assert bot.actor.post(bot.url, body, form).status == 200
    assert eventually(lambda: [c.ok for c in bot.slack.calls_to("views.open")] == [True])
    first = bot.slack.open_views
    for retry in (1, 2):
        assert bot.actor.post(bot.url, body, form, retry_num=retry, retry_reason="http_timeout").status == 200
    assert eventually(lambda: len(drained) == 3)  # both replays ran to the end
    assert len(bot.slack.calls_to("views.open")) == 1
    assert bot.slack.open_views.keys() == first.keys()
    with bot.services.sessions.begin() as s:
        rows = s.execute(select(OutboxMessage.key, OutboxMessage.status)
                         .where(OutboxMessage.method == "views.open")).all()
    assert [tuple(r) for r in rows] == [(f"view:{fields['trigger_id']}", "sent")]


def test_a_reps_pulse_gets_the_refusal_in_the_response_and_opens_nothing(running_bot):
    bot = running_bot
    reply = bot.actor.slash_command(bot.url, "/pulse", user_id="UREP4")
    assert reply.status == 200
    assert reply.text == REFUSAL  # Slack shows a plain-text answer to the user alone
    assert not bot.slack.calls_to("views.open") and not bot.slack.open_views
    with bot.services.sessions.begin() as s:
        assert s.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_a_stranger_not_in_the_roster_is_refused_too(running_bot):
    bot = running_bot
    bot.slack.add_user("stranger", id="USTRANGER")
    reply = bot.actor.slash_command(bot.url, "/pulse", user_id="USTRANGER")
    assert reply.status == 200 and reply.text == REFUSAL
    assert not bot.slack.open_views


def _assert_refused_submission(bot, values, *, field, says):
    _, view = _open_modal(bot)
    answer = bot.actor.submit_view(bot.url, view["id"], _form(values))
    assert answer.status == 200
    body = answer.json()
    assert body["response_action"] == "errors"
    assert set(body["errors"]) == {field} and says in body["errors"][field]
    assert view["id"] in bot.slack.open_views  # Slack keeps the modal open to show the error
    assert _plans(bot) == []
    assert not bot.slack.messages("UMGR")


def test_a_submission_without_questions_shows_an_error_and_creates_nothing(running_bot):
    _assert_refused_submission(running_bot, {"questions": []}, field="questions",
                              says="Choose 1 to 10 questions; 0 are chosen.")


def test_a_chinese_speaking_manager_reads_the_question_count_error_in_chinese(running_bot):
    from sqlalchemy import update

    from storage.models import Person

    with running_bot.services.sessions.begin() as s:
        s.execute(update(Person).where(Person.slack_id == "UMGR").values(locale="zh-CN"))
    _assert_refused_submission(running_bot, {"questions": []}, field="questions",
                              says="请选择 1 到 10 个问题；目前选了 0 个。")


def test_a_submission_with_eleven_questions_shows_an_error_and_creates_nothing(running_bot):
    from surveys.questions import STARTER_BANK

    eleven = [q.id for q in STARTER_BANK][:11]
    assert len(eleven) == 11
    _assert_refused_submission(running_bot, {"questions": eleven}, field="questions",
                              says="Choose 1 to 10 questions; 11 are chosen. Or tick \"Ask a few each round\"")


def test_a_submission_for_a_team_the_manager_does_not_manage_is_refused(running_bot):
    bot = running_bot
    with bot.services.sessions.begin() as s:
        from storage.models import Team

        s.add(Team(name="Farmers", locale="en"))
    _, view = _open_modal(bot)
    forged = json.loads(json.dumps(view))  # a forged option: the modal only offers teams the manager manages
    forged["blocks"][0]["element"]["options"].append({"text": {"type": "plain_text", "text": "Farmers"},
                                                      "value": "Farmers"})
    answer = bot.actor.submit_view(bot.url, forged, _form({"team": "Farmers"}))
    body = answer.json()
    assert body["response_action"] == "errors" and set(body["errors"]) == {"team"}
    assert _plans(bot) == []


def test_a_second_active_survey_for_a_team_is_refused_on_the_team_field_unless_kept_on_purpose(running_bot):
    bot = running_bot
    _, view = _open_modal(bot)
    assert bot.actor.submit_view(bot.url, view["id"], _form({})).status == 200
    (first,) = _plans(bot)
    assert bot.actor.slash_command(bot.url, "/pulse", user_id="UMGR").status == 200
    assert eventually(lambda: sum(c.ok for c in bot.slack.calls_to("views.open")) == 2)
    (view,) = bot.slack.open_views.values()
    body = bot.actor.submit_view(bot.url, view["id"], _form({"cadence": "monthly"})).json()
    assert body == {"response_action": "errors", "errors": {"team": (
        f"Hunters already has survey #{first.id} (every two weeks, Wednesday at 10:30), so each rep would get "
        f"both. Pause it first with /pulse pause {first.id}, or tick \"Keep the team's other active survey too\".")}}
    assert len(_plans(bot)) == 1  # nothing created; the modal stays open with the error
    answer = bot.actor.submit_view(bot.url, view["id"], _form({"cadence": "monthly", "options": ["also"]}))
    assert answer.status == 200 and not answer.body.strip()
    assert sorted(p.cadence for p in _plans(bot)) == ["biweekly", "monthly"]


@pytest.mark.parametrize("language", SUPPORTED)
def test_the_second_survey_refusal_names_the_survey_and_both_ways_on_in_each_language(language):
    from bot.surveys.pulse_views import second_survey_error
    from surveys.ports import Plan

    t = Translator(language)
    plan = Plan(id=7, team_id=1, team_name="Hunters", questions=("enps",), cadence="weekly", weekday=1,
                send_time="09:00", window_hours=72, anchor=None, active=True)  # type: ignore[arg-type]
    text = re.sub("[\u2066-\u2069\u200e\u200f]", "", second_survey_error(t, plan))  # without bidi isolation
    assert "#7" in text and "/pulse pause 7" in text and "09:00" in text and "Hunters" in text
    label = re.sub("[\u2066-\u2069\u200e\u200f]", "", t.gettext("Keep the team's other active survey too (each "
                                                               "rep gets both)"))
    assert re.split(r"\s*[(（]", label)[0] in text  # the checkbox is named as the modal names it


@pytest.mark.parametrize("language", SUPPORTED)
def test_the_create_modal_fits_slacks_limits_without_cutting_a_translation(language):
    """Option labels have at most 75 characters: every question and option fits whole in each language, except the
    English eNPS question (76 characters), which ends in an ellipsis rather than mid-word."""
    t = Translator(language)
    view = create_view(t, ["Hunters"])
    assert validate_view(view) == []
    options = {b["block_id"]: [o["text"]["text"] for o in b["element"].get("options", [])] for b in view["blocks"]}
    questions = [t.gettext(q.text) for q in STARTER]
    too_long = [text for text in questions if len(text) > 75]
    assert too_long == (["How likely are you to recommend this company as a place to work to a friend?"]
                        if language == "en" else [])
    assert options["questions"] == [text if len(text) <= 75 else text[:74] + "…" for text in questions]
    assert options["options"] == [
        t.gettext("Ask a few each round, so each question comes back about every three months"),
        t.gettext("Also post a team summary to the team's channel (never comments)"),
        t.gettext("Keep the team's other active survey too (each rep gets both)")]
