"""A one-on-one follows the org chart at every use, over signed HTTP: once the rep moves to another manager, the old
manager gets nothing more about them (no reminder, prep, prompt, agenda, button effect or listing), and the new
manager's one-on-one works with its prep."""

from datetime import UTC, datetime, timedelta

from conftest import eventually
from nudge_fixtures import (
    MEETING,
    add_deal,
    add_other_team,
    dms,
    listeners_done,
    replay,
    reply,
    run_hourly,
    set_weekly,
    updates,
)
from sqlalchemy import func, select

from storage.followups.models import AgendaItem, OneOnOneMeeting
from storage.models import Person

NEXT_WEEK = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)  # Sunday noon UTC: 45 hours take in every reminder, the
# overdue nudge (Monday morning) and the Held/Moved/Skipped prompt (Tuesday 09:30 Vilnius) of the old pair


def _move(bot, rep: str, manager: str) -> None:
    """The roster moves the rep to another manager (and that manager's team)."""
    with bot.services.sessions.begin() as s:
        person = s.query(Person).filter_by(slack_id=rep).one()
        new = s.query(Person).filter_by(slack_id=manager).one()
        person.manager_id, person.team_id = new.id, new.team_id


def _about_rep5(bot, user: str) -> list[dict]:
    return [m for m in bot.slack.messages(user) if "Rep 5" in str(m.get("blocks")) + str(m.get("text"))]


def _a_pair_with_a_reminder_and_a_prompt(bot):
    """Maria and Rep 5 (weekly, Tuesdays 09:00 Vilnius) with an action item; both reminders and Maria's Held/Moved/
    Skipped prompt are out. Returns Maria's reminder, the prompt and the item id."""
    add_other_team(bot)
    add_deal(bot, "D-REP5", "UREP5", 9000.0)
    set_weekly(bot)
    reply(bot, "UMGR", "action <@UREP5|rep5> 2026-11-27 Send the revised quote")
    run_hourly(bot, "one_on_ones", MEETING - timedelta(hours=35), 12)
    (reminder,) = dms(bot, "UMGR", "One-on-one with Rep 5")
    assert "Your prep (only you see this)" in str(reminder["blocks"])
    run_hourly(bot, "one_on_ones", MEETING, 2)
    (prompt,) = dms(bot, "UMGR", "How did your one-on-one with Rep 5")
    (item_id,) = [int(b["block_id"][5:]) for b in reminder["blocks"] if b.get("block_id", "").startswith("item:")]
    return reminder, prompt, item_id


def test_after_the_rep_moves_the_old_managers_buttons_commands_and_listing_do_nothing(running_bot):
    bot = running_bot
    reminder, prompt, item_id = _a_pair_with_a_reminder_and_a_prompt(bot)
    _move(bot, "UREP5", "UMGR2")
    edits_before = updates(bot)
    replay(bot, "UMGR", prompt, "oneonone_outcome:held", times=1)
    replay(bot, "UMGR", reminder, f"oneonone_item_done:{item_id}", times=1)
    replay(bot, "UREP5", dms(bot, "UREP5", "One-on-one with Maria")[0], f"oneonone_item_done:{item_id}", times=1)
    with listeners_done(bot):
        assert bot.actor.click(None, "UMGR", reminder, "oneonone_add").status == 200
    with bot.services.sessions.begin() as s:
        assert s.scalar(select(func.count()).select_from(OneOnOneMeeting)) == 0
        assert s.scalar(select(AgendaItem.done).where(AgendaItem.id == item_id)) is False
    assert updates(bot) == edits_before and not bot.slack.open_views  # no edit shows a new agenda or prep
    assert "no one-on-one yet" in reply(bot, "UMGR", "add <@UREP5|rep5> Quarter plan")
    assert "no one-on-one yet" in reply(bot, "UREP5", "add <@UMGR|maria> Pricing")
    assert "Rep 5" not in reply(bot, "UMGR", "list") and "Maria" not in reply(bot, "UREP5", "list")
    bot.actor.app_home_opened(None, "UMGR")
    home = eventually(lambda: bot.slack.home_view("UMGR"))
    assert home and "Rep 5" not in str(home)


def test_after_the_rep_moves_only_the_new_manager_gets_reminders_and_prep_about_them(running_bot):
    bot = running_bot
    _a_pair_with_a_reminder_and_a_prompt(bot)
    _move(bot, "UREP5", "UMGR2")
    bot.clock.now = MEETING + timedelta(hours=2)
    assert "One-on-one with Rep 5" in reply(bot, "UMGR2", "<@UREP5|rep5> weekly tue 09:00")  # Kuala Lumpur time
    old_manager, rep_from_old = len(_about_rep5(bot, "UMGR")), len(dms(bot, "UREP5", "One-on-one with Maria"))
    run_hourly(bot, "one_on_ones", NEXT_WEEK, 45)
    assert len(_about_rep5(bot, "UMGR")) == old_manager  # no reminder, prep, prompt or overdue nudge
    assert len(dms(bot, "UREP5", "One-on-one with Maria")) == rep_from_old
    (new,) = dms(bot, "UMGR2", "One-on-one with Rep 5")
    assert "Your prep (only you see this)" in str(new["blocks"]) and "1 open deal needs a follow-up" in str(
        new["blocks"])
    assert dms(bot, "UREP5", "One-on-one with Omar Other")
