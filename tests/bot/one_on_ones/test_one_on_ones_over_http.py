"""`/oneonone` and the one-on-one buttons over signed HTTP: managers set cadences for their own reports, either
side adds talking points (by command or through the reminder's modal), Done on action items and Held/Moved/Skipped
each record once under Slack retries and edit the DMs in place."""

from datetime import date, timedelta

from conftest import eventually
from nudge_fixtures import (
    MEETING,
    add_other_team,
    dms,
    listeners_done,
    replay,
    reply,
    run_hourly,
    set_weekly,
    updates,
    wait_updates,
)
from sqlalchemy import func, select

from storage.followups.models import AgendaItem, OneOnOne, OneOnOneMeeting


def _count(bot, model) -> int:
    with bot.services.sessions.begin() as s:
        return s.scalar(select(func.count()).select_from(model))


def _reminders(bot) -> None:
    """Both sides' reminders: Monday 09:00 in Auckland (Sunday 20:00 UTC) and Monday 09:00 in Vilnius."""
    run_hourly(bot, "one_on_ones", MEETING - timedelta(hours=35), 12)


def test_a_manager_sets_a_weekly_one_on_one_with_a_direct_report_and_nobody_else(running_bot):
    bot = running_bot
    add_other_team(bot)
    assert "One-on-one with Rep 5: weekly at 09:00, your time. The next is Tue, Nov 24 9:00" in set_weekly(bot)
    assert "only with your direct reports" in reply(bot, "UREP5", "<@UMGR|maria> weekly mon 10:00")
    assert "only with your direct reports" in reply(bot, "UMGR", "<@UOTHER|olga> weekly mon 10:00")
    assert "cadence 'yearly' is not one of weekly, biweekly, monthly" in reply(bot, "UMGR",
                                                                            "<@UREP4|rep4> yearly mon 10:00")
    assert "/oneonone add @person text" in reply(bot, "UMGR", "something else")
    assert _count(bot, OneOnOne) == 1


def test_either_side_adds_talking_points_and_action_items_and_the_list_shows_the_agenda(running_bot):
    bot = running_bot
    set_weekly(bot)
    assert "Added to your next one-on-one with Maria Manager: Pricing for Acme" in reply(
        bot, "UREP5", "add <@UMGR|maria> Pricing for Acme")
    assert "Added" in reply(bot, "UMGR", "action <@UREP5|rep5> 2026-11-27 Send the revised quote")
    assert "Added" in reply(bot, "UMGR", "action <@UREP5|rep5> me 2026-11-30 Call their CFO")
    assert "no one-on-one yet" in reply(bot, "UREP4", "add <@UMGR|maria> Hello")
    listing = reply(bot, "UREP5", "")
    assert "*Maria Manager*: weekly at 09:00 · next on Nov 24, 2026" in listing
    assert "Pricing for Acme" in listing
    assert "Send the revised quote — Rep 5, due Nov 27, 2026" in listing
    assert "Call their CFO — Maria Manager, due Nov 30, 2026" in listing


def test_done_on_an_action_item_is_recorded_once_and_both_reminders_are_edited(running_bot):
    bot = running_bot
    set_weekly(bot)
    reply(bot, "UMGR", "action <@UREP5|rep5> 2026-11-27 Send the revised quote")
    _reminders(bot)
    (rep_dm,) = dms(bot, "UREP5", "One-on-one with Maria Manager")
    (item_id,) = [int(b["block_id"][5:]) for b in rep_dm["blocks"] if b.get("block_id", "").startswith("item:")]
    replay(bot, "UREP5", rep_dm, f"oneonone_item_done:{item_id}", times=3)
    assert wait_updates(bot, 2)
    assert updates(bot) == 2  # the rep's reminder and the manager's, each once
    with bot.services.sessions.begin() as s:
        assert s.scalar(select(AgendaItem.done).where(AgendaItem.id == item_id)) is True
    for user in ("UREP5", "UMGR"):
        shown = str(dms(bot, user, "One-on-one with")[0]["blocks"])
        assert "Done: Send the revised quote" in shown and f"oneonone_item_done:{item_id}" not in shown


