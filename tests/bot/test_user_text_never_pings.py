"""Text the bot did not write never pings or links: hostile kudos, /win notes, agenda items, survey answers,
comments and questions, CRM account and deal names, roster names and team names go through every path that
re-posts them, over signed HTTP, and everything that reached the Slack double is read back."""

from __future__ import annotations

import csv
import json
import re
from datetime import UTC, datetime

import pytest
from conftest import eventually, with_recognition_channel
from nudge_fixtures import add_deal, dms, reply, run_hourly, set_weekly

from bot import ids
from storage.crm.importer import import_crm_file
from storage.models import Person, Team
from surveys import closing, service

CHANNEL = "CHOSTILE1"
# As a person types it in a slash command, after Slack's escaping (what /kudos and /oneonone receive)
TYPED = ("<!channel> <!here> <!everyone> <!subteam^S0HOSTILE|@sales> @channel @here @everyone "
         "<http://evil.example|click here> <@U0STRANGER|boss> <#C0HOSTILE|general> &lt;!channel&gt; &amp;")
# As it stands in a modal's text, a CRM export, the roster or an admin's question (no escaping)
PLAIN = ("<!channel> <!here> <!everyone> <!subteam^S0HOSTILE> @channel @here @everyone "
         "<http://evil.example|click here> <@U0STRANGER> <#C0HOSTILE> &")
SHORT = "<!here> <!subteam^S0HOSTILE> @channel <http://evil.example|x> <@U0STRANGER>"  # names, stages, ids
FRIDAY_4PM_VILNIUS = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)
MARKUP = ("<!channel", "<!here", "<!everyone", "<!subteam", "<http", "<@U0STRANGER", "<#C0HOSTILE")
BARE = re.compile(r"@(channel|here|everyone)\b", re.IGNORECASE)


def everything_sent(slack) -> str:
    """Every Web API call's parameters and every response_url post, as one string."""
    return json.dumps([c.params for c in slack.calls] + [p["body"] for p in slack.response_posts],
                      ensure_ascii=False)


def assert_nothing_pings(slack) -> str:
    sent = everything_sent(slack)
    assert [m for m in MARKUP if m in sent] == []
    assert BARE.findall(sent) == []
    assert not any(k in c.params for c in slack.calls for k in ("link_names", "parse"))
    assert "&amp;amp;" not in sent and "&amp;lt;" not in sent  # and shown as typed: nothing escaped twice
    return sent


def _hostile_roster(bot) -> None:
    """Rep 5 and the team carry hostile names too: names reach fallback texts, headers and digests."""
    with bot.services.sessions.begin() as s:
        s.query(Person).filter(Person.slack_id == "UREP5").one().name = "Rep 5 " + SHORT
        s.query(Team).filter(Team.name == "Hunters").one().name = "Hunters " + SHORT


@pytest.fixture
def bot(running_bot):
    bot = with_recognition_channel(running_bot, CHANNEL, "wins")
    _hostile_roster(bot)
    return bot


def _kudos(bot, user, text):
    before = len(bot.slack.response_posts)
    assert bot.actor.slash_command(None, "/kudos", text, user_id=user).status == 200
    return eventually(lambda: bot.slack.response_posts[before] if len(bot.slack.response_posts) > before else None)


def _modal(bot, command, user, callback_id, text=""):
    assert bot.actor.slash_command(None, command, text, user_id=user).status == 200
    return eventually(lambda: next((v for v in bot.slack.open_views.values() if v["callback_id"] == callback_id),
                                   None))


def _write_csv(path, header, rows):
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([header, *rows])
    return path


def _home(bot, user):
    before = len(bot.slack.calls_to("views.publish"))
    assert bot.actor.app_home_opened(bot.url, user).status == 200
    eventually(lambda: len(bot.slack.calls_to("views.publish")) > before)


def test_kudos_wins_and_the_shout_out_ping_only_the_receivers_the_bot_names(bot, tmp_path):
    _kudos(bot, "UREP4", f"<@UREP5|rep5> #teamwork thanks for helping <@UREP3|rep3> {TYPED}")
    view = _modal(bot, "/kudos", "UREP0", ids.VIEW_KUDOS)
    assert bot.actor.submit_view(None, view["id"], {"receivers": ["UREP5"], "message": PLAIN},
                                 user_id="UREP0").status == 200
    win = _modal(bot, "/win", "UREP3", ids.VIEW_WIN)
    assert bot.actor.submit_view(None, win["id"], {"account": SHORT, "amount": "100", "notes": PLAIN},
                                 user_id="UREP3").status == 200
    _write_csv(tmp_path / "deals.csv", ["external_id", "owner", "stage", "account", "amount", "engaged_on",
                                        "closed_on"],
               [["D-1", "rep5@example.com", "won", PLAIN, "48000", "2026-10-13", "2026-11-22"]])
    with bot.services.unit() as u:
        import_crm_file(u.session, kind="deals", path=tmp_path / "deals.csv", now=u.now)
    bot.job("announce_wins")
    assert bot.job("shout_outs", FRIDAY_4PM_VILNIUS) == "posted 1 shout-out(s)"
    bot.clock.now = FRIDAY_4PM_VILNIUS
    bot.deliver()
    _kudos(bot, "UREP5", "history")
    _home(bot, "UREP5")
    posts = bot.slack.messages(CHANNEL)
    assert len(posts) == 5  # two kudos, the logged win, the CRM win and the shout-out
    sent = assert_nothing_pings(bot.slack)
    kudos = next(json.dumps(p["blocks"]) for p in posts if "<@UREP4> gave kudos to <@UREP5>" in json.dumps(p))
    assert "helping *Rep 3*" in kudos and "<@UREP3>" not in kudos  # the bot's own mentions stay, no others
    shout_out = next(p for p in posts if p["text"].startswith("Shout-outs"))
    assert "<@" not in json.dumps(shout_out)  # names, not mentions
    assert "<@UREP4> gave you kudos" in json.dumps(dms(bot, "UREP5", "gave you kudos")[0]["blocks"])
    assert "@sales" in sent and "click here (http://evil.example)" in sent and "&lt;!channel&gt;" in sent


