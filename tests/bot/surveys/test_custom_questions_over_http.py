"""Admins' own questions (single choice, free text) asked, answered in the modal and reported, over HTTP."""

from datetime import UTC, datetime

from conftest import block_texts, eventually, reader

from surveys import closing, service

NOW = datetime(2026, 11, 30, 18, 0, tzinfo=UTC)


def _survey_with_custom_questions(bot):
    bot.clock.now = NOW
    with bot.services.unit() as u:
        channel = service.add_question(u.surveys, text="Where do your best leads come from?", kind="choice",
                                       options=["Inbound", "Referrals", "Events"], now=NOW)
        blocker = service.add_question(u.surveys, text="What slowed your deals down?", kind="text", now=NOW)
        survey_id = service.create_survey(u.surveys, team="Hunters", question_ids=["enps", channel.id, blocker.id],
                                          cadence="weekly", weekday="mon", send_time="09:00", now=NOW)
        service.open_round_now(u.surveys, u.messenger, survey_id=survey_id, now=NOW)
    bot.deliver()
    return survey_id, channel.id, blocker.id


def _answered_all(bot, i):
    """UREP{i}'s DM says all three are answered, in their language (UREP3 reads Persian, with Persian digits)."""
    t = reader(i)
    done = t.gettext("{n} questions, about two minutes. You have answered {answered} of {n}.", n=t.number(3),
                     answered=t.number(3))
    return done in block_texts(bot.slack.messages(f"UREP{i}")[0]["blocks"])


def _modal(bot, user):
    before = set(bot.slack.open_views)
    bot.actor.click(None, user, bot.slack.messages(user)[0], "survey_open")
    return eventually(lambda: next((bot.slack.open_views[v] for v in set(bot.slack.open_views) - before), None))


def test_choice_and_written_answers_go_through_the_modal_and_reach_the_manager_without_names(running_bot):
    bot = running_bot
    survey_id, channel, blocker = _survey_with_custom_questions(bot)
    assert "survey_open" in str(bot.slack.messages("UREP0")[0]["blocks"])  # a written answer needs the modal
    view = _modal(bot, "UREP0")
    elements = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert [o["text"]["text"] for o in elements[f"q:{channel}"]["options"]] == ["Inbound", "Referrals", "Events"]
    assert elements[f"q:{blocker}"]["type"] == "plain_text_input"
    bot.actor.submit_view(None, view["id"], {"q:enps": "9", f"q:{channel}": "1", f"q:{blocker}": "Legal review"},
                          user_id="UREP0")
    assert eventually(lambda: _answered_all(bot, 0))
    again = _modal(bot, "UREP0")
    written = next(b for b in again["blocks"] if b["block_id"] == f"q:{blocker}")
    assert written["element"]["initial_value"] == "Legal review"  # the rep can change a written answer
    for i, (choice, text) in enumerate([("0", "Pricing approvals"), ("1", "Slow procurement"), ("2", "Budgets"),
                                        ("1", "Champion left")], start=1):
        view = _modal(bot, f"UREP{i}")
        bot.actor.submit_view(None, view["id"], {"q:enps": "7", f"q:{channel}": choice, f"q:{blocker}": text},
                              user_id=f"UREP{i}")
        assert eventually(lambda i=i: _answered_all(bot, i))
    with bot.services.unit(NOW) as u:
        closing.close_round_now(u.surveys, u.messenger, survey_id=survey_id, now=NOW)
    bot.deliver()
    results = str(bot.slack.messages("UMGR")[-2]["blocks"]) + str(bot.slack.messages("UMGR")[-1])
    assert "Referrals: 3 (60%)" in results and "Events: 1 (20%)" in results
    assert "> Budgets" in results and "> Champion left" in results and "> Legal review" in results
    assert "Rep 0" not in results

