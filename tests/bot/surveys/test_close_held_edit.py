"""A survey DM's edit that a delivery worker holds while its round closes is forgotten too, once the worker is done."""

import pytest
from conftest import eventually
from round_play import open_round
from sqlalchemy import select

from storage.models import OutboxMessage

pytestmark = pytest.mark.both_databases  # a close racing a held edit on each engine


def test_an_edit_in_flight_at_the_close_leaves_no_row_linked_to_its_person(running_bot):
    bot = running_bot
    open_round(bot)
    held = bot.slack.hold("chat.update")

    bot.actor.click(None, "UREP1", bot.slack.messages("UREP1")[0], "survey_answer:manager:2")
    assert held.arrived.wait(30)  # a worker claimed the edit and is sending it
    bot.clock.advance(days=4)
    assert bot.job("close_rounds").startswith("closed 1")  # the round closes while the edit is in flight
    held.release()

    assert eventually(lambda: bot.services.answering.count == 0, timeout=30)  # the worker settled the edit
    bot.deliver()
    assert [c.ok for c in bot.slack.calls_to("chat.update")] == [True]  # the DM did show the answer
    with bot.services.sessions.begin() as s:
        keys = list(s.scalars(select(OutboxMessage.key)))
    assert not [k for k in keys if ":edit" in k]
