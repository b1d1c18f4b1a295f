"""The weekly shout-out job: once per team and week from Friday 16:00 team time, the week's wins and kudos,
congratulations to the most recognised (peer kudos and deals counted apart), and who nobody thanked lately."""

from datetime import UTC, datetime, timedelta

import pytest
from conftest import eventually, with_recognition_channel

from storage.crm.importer import import_crm_file

CHANNEL = "CSHOUT01"
FRIDAY_4PM_VILNIUS = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)  # the team's clock is its manager's (Vilnius)


@pytest.fixture
def bot(running_bot):
    return with_recognition_channel(running_bot, CHANNEL, "shout-outs")


def give(bot, user, text):
    before = len(bot.slack.response_posts)
    assert bot.actor.slash_command(None, "/kudos", text, user_id=user).status == 200
    eventually(lambda: len(bot.slack.response_posts) > before)


def texts(message):
    return [b["text"]["text"] if "text" in b else b["elements"][0]["text"] for b in message["blocks"]]


def test_the_weekly_shout_out_is_posted_once_with_wins_kudos_congratulations_and_who_to_recognise(bot, tmp_path):
    give(bot, "UREP0", "<@UREP1> #grit stayed on the Acme call until it closed")
    give(bot, "UREP3", "<@UREP1> <@UREP2> great handover")
    deals = tmp_path / "deals.csv"
    deals.write_text("external_id,owner,stage,account,amount,engaged_on,closed_on\n"
                     "D-1,rep1@example.com,won,Acme Sdn Bhd,48000,2026-10-13,2026-11-22\n", encoding="utf-8")
    with bot.services.unit() as u:
        import_crm_file(u.session, kind="deals", path=deals, now=u.now)
    bot.job("announce_wins")
    assert bot.job("shout_outs", FRIDAY_4PM_VILNIUS - timedelta(minutes=10)) == "posted 0 shout-out(s)"
    assert bot.job("shout_outs", FRIDAY_4PM_VILNIUS) == "posted 1 shout-out(s)"
    assert bot.job("shout_outs", FRIDAY_4PM_VILNIUS + timedelta(hours=3)) == "posted 0 shout-out(s)"
    bot.clock.now = FRIDAY_4PM_VILNIUS
    bot.deliver()
    shout_out = [m for m in bot.slack.messages(CHANNEL) if m["text"].startswith("Shout-outs")]
    assert len(shout_out) == 1
    header, wins, kudos, cheers, invitation = texts(shout_out[0])
    assert header == "Shout-outs for Hunters, week of Nov 23, 2026"
    assert wins == "*1 win*\n• *Rep 1*: Acme Sdn Bhd — $48,000"
    assert kudos.startswith("*2 kudos*\n• *Rep 0* to *Rep 1* #grit: stayed on the Acme call until it closed")
    assert cheers == (":tada: *Congratulations!*\nMost thanked by colleagues: *Rep 1* (2), *Rep 2* (1)\n"
                      "Most deals won: *Rep 1* (1)")
    assert invitation.startswith("No kudos for *Maria Manager*, *Rep 0*, *Rep 3*, *Rep 4* and *Rep 5* in the last "
                                 "30 days.")


def test_a_week_without_wins_or_kudos_posts_no_shout_out(bot):
    assert bot.job("shout_outs", FRIDAY_4PM_VILNIUS) == "posted 0 shout-out(s)"
    assert bot.job("shout_outs", FRIDAY_4PM_VILNIUS + timedelta(days=7)) == "posted 0 shout-out(s)"
    bot.deliver()
    assert bot.slack.messages(CHANNEL) == []
