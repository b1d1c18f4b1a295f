"""The weekly shout-out job: once per team and week from Friday 16:00 team time, the week's wins and kudos and
congratulations on three boards (most thanked, most deals won, biggest step up) in the channel; who nobody thanked
lately goes to the team's manager alone, by DM, once."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from conftest import block_texts, eventually, with_recognition_channel
from sqlalchemy import select, update

from storage.crm.importer import import_crm_file
from storage.models import OutboxMessage, Person
from storage.recognition.models import TeamRecognition

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


def test_the_weekly_shout_out_is_posted_once_with_wins_kudos_and_congratulations(bot, tmp_path):
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
    header, wins, kudos, cheers = texts(shout_out[0])
    assert header == "Shout-outs for Hunters, week of Nov 23, 2026"
    assert wins == "*1 win*\n• *Rep 1*: Acme Sdn Bhd — $48,000"
    assert kudos.startswith("*2 kudos*\n• *Rep 0* to *Rep 1* #grit: stayed on the Acme call until it closed")
    assert cheers == (":tada: *Congratulations!*\nMost thanked by colleagues: *Rep 1* (2), *Rep 2* (1)\n"
                      "Most deals won: *Rep 1* (1)")


QUIET = ["Rep 0", "Rep 3", "Rep 4", "Rep 5"]  # nobody thanked them: Maria thanks Rep 1 and Rep 2 below


def import_deals(bot, tmp_path, at, *rows):
    """Deals turned won at `at` (each row: external id, owner's rep number), recorded as wins by announce_wins."""
    bot.clock.now = at
    path = tmp_path / f"deals-{at:%Y%m%d}.csv"
    path.write_text("external_id,owner,stage,account,amount,engaged_on,closed_on\n" + "".join(
        f"{deal},rep{rep}@example.com,won,Account {deal},1000,{at - timedelta(days=30):%Y-%m-%d},{at:%Y-%m-%d}\n"
        for deal, rep in rows), encoding="utf-8")
    with bot.services.unit() as u:
        import_crm_file(u.session, kind="deals", path=path, now=u.now)
    bot.job("announce_wins")


def a_week_where_maria_thanks_rep_1_and_rep_2(bot, tmp_path):
    give(bot, "UMGR", "<@UREP1> <@UREP2> great handover")
    import_deals(bot, tmp_path, datetime(2026, 11, 24, 9, tzinfo=UTC), ("D-1", 1))


def quiet_notes(bot, user):
    return [m for m in bot.slack.messages(user) if "has thanked" in m["text"]]


def test_the_channel_shout_out_names_nobody_who_went_without_kudos_in_any_block_or_its_fallback_text(bot, tmp_path):
    a_week_where_maria_thanks_rep_1_and_rep_2(bot, tmp_path)
    assert bot.job("shout_outs", FRIDAY_4PM_VILNIUS) == "posted 1 shout-out(s)"
    bot.clock.now = FRIDAY_4PM_VILNIUS
    bot.deliver()
    posts = bot.slack.messages(CHANNEL)
    shout_out = next(m for m in posts if m["text"].startswith("Shout-outs"))
    assert "*Rep 1*" in block_texts(shout_out["blocks"])  # the post is there, with its boards
    for post in posts:  # the shout-out, and the win and kudos posts before it
        everything = block_texts(post["blocks"]) + "\n" + post["text"] + "\n" + json.dumps(post, ensure_ascii=False)
        for name in QUIET:
            assert name not in everything
            assert f"UREP{name[-1]}" not in everything
        assert "no kudos" not in everything.lower() and "has thanked" not in everything.lower()


def test_the_manager_gets_who_went_unthanked_in_one_private_message_even_when_the_job_runs_again(bot, tmp_path):
    a_week_where_maria_thanks_rep_1_and_rep_2(bot, tmp_path)
    assert bot.job("shout_outs", FRIDAY_4PM_VILNIUS) == "posted 1 shout-out(s)"
    assert bot.job("shout_outs", FRIDAY_4PM_VILNIUS + timedelta(hours=3)) == "posted 0 shout-out(s)"
    with bot.services.unit() as u:  # the week's claim lost (a restored backup): the outbox key still holds
        u.session.execute(update(TeamRecognition).values(last_shout_out_week=None))
    assert bot.job("shout_outs", FRIDAY_4PM_VILNIUS + timedelta(hours=4)) == "posted 1 shout-out(s)"
    bot.clock.now = FRIDAY_4PM_VILNIUS + timedelta(hours=4)
    bot.deliver()
    (note,) = quiet_notes(bot, "UMGR")
    body = block_texts(note["blocks"])
    assert body.startswith(":seedling: *Hunters*: nobody has thanked *Rep 0*, *Rep 3*, *Rep 4* and *Rep 5* in 30 "
                           "days. A word from you, or a nudge to the team, could help.")
    assert note["text"] == "Nobody has thanked Rep 0, Rep 3, Rep 4, Rep 5 in 30 days"
    for name in QUIET:
        assert body.count(name) == 1 and note["text"].count(name) == 1
    assert "Maria" not in body and "Rep 1" not in body and "Rep 2" not in body and "<@" not in body
    assert len([m for m in bot.slack.messages(CHANNEL) if m["text"].startswith("Shout-outs")]) == 1
    for rep in range(6):
        assert quiet_notes(bot, f"UREP{rep}") == []
    with bot.services.unit() as u:
        maria = u.session.scalar(select(Person.id).where(Person.slack_id == "UMGR"))
        rows = u.session.execute(select(OutboxMessage.key, OutboxMessage.person_id)
                                 .where(OutboxMessage.key.like("shoutout:%"))).all()
    assert sorted(rows, key=str) == [("shoutout:1:2026-W48", None), ("shoutout:1:2026-W48:quiet", maria)]


def test_the_managers_note_is_in_the_managers_language_not_the_channels(bot, tmp_path):
    with bot.services.unit() as u:
        u.session.execute(update(Person).where(Person.slack_id == "UMGR").values(language="lt"))
    a_week_where_maria_thanks_rep_1_and_rep_2(bot, tmp_path)
    bot.job("shout_outs", FRIDAY_4PM_VILNIUS)
    bot.clock.now = FRIDAY_4PM_VILNIUS
    bot.deliver()
    assert any(m["text"].startswith("Shout-outs") for m in bot.slack.messages(CHANNEL))  # the team's English
    (note,) = [m for m in bot.slack.messages("UMGR") if "Rep 0" in m["text"]]
    assert note["text"] == "Per pastarąsias 30 dienų padėkų negavo: Rep 0, Rep 3, Rep 4, Rep 5"
    body = block_texts(note["blocks"])
    assert "*Hunters* — per pastarąsias 30 dienų padėkų negavo: *Rep 0*, *Rep 3*, *Rep 4* ir *Rep 5*." in body
    assert "thanked" not in body


def test_no_note_when_the_team_manager_has_no_slack_id_and_none_to_a_manager_who_no_longer_leads_the_team(bot):
    with bot.services.unit() as u:
        u.session.execute(update(Person).where(Person.slack_id == "UMGR").values(slack_id=None))
    assert bot.job("shout_outs", FRIDAY_4PM_VILNIUS) == "posted 0 shout-out(s)"
    with bot.services.unit() as u:
        assert u.session.scalar(select(OutboxMessage.key).where(OutboxMessage.key.like("shoutout:%"))) is None


def test_a_week_without_wins_or_kudos_posts_nothing_in_the_channel_but_still_tells_the_manager(bot):
    assert bot.job("shout_outs", FRIDAY_4PM_VILNIUS) == "posted 0 shout-out(s)"
    bot.clock.now = FRIDAY_4PM_VILNIUS
    bot.deliver()
    assert bot.slack.messages(CHANNEL) == []
    (note,) = quiet_notes(bot, "UMGR")
    assert "*Rep 0*, *Rep 1*, *Rep 2*, *Rep 3*, *Rep 4* and *Rep 5*" in block_texts(note["blocks"])


def test_the_step_up_board_ranks_this_weeks_deals_against_each_reps_three_weeks_before(bot, tmp_path):
    import_deals(bot, tmp_path, datetime(2026, 10, 20, 9, tzinfo=UTC), ("OLD-1", 2))  # a month ago: no history
    import_deals(bot, tmp_path, datetime(2026, 11, 10, 9, tzinfo=UTC),
                 ("E-1", 1), ("E-2", 1), ("E-3", 1), ("E-4", 3), ("E-5", 3), ("E-6", 3), ("E-7", 4))
    import_deals(bot, tmp_path, datetime(2026, 11, 24, 9, tzinfo=UTC),
                 ("N-1", 1), ("N-2", 1), ("N-3", 1), ("N-4", 1), ("N-5", 2), ("N-6", 2), ("N-7", 3), ("N-8", 3),
                 ("N-9", 4))
    assert bot.job("shout_outs", FRIDAY_4PM_VILNIUS) == "posted 1 shout-out(s)"
    bot.clock.now = FRIDAY_4PM_VILNIUS
    bot.deliver()
    shout_out = next(m for m in bot.slack.messages(CHANNEL) if m["text"].startswith("Shout-outs"))
    cheers = texts(shout_out)[-1]
    # Rep 1: 4 against 1 a week (step 3); Rep 3: 2 against 1 (step 1); Rep 2 has no earlier deal in the three weeks;
    # Rep 4: 1 against 1/3 a week, up by less than a deal.
    assert cheers == (":tada: *Congratulations!*\nMost deals won: *Rep 1* (4), *Rep 2* (2), *Rep 3* (2), *Rep 4* (1)\n"
                      "Biggest step up: *Rep 1* (4, up from 1 a week), *Rep 3* (2, up from 1 a week)")
