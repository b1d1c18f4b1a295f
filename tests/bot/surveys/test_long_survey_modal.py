"""Surveys longer than three questions are answered in a modal, prefilled with the person's own answers."""

from datetime import UTC, datetime, timedelta

import pytest
from conftest import block_texts, eventually, reader
from sqlalchemy import func, select

from bot.i18n import SUPPORTED, Translator
from bot.slack_double import validate_message
from bot.surveys.messages import survey_message
from storage.models import Answer
from surveys import service
from surveys.ports import RoundInfo
from surveys.questions import STARTER_BANK

NOW = datetime(2026, 11, 30, 18, 0, tzinfo=UTC)
QUESTIONS = ["enps", "manager", "growth", "wellness", "quota_fairness"]


def _open(bot):
    bot.clock.now = NOW
    with bot.services.unit() as u:
        survey_id = service.create_survey(u.surveys, team="Hunters", question_ids=QUESTIONS, cadence="weekly",
                                          weekday="mon", send_time="09:00", now=u.now)
        service.open_round_now(u.surveys, u.messenger, survey_id=survey_id, now=u.now)
    bot.deliver()


def _open_modal(bot, user):
    before = set(bot.slack.open_views)
    bot.actor.click(None, user, bot.slack.messages(user)[0], "survey_open")
    return eventually(lambda: next((bot.slack.open_views[v] for v in set(bot.slack.open_views) - before), None))


def _progress(i, answered):
    """The DM's progress line as UREP{i} reads it (seed_team gives the reps ms, zh, lt, fa, en)."""
    t = reader(i)
    return t.gettext("{n} questions, about two minutes. You have answered {answered} of {n}.",
                     n=t.number(len(QUESTIONS)), answered=t.number(answered))


def _answers(bot):
    with bot.services.sessions.begin() as s:
        return s.scalar(select(func.count()).select_from(Answer).where(Answer.value.is_not(None)))


def test_a_long_survey_dm_has_one_button_and_the_modal_records_every_answer_at_once(running_bot):
    bot = running_bot
    _open(bot)
    dm = bot.slack.messages("UREP0")[0]
    assert [b for b in dm["blocks"] if b["type"] == "actions"] == []
    view = _open_modal(bot, "UREP0")
    assert [b["block_id"] for b in view["blocks"] if b["type"] == "input"] == [f"q:{q}" for q in QUESTIONS] + [
        "comment"]
    reply = bot.actor.submit_view(None, view["id"], {"q:enps": "9", "q:manager": "4", "q:growth": "5",
                                                     "q:wellness": "2", "q:quota_fairness": "3",
                                                     "comment": "Fewer reports, please"}, user_id="UREP0")
    assert reply.status == 200
    assert eventually(lambda: _answers(bot) == 5)
    assert _progress(0, 0) in block_texts(dm["blocks"])
    assert eventually(lambda: _progress(0, 5) in block_texts(bot.slack.messages("UREP0")[0]["blocks"]))
    assert len(bot.slack.calls_to("chat.update")) == 1  # one edit for the whole modal
    again = _open_modal(bot, "UREP0")
    prefilled = {b["block_id"]: b["element"].get("initial_option", {}).get("value") for b in again["blocks"]
                 if b["block_id"].startswith("q:")}
    assert prefilled == {"q:enps": "9", "q:manager": "4", "q:growth": "5", "q:wellness": "2", "q:quota_fairness": "3"}


def test_submitting_after_the_round_closed_is_refused_in_the_modal(running_bot):
    bot = running_bot
    _open(bot)
    view = _open_modal(bot, "UREP1")
    bot.clock.advance(days=4)
    reply = bot.actor.submit_view(None, view["id"], {"q:enps": "10"}, user_id="UREP1")
    closed = reader(1).gettext("This round is closed.")  # UREP1 reads Chinese
    assert reply.json() == {"response_action": "errors", "errors": {"comment": closed}}
    assert _answers(bot) == 0


@pytest.mark.parametrize("language", SUPPORTED)
def test_the_longest_survey_fits_slacks_block_limits_in_every_state(language):
    t = Translator(language)
    round_ = RoundInfo(1, 1, "Hunters", NOW.date(), tuple(q.id for q in STARTER_BANK[:10]), NOW,
                       NOW + timedelta(days=3), None)
    for answers, closed in (({}, False), ({q.id: 3 for q in STARTER_BANK[1:10]}, False), ({}, True)):
        text, blocks = survey_message(t, round_, answers, closed=closed)
        assert validate_message(text, blocks) == []
