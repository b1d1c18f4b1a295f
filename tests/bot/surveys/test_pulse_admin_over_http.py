"""`/pulse list|pause|resume|close|results` and `/enps` over signed HTTP: who may do and see what."""

from datetime import UTC, datetime, timedelta

from conftest import eventually, reader

from surveys import closing, service

MONDAY_EVENING = datetime(2026, 11, 30, 18, 0, tzinfo=UTC)
MANAGERS_ONLY = ("Survey results and controls are for managers and admins; your manager shares results with the "
                 "team.")


def _survey_with_a_closed_round(bot, scores):
    bot.clock.now = MONDAY_EVENING
    with bot.services.unit() as u:
        survey_id = service.create_survey(u.surveys, team="Hunters", question_ids=["enps"], cadence="weekly",
                                          weekday="mon", send_time="09:00", now=u.now)
        service.open_round_now(u.surveys, u.messenger, survey_id=survey_id, now=u.now)
    bot.deliver()
    for i, score in enumerate(scores):
        bot.actor.click(None, f"UREP{i}", bot.slack.messages(f"UREP{i}")[0], f"survey_answer:enps:{score}")
    assert eventually(lambda: _answered(bot, survey_id) == len(scores))
    return survey_id


def _answered(bot, survey_id):
    with bot.services.unit() as u:
        round_ = u.surveys.open_round_of(survey_id)
        return len(u.surveys.round_answers(round_.id)) if round_ else -1


def test_a_manager_lists_pauses_and_resumes_their_survey(running_bot):
    bot = running_bot
    survey_id = _survey_with_a_closed_round(bot, [])
    assert f"#{survey_id} Hunters: Weekly, Monday 09:00" in bot.actor.slash_command(None, "/pulse", "list",
                                                                                   user_id="UMGR").text
    assert "is paused" in bot.actor.slash_command(None, "/pulse", f"pause {survey_id}", user_id="UMGR").text
    with bot.services.unit() as u:
        assert not u.surveys.plan(survey_id).active
    assert "running again" in bot.actor.slash_command(None, "/pulse", f"resume {survey_id}", user_id="UMGR").text


def test_a_rep_can_neither_manage_surveys_nor_see_team_results(running_bot):
    bot = running_bot
    survey_id = _survey_with_a_closed_round(bot, [])
    refusal = reader(0).gettext(MANAGERS_ONLY)  # UREP0 reads Malay
    for text in ("list", f"pause {survey_id}", "results"):
        reply = bot.actor.slash_command(None, "/pulse", text, user_id="UREP0")
        assert refusal in reply.text
    assert refusal in bot.actor.slash_command(None, "/enps", user_id="UREP0").text
    english = bot.actor.slash_command(None, "/pulse", "results", user_id="UREP4").text  # UREP4 reads English
    assert "for managers and admins" in english
    with bot.services.unit() as u:
        assert u.surveys.plan(survey_id).active


def test_closing_now_sends_results_and_results_and_enps_show_the_round(running_bot):
    bot = running_bot
    survey_id = _survey_with_a_closed_round(bot, [10, 9, 8, 3, 10])
    assert bot.actor.slash_command(None, "/pulse", f"close {survey_id}", user_id="UMGR").status == 200
    assert eventually(lambda: any("Closed" in p["body"]["text"] for p in bot.slack.response_posts))
    assert eventually(lambda: bot.slack.messages("UMGR"))
    results = bot.actor.slash_command(None, "/pulse", "results", user_id="UMGR").text
    assert "5 of 6 people answered" in results
    enps = bot.actor.slash_command(None, "/enps", user_id="UMGR").text
    assert "eNPS" in enps


def test_pulse_close_is_answered_while_slack_still_holds_the_results(running_bot):
    bot = running_bot
    survey_id = _survey_with_a_closed_round(bot, [10, 9, 8, 3, 10])
    held = bot.slack.hold("chat.postMessage")  # the results DM cannot be posted until the reply came
    try:
        assert bot.actor.slash_command(None, "/pulse", f"close {survey_id}", user_id="UMGR").status == 200
        assert held.arrived.wait(10)  # the results are on their way, and the ack did not wait for them
        assert eventually(lambda: any("Closed" in p["body"]["text"] for p in bot.slack.response_posts))
    finally:
        held.release()
    assert eventually(lambda: any("people answered" in str(m.get("blocks")) for m in bot.slack.messages("UMGR")))


def test_enps_trend_shows_each_rounds_own_score_and_withheld_rounds(running_bot):
    bot = running_bot
    survey_id = _survey_with_a_closed_round(bot, [10, 9, 8, 3, 10])
    with bot.services.unit() as u:
        closing.close_round_now(u.surveys, u.messenger, survey_id=survey_id, now=u.now)
    bot.clock.advance(days=1)
    with bot.services.unit() as u:
        service.open_round_now(u.surveys, u.messenger, survey_id=survey_id, now=u.now)
        closing.close_round_now(u.surveys, u.messenger, survey_id=survey_id, now=u.now + timedelta(hours=1))
    reply = bot.actor.slash_command(None, "/enps", "Hunters", user_id="UMGR")
    body = str(reply.json() if reply.text.startswith("{") else reply.text)
    assert "+40 (promoters 3 · passives 1 · detractors 1)" in body
    assert "withheld (fewer than 5 answers)" in body
    other = bot.actor.slash_command(None, "/enps", "Farmers", user_id="UMGR").text
    assert "only for teams you manage" in other
