"""A wrong signature or a timestamp older than five minutes gets 401, and nothing is recorded: no answer, no
kudos, no outbox row, no Slack call; for a button click, a slash command, a view submission and an event."""

import time
from datetime import UTC, datetime

import pytest
from conftest import eventually
from sqlalchemy import func, select

from storage.models import Answer, OutboxMessage, Person
from storage.recognition.models import Kudos
from surveys import service

pytestmark = pytest.mark.both_databases  # refused requests leave nothing in either database

MONDAY_EVENING = datetime(2026, 11, 30, 18, 0, tzinfo=UTC)
COMMENT = "signed by nobody"


def _state(bot):
    """Everything a request could change: stored rows, the outbox, every call the bot made to Slack."""
    with bot.services.sessions.begin() as s:
        rows = (s.scalar(select(func.count()).select_from(Answer)), s.scalar(select(func.count()).select_from(Kudos)),
                s.scalar(select(func.count()).select_from(OutboxMessage)), s.scalar(select(func.max(OutboxMessage.id))),
                tuple(s.scalars(select(Person.status_text).order_by(Person.id))))
    return rows, len(bot.slack.calls), len(bot.slack.response_posts), len(bot.slack.open_views)


def _requests(bot, comment_view):
    """Each kind of request Slack sends, ready to be sent with a given fault."""
    dm = bot.slack.messages("UREP0")[0]
    bot.slack.set_user("UREP0", profile={**bot.slack.user("UREP0").get("profile", {}), "status_text": "vacation"})
    return {
        "button click": lambda **f: bot.actor.click(None, "UREP0", dm, "survey_answer:manager:4", **f),
        "slash command": lambda **f: bot.actor.slash_command(None, "/kudos", "<@UREP1|rep1> thanks for the demo",
                                                             user_id="UREP0", **f),
        "view submission": lambda **f: bot.actor.submit_view(None, comment_view, {"comment": COMMENT},
                                                             user_id="UREP0", **f),
        "event": lambda **f: bot.actor.app_home_opened(None, "UREP0", **f),
        "user_change event": lambda **f: bot.actor.user_change(None, "UREP0", **f),
    }


def test_unsigned_or_stale_requests_get_401_and_change_nothing(running_bot):
    bot = running_bot
    bot.clock.now = MONDAY_EVENING
    with bot.services.unit() as u:
        survey_id = service.create_survey(u.surveys, team="Hunters", question_ids=["manager"], cadence="weekly",
                                          weekday="mon", send_time="09:00", now=u.now)
        service.open_round_now(u.surveys, u.messenger, survey_id=survey_id, now=u.now)
    bot.deliver()
    opened = set(bot.slack.open_views)
    assert bot.actor.click(None, "UREP0", bot.slack.messages("UREP0")[0], "survey_comment").status == 200
    view_id = eventually(lambda: next(iter(set(bot.slack.open_views) - opened), None))
    comment_view = dict(bot.slack.open_views[view_id])
    requests = _requests(bot, comment_view)
    before = _state(bot)
    faults = {"a wrong signature": {"bad_signature": True},
              "a timestamp 5 minutes and 1 second old": {"timestamp": int(time.time()) - 301},
              "a timestamp an hour old": {"timestamp": int(time.time()) - 3600}}
    for kind, send in requests.items():
        for fault, args in faults.items():
            assert send(**args).status == 401, f"{kind} with {fault} was not refused"
            assert _state(bot) == before, f"{kind} with {fault} changed something"
    assert set(bot.slack.open_views) >= {view_id}  # the refused submission did not close the modal either
    # the same requests, correctly signed, do change things: the checks above can fail
    assert requests["button click"]().status == 200
    assert eventually(lambda: _state(bot)[0][0] == 1)
    assert requests["view submission"]().status == 200
    assert eventually(lambda: COMMENT in _comments(bot))
    assert requests["user_change event"]().status == 200
    assert eventually(lambda: "vacation" in _state(bot)[0][4])


def _comments(bot):
    with bot.services.sessions.begin() as s:
        return [c for c in s.scalars(select(Answer.comment)) if c]