def test_agenda_items_from_the_command_and_the_modal_ping_nobody(bot):
    set_weekly(bot)
    assert "Added" in reply(bot, "UREP5", f"add <@UMGR|maria> {TYPED}")
    assert "Added" in reply(bot, "UMGR", f"action <@UREP5|rep5> 2026-11-27 {TYPED}")
    reply(bot, "UREP5", "")
    run_hourly(bot, "one_on_ones", datetime(2026, 11, 22, 20, 0, tzinfo=UTC), 12)
    (reminder,) = dms(bot, "UREP5", "One-on-one with")
    before = set(bot.slack.open_views)
    bot.actor.click(None, "UREP5", reminder, ids.ACTION_ONEONONE_ADD)
    view_id = eventually(lambda: next(iter(set(bot.slack.open_views) - before), None))
    assert bot.actor.submit_view(None, view_id, {"text": PLAIN}, user_id="UREP5").status == 200
    eventually(lambda: len([c for c in bot.slack.calls_to("chat.update") if c.ok]) >= 2)
    _home(bot, "UMGR")
    assert_nothing_pings(bot.slack)
    assert len(dms(bot, "UMGR", "One-on-one with")) == 1


def test_survey_questions_written_answers_and_comments_shown_to_managers_ping_nobody(bot):
    now = datetime(2026, 11, 30, 18, 0, tzinfo=UTC)
    bot.clock.now = now
    with bot.services.unit() as u:
        choice = service.add_question(u.surveys, text="Where? " + PLAIN, kind="choice",
                                      options=["In <!here> @channel <@U0STRANGER> <http://evil.example|x>",
                                               "Referrals"], now=now)
        written = service.add_question(u.surveys, text="What slowed you? " + PLAIN, kind="text", now=now)
        survey_id = service.create_survey(u.surveys, team="Hunters " + SHORT, question_ids=[
            "enps", "manager", choice.id, written.id], cadence="weekly", weekday="mon", send_time="09:00", now=now)
        service.open_round_now(u.surveys, u.messenger, survey_id=survey_id, now=now)
    bot.deliver()
    for i in range(5):
        user = f"UREP{i}"
        before = set(bot.slack.open_views)
        bot.actor.click(None, user, bot.slack.messages(user)[0], ids.ACTION_SURVEY_OPEN)
        view_id = eventually(lambda before=before: next(iter(set(bot.slack.open_views) - before), None))
        assert bot.actor.submit_view(None, view_id, {"q:enps": "7", "q:manager": "4", f"q:{choice.id}": "0",
                                                     f"q:{written.id}": f"{i} {PLAIN}",
                                                     "comment": f"{i} {PLAIN}"}, user_id=user).status == 200
    eventually(lambda: len(bot.slack.calls_to("chat.update")) >= 5)
    with bot.services.unit(now) as u:
        closing.close_round_now(u.surveys, u.messenger, survey_id=survey_id, now=now)
    bot.deliver()
    _home(bot, "UMGR")
    sent = assert_nothing_pings(bot.slack)
    assert sent.count("> 4 &lt;!channel&gt;") == 2  # the written answer and the comment reached the manager


def test_crm_names_in_nudges_follow_up_digests_and_coaching_ping_nobody(bot):
    add_deal(bot, "D-<!here> @channel <@U0STRANGER>", "UREP5", 9000.0, account=PLAIN, stage="<!channel> @here",
             next_step="Call " + PLAIN, next_step_on=datetime(2026, 11, 20).date())
    run_hourly(bot, "nudges", datetime(2026, 11, 22, 20, 0, tzinfo=UTC), 16)
    assert dms(bot, "UREP5", "Follow-ups for today") and dms(bot, "UMGR", "Overdue follow-ups")
    before = len(bot.slack.response_posts)
    assert bot.actor.slash_command(None, "/coach", "", user_id="UMGR").status == 200
    eventually(lambda: len(bot.slack.response_posts) > before)
    _home(bot, "UREP5")
    assert_nothing_pings(bot.slack)


def test_the_check_would_see_a_ping(bot):
    """The scan itself: a raw <!here> posted anywhere fails it."""
    bot.services.client.chat_postMessage(channel=CHANNEL, text="hi <!here>")
    with pytest.raises(AssertionError):
        assert_nothing_pings(bot.slack)
