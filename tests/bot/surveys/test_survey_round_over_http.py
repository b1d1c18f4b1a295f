"""The first journey end to end: the real bot over HTTP, signed requests, the Slack double, an injected clock."""

from datetime import UTC, datetime, timedelta

from conftest import RESULTS_WAIT, block_texts, eventually, reader
from sqlalchemy import func, select

from storage.models import Answer, OutboxMessage

MONDAY = datetime(2026, 11, 30, 0, 0, tzinfo=UTC)


def _create_weekly_survey(bot, questions="enps,manager"):
    from surveys import service

    with bot.services.unit(bot.clock()) as u:
        return service.create_survey(u.surveys, team="Hunters", question_ids=questions.split(","),
                                     cadence="weekly", weekday="mon", send_time="09:00", now=bot.clock())


def _send_round_to_everyone(bot):
    """Monday 18:00 UTC: 09:00 has come for every rep, from Auckland to Los Angeles."""
    survey_id = _create_weekly_survey(bot)
    bot.clock.now = MONDAY + timedelta(hours=18)
    bot.job("open_rounds")
    bot.deliver()
    return survey_id


def _survey_dm(bot, user):
    messages = bot.slack.messages(user)
    assert len(messages) == 1, f"{user} has {len(messages)} messages"
    return messages[0]


def _your_answer(i, value):
    """The answered state of a question as UREP{i} reads it (UREP0 reads Malay, UREP1 Chinese)."""
    t = reader(i)
    return t.gettext(":white_check_mark: Your answer: {value}", value=t.number(value))


def _answers(bot):
    with bot.services.sessions.begin() as s:
        return s.scalar(select(func.count()).select_from(Answer))


def test_each_rep_gets_one_dm_at_their_local_nine_and_a_rerun_sends_nothing(running_bot):
    bot = running_bot
    _create_weekly_survey(bot)
    bot.job("open_rounds", MONDAY + timedelta(hours=1))  # 09:00 in Kuala Lumpur and Shanghai
    bot.job("deliver", MONDAY + timedelta(hours=1))
    assert {u for u in ("UREP0", "UREP1", "UREP2", "UREP3") if bot.slack.messages(u)} == {"UREP0", "UREP1"}
    for _ in range(2):  # the whole day, twice: a re-run job sends nothing twice
        for hour in range(0, 24):
            bot.job("open_rounds", MONDAY + timedelta(hours=hour))
            bot.job("deliver", MONDAY + timedelta(hours=hour))
    for i in range(6):
        dm = _survey_dm(bot, f"UREP{i}")
        assert dm["metadata"]["event_payload"]["key"].startswith("survey:")
    assert not bot.slack.messages("UMGR")
    assert len(bot.slack.calls_to("chat.postMessage")) == 6


def test_a_signed_click_records_once_even_when_replayed_with_retry_headers(running_bot):
    bot = running_bot
    survey_id = _send_round_to_everyone(bot)
    dm = _survey_dm(bot, "UREP0")
    reply = bot.actor.click(None, "UREP0", dm, "survey_answer:enps:9")
    assert reply.status == 200
    assert eventually(lambda: _answers(bot) == 1)
    for retry in (1, 2):
        assert bot.actor.click(None, "UREP0", dm, "survey_answer:enps:9", retry_num=retry).status == 200
    assert eventually(lambda: len(bot.slack.calls_to("chat.update")) >= 1)
    assert _answers(bot) == 1
    updated = _survey_dm(bot, "UREP0")
    chosen = [e for b in updated["blocks"] if b["type"] == "actions" for e in b["elements"] if e.get("style")]
    assert [e["value"] for e in chosen] == [f"{_round_id(bot, survey_id)}:enps:9"]
    assert any(_your_answer(0, 9) in b.get("text", {}).get("text", "") for b in updated["blocks"])
    assert len(bot.slack.calls_to("chat.update")) == 1


