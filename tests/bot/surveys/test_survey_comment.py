"""The optional comment: a modal from the survey DM; shown to the manager without names, only from k up."""

from datetime import UTC, datetime, timedelta

from conftest import RESULTS_WAIT, eventually
from sqlalchemy import select

from storage.models import Answer
from surveys import service

MONDAY_EVENING = datetime(2026, 11, 30, 18, 0, tzinfo=UTC)


def _open_round(bot):
    bot.clock.now = MONDAY_EVENING
    with bot.services.unit() as u:
        survey_id = service.create_survey(u.surveys, team="Hunters", question_ids=["manager"], cadence="weekly",
                                          weekday="mon", send_time="09:00", now=u.now)
        service.open_round_now(u.surveys, u.messenger, survey_id=survey_id, now=u.now)
    bot.deliver()


def _comment(bot, user, text):
    before = set(bot.slack.open_views)
    bot.actor.click(None, user, bot.slack.messages(user)[0], "survey_comment")
    view_id = eventually(lambda: next(iter(set(bot.slack.open_views) - before), None))
    reply = bot.actor.submit_view(None, view_id, {"comment": text}, user_id=user)
    assert reply.status == 200


def test_a_comment_is_stored_without_a_name_and_reaches_the_manager_when_enough_answered(running_bot):
    bot = running_bot
    _open_round(bot)
    for i in range(5):
        bot.actor.click(None, f"UREP{i}", bot.slack.messages(f"UREP{i}")[0], "survey_answer:manager:4")
    assert eventually(lambda: _stored_answers(bot) == 5)  # listeners finish after their ack
    _comment(bot, "UREP2", "More help with <big> deals & pricing")
    assert eventually(lambda: _stored_comments(bot) == 1)
    bot.clock.advance(days=4)
    bot.job("close_rounds")
    bot.deliver(within=RESULTS_WAIT)
    text = str(bot.slack.messages("UMGR")[0]["blocks"])
    assert "More help with &lt;big&gt; deals &amp; pricing" in text
    assert "Rep 2" not in text and "UREP2" not in text


def test_comments_are_withheld_when_fewer_than_five_answered(running_bot):
    bot = running_bot
    _open_round(bot)
    bot.actor.click(None, "UREP0", bot.slack.messages("UREP0")[0], "survey_answer:manager:2")
    assert eventually(lambda: _stored_answers(bot) == 1)  # the listener finishes after its ack
    _comment(bot, "UREP0", "I am the only one saying this")
    assert eventually(lambda: _stored_comments(bot) == 1)
    bot.clock.advance(days=4)
    bot.job("close_rounds")
    bot.deliver(within=RESULTS_WAIT)
    assert "only one saying" not in str(bot.slack.messages("UMGR")[0]["blocks"])


def _stored_answers(bot):
    with bot.services.sessions.begin() as s:
        return len(s.scalars(select(Answer.value).where(Answer.value.is_not(None))).all())


def _stored_comments(bot):
    with bot.services.sessions.begin() as s:
        return len(s.scalars(select(Answer.comment).where(Answer.comment.is_not(None))).all())


def test_rounds_close_on_time_even_if_the_clock_jumps(running_bot):
    bot = running_bot
    _open_round(bot)
    bot.clock.advance(hours=71)
    assert bot.job("close_rounds").startswith("closed 0")
    bot.clock.advance(hours=1, minutes=1)
    assert bot.job("close_rounds").startswith("closed 1")
    assert bot.clock.now - MONDAY_EVENING > timedelta(hours=72)


def test_after_close_no_outbox_row_still_holds_a_persons_answers_or_comment(running_bot):
    from storage.models import OutboxMessage

    bot = running_bot
    _open_round(bot)
    bot.actor.click(None, "UREP1", bot.slack.messages("UREP1")[0], "survey_answer:manager:2")
    assert eventually(lambda: _stored_answers(bot) == 1)
    _comment(bot, "UREP1", "Quota is unfair for the north")
    assert eventually(lambda: _stored_comments(bot) == 1)
    bot.deliver()  # the DM's edit that shows UREP1's answer, and the pre-filled modal, have gone out
    bot.clock.advance(days=4)
    bot.job("close_rounds")
    bot.deliver(within=RESULTS_WAIT)
    with bot.services.sessions.begin() as session:
        rows = session.scalars(select(OutboxMessage)).all()
    assert bot.slack.calls_to("chat.update")  # the DM's edit went out, and was forgotten at close
    assert not any(":edit" in row.key for row in rows)
    assert all(row.payload == {} for row in rows if row.status in ("sent", "failed"))
    opened = bot.slack.calls_to("views.open")
    assert opened and all("_for" not in call.params for call in opened)  # the workspace hint never reaches Slack
    kept = " ".join(str(row.payload) for row in rows)
    assert "Quota is unfair" not in kept and "survey_answer:manager:2" not in kept
