"""Clicks apply in the order people made them: a late copy of an older click (a Slack retry, or a captured request
sent again) never overrides a newer answer."""

from datetime import timedelta

import pytest
from conftest import eventually
from round_play import OPENED, captured_logs, click, open_round
from sqlalchemy import select

from storage.models import Answer

pytestmark = pytest.mark.both_databases  # concurrent answers as each engine orders them


def _enps(bot):
    with bot.services.sessions.begin() as s:
        return s.scalar(select(Answer.value).where(Answer.question_id == "enps"))


def test_a_retry_of_an_older_click_leaves_the_newer_answer(running_bot):
    bot = running_bot
    open_round(bot)
    ten = click(bot, "UREP0", "enps:10", OPENED + timedelta(minutes=1), expect_answers=1)
    click(bot, "UREP0", "enps:0", OPENED + timedelta(minutes=2))
    assert eventually(lambda: _enps(bot) == 0)
    edits = len(bot.slack.calls_to("chat.update"))
    with captured_logs() as logs:
        assert bot.actor.replay(None, ten, retry_num=1).status == 200
        assert bot.actor.replay(None, ten, retry_num=None).status == 200  # the same request captured, sent again
        assert eventually(lambda: logs.getvalue().count(": unchanged") == 2)  # both handled, after their acks
    bot.deliver()
    assert _enps(bot) == 0 and len(bot.slack.calls_to("chat.update")) == edits