def test_a_rep_can_change_an_answer_until_the_round_closes(running_bot):
    bot = running_bot
    _send_round_to_everyone(bot)
    bot.actor.click(None, "UREP1", _survey_dm(bot, "UREP1"), "survey_answer:manager:2")
    assert eventually(lambda: len(bot.slack.calls_to("chat.update")) == 1)
    bot.actor.click(None, "UREP1", _survey_dm(bot, "UREP1"), "survey_answer:manager:5")
    assert eventually(lambda: len(bot.slack.calls_to("chat.update")) == 2)
    assert _your_answer(1, 5) in block_texts(_survey_dm(bot, "UREP1")["blocks"])
    bot.clock.now = MONDAY + timedelta(days=5)
    bot.job("close_rounds")
    bot.actor.click(None, "UREP1", _survey_dm(bot, "UREP1"), "survey_answer:manager:1")
    closed = reader(1).gettext("This round is closed. Thank you for taking part.")
    assert eventually(lambda: closed in block_texts(_survey_dm(bot, "UREP1")["blocks"]))
    with bot.services.sessions.begin() as s:
        assert s.scalar(select(Answer.value).where(Answer.question_id == "manager")) == 5


def test_the_manager_gets_results_when_five_answer_and_nothing_when_fewer(running_bot):
    bot = running_bot
    _send_round_to_everyone(bot)
    for i, score in enumerate([10, 9, 9, 6, 8]):
        bot.actor.click(None, f"UREP{i}", _survey_dm(bot, f"UREP{i}"), f"survey_answer:enps:{score}")
        bot.actor.click(None, f"UREP{i}", _survey_dm(bot, f"UREP{i}"), "survey_answer:manager:4")
    assert eventually(lambda: _answers(bot) == 10)
    bot.clock.now = MONDAY + timedelta(days=4)
    assert bot.job("close_rounds").startswith("closed 1 round(s)")
    bot.deliver(within=RESULTS_WAIT)
    results, chart = bot.slack.messages("UMGR")
    assert [f["title"] for f in chart["files"]] == ["Pulse trend for Hunters"]
    assert bot.slack.files[chart["files"][0]["id"]]["content"].startswith(b"\x89PNG")
    text = str(results["blocks"])
    assert "5 of 6 people answered (83%)" in text
    assert "eNPS +40 (promoters 3 · passives 1 · detractors 1)" in text
    assert "Average 4.0 of 5 (5 answers)" in text
    assert bot.job("close_rounds").startswith("closed 0")


def test_results_are_withheld_with_an_explanation_below_five(running_bot):
    bot = running_bot
    _send_round_to_everyone(bot)
    for i in range(3):
        bot.actor.click(None, f"UREP{i}", _survey_dm(bot, f"UREP{i}"), "survey_answer:enps:10")
    assert eventually(lambda: _answers(bot) == 3)
    bot.clock.now = MONDAY + timedelta(days=4)
    bot.job("close_rounds")
    bot.deliver(within=RESULTS_WAIT)
    (results,) = bot.slack.messages("UMGR")
    text = str(results["blocks"])
    assert "Results are withheld" in text and "eNPS" not in text and "Average" not in text


def test_a_bad_signature_is_refused_and_records_nothing(running_bot):
    bot = running_bot
    _send_round_to_everyone(bot)
    dm = _survey_dm(bot, "UREP0")
    assert bot.actor.click(None, "UREP0", dm, "survey_answer:enps:9", bad_signature=True).status == 401
    old = int(datetime.now(UTC).timestamp()) - 600
    assert bot.actor.click(None, "UREP0", dm, "survey_answer:enps:9", timestamp=old).status == 401
    assert _answers(bot) == 0


def test_a_429_from_slack_is_retried_and_the_dm_is_posted_once(running_bot):
    bot = running_bot
    _create_weekly_survey(bot)
    bot.slack.fail_next("chat.postMessage", status=429, retry_after=0, count=2)
    bot.clock.now = MONDAY + timedelta(hours=18)
    bot.job("open_rounds")
    bot.deliver()
    for i in range(6):
        _survey_dm(bot, f"UREP{i}")
    assert len([c for c in bot.slack.calls_to("chat.postMessage") if c.status == 429]) == 2


def test_a_dropped_answer_to_a_post_is_reconciled_not_posted_twice(running_bot):
    bot = running_bot
    _create_weekly_survey(bot)
    bot.slack.fail_next("chat.postMessage", drop=True)
    bot.clock.now = MONDAY + timedelta(hours=18)
    bot.job("open_rounds")
    bot.deliver()
    bot.clock.advance(minutes=10)
    bot.deliver()
    for i in range(6):
        _survey_dm(bot, f"UREP{i}")
    with bot.services.sessions.begin() as s:
        statuses = s.scalars(select(OutboxMessage.status)).all()
    assert set(statuses) == {"sent"}


def _round_id(bot, survey_id):
    with bot.services.unit() as u:
        return u.surveys.open_round_of(survey_id).id