def test_add_a_talking_point_opens_a_modal_whose_item_is_added_once_and_shown_in_both_reminders(running_bot):
    bot = running_bot
    set_weekly(bot)
    _reminders(bot)
    (manager_dm,) = dms(bot, "UMGR", "One-on-one with Rep 5")
    with listeners_done(bot):
        assert bot.actor.click(None, "UMGR", manager_dm, "oneonone_add").status == 200
    view = eventually(lambda: next(iter(bot.slack.open_views.values()), None))
    assert view["callback_id"] == "oneonone_add_view"
    with listeners_done(bot, 2):  # submitted, then the same submission retried by Slack
        for retry in (None, 1):
            answer = bot.actor.submit_view(None, view, {"text": "Quarter plan", "kind": "action", "owner": "other",
                                                        "due": "2026-12-01"}, user_id="UMGR", retry_num=retry)
            assert answer.status == 200 and answer.body.strip() == b""
    assert wait_updates(bot, 2)
    assert _count(bot, AgendaItem) == 1 and updates(bot) == 2
    assert "Quarter plan — Rep 5, due Dec 1, 2026" in str(dms(bot, "UREP5", "One-on-one with")[0]["blocks"])


def test_an_action_item_without_an_owner_is_refused_in_the_modal(running_bot):
    bot = running_bot
    set_weekly(bot)
    _reminders(bot)
    with listeners_done(bot):
        bot.actor.click(None, "UREP5", dms(bot, "UREP5", "One-on-one with")[0], "oneonone_add")
    view = eventually(lambda: next(iter(bot.slack.open_views.values()), None))
    answer = bot.actor.submit_view(None, view, {"text": "Something", "kind": "action"}, user_id="UREP5")
    assert answer.json() == {"response_action": "errors", "errors": {"owner": "Say who does this action item."}}
    assert _count(bot, AgendaItem) == 0


def test_held_after_the_slot_is_recorded_once_under_retries_and_carries_the_talking_points(running_bot):
    bot = running_bot
    set_weekly(bot)
    reply(bot, "UREP5", "add <@UMGR|maria> Pricing for Acme")
    run_hourly(bot, "one_on_ones", MEETING, 2)  # the prompt comes once the slot has begun (plus 30 minutes)
    (prompt,) = dms(bot, "UMGR", "How did your one-on-one with Rep 5")
    replay(bot, "UMGR", prompt, "oneonone_outcome:held", times=3)
    assert wait_updates(bot, 1)
    assert updates(bot) == 1 and _count(bot, OneOnOneMeeting) == 1
    with bot.services.sessions.begin() as s:
        assert s.scalar(select(AgendaItem.carried)) is True
    shown = dms(bot, "UMGR", "How did your one-on-one")[0]
    assert "Held. Open talking points carry over" in str(shown["blocks"])
    with listeners_done(bot):
        bot.actor.select(None, "UMGR", shown, "oneonone_outcome:moved_to", "2026-11-26")
    assert wait_updates(bot, 2)
    with bot.services.sessions.begin() as s:
        assert s.execute(select(OneOnOneMeeting.outcome, OneOnOneMeeting.moved_to)).one() == ("moved",
                                                                                              date(2026, 11, 26))
    assert "Moved to Nov 26, 2026" in str(dms(bot, "UMGR", "How did your one-on-one")[0]["blocks"])


def test_an_outcome_changed_back_and_forth_edits_the_prompt_every_time(running_bot):
    bot = running_bot
    set_weekly(bot)
    run_hourly(bot, "one_on_ones", MEETING, 2)
    for n, outcome in enumerate(("held", "skipped", "held", "skipped"), start=1):  # the third change is the first's
        with listeners_done(bot):
            bot.actor.click(None, "UMGR", dms(bot, "UMGR", "How did your one-on-one")[0], f"oneonone_outcome:{outcome}")
        assert wait_updates(bot, n)
    assert updates(bot) == 4
    assert "Skipped. The agenda waits for the next one." in str(dms(bot, "UMGR", "How did your one-on-one")[0])


def test_a_late_copy_of_an_older_outcome_click_leaves_the_newer_outcome(running_bot):
    bot = running_bot
    set_weekly(bot)
    run_hourly(bot, "one_on_ones", MEETING, 2)
    (prompt,) = dms(bot, "UMGR", "How did your one-on-one with Rep 5")
    with listeners_done(bot):
        held = bot.actor.click(None, "UMGR", prompt, "oneonone_outcome:held")
    assert wait_updates(bot, 1)
    with listeners_done(bot):
        bot.actor.select(None, "UMGR", dms(bot, "UMGR", "How did your one-on-one")[0], "oneonone_outcome:moved_to",
                         "2026-11-26")
    assert wait_updates(bot, 2)
    with listeners_done(bot, 2):
        assert bot.actor.replay(None, held, retry_num=1).status == 200
        assert bot.actor.replay(None, held, retry_num=None).status == 200  # captured and sent again
    bot.deliver()
    with bot.services.sessions.begin() as s:
        assert s.execute(select(OneOnOneMeeting.outcome, OneOnOneMeeting.moved_to)).one() == ("moved",
                                                                                              date(2026, 11, 26))
    assert updates(bot) == 2
