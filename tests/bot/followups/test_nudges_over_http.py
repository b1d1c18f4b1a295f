"""Follow-up nudge buttons over signed HTTP: Snooze, Done and Not relevant each record once even when Slack
retries the same request, and edit the nudge DM in place; a snoozed deal comes back when the snooze ends."""

from datetime import UTC, date, datetime, timedelta

from conftest import eventually
from nudge_fixtures import add_deal, dms, listeners_done, replay, run_hourly, updates, wait_updates
from sqlalchemy import func, select

from storage.crm.models import CrmActivity
from storage.followups.models import FollowupHold

MONDAY_AUCKLAND = datetime(2026, 11, 22, 20, 30, tzinfo=UTC)  # Monday 23 November, 09:30 in Auckland (UREP5)


def _seed(bot) -> dict[str, int]:
    return {"big": add_deal(bot, "D-1", "UREP5", 9000.0),
            "small": add_deal(bot, "D-2", "UREP5", 100.0, account="Globex", next_step="Send the quote",
                              next_step_on=date(2026, 11, 20), last_activity_on=date(2026, 11, 20))}


def _nudge(bot) -> dict:
    bot.clock.now = MONDAY_AUCKLAND
    assert bot.job("nudges").startswith("queued 1 follow-up nudge(s)")
    bot.deliver()
    (dm,) = dms(bot, "UREP5", "Follow-ups for today")
    return dm


def _holds(bot, deal_id: int) -> list[FollowupHold]:
    with bot.services.sessions.begin() as s:
        rows = s.scalars(select(FollowupHold).where(FollowupHold.deal_id == deal_id)).all()
        s.expunge_all()
        return list(rows)


def _snooze_value(dm: dict, deal_id: int, days: int) -> str:
    actions = next(b for b in dm["blocks"] if b.get("block_id") == f"deal-actions:{deal_id}")
    select_ = next(e for e in actions["elements"] if e["type"] == "static_select")
    return next(o["value"] for o in select_["options"] if o["value"].endswith(f"|{days}"))


def test_the_nudge_lists_the_largest_deal_first_with_each_reason_in_words_and_numbers(running_bot):
    bot = running_bot
    ids = _seed(bot)
    text = str(_nudge(bot)["blocks"])
    assert text.index("Acme") < text.index("Globex")
    assert "no activity for 22 days (limit 14)" in text
    assert "next step was due Nov 20, 2026: 3 days overdue (“Send the quote”)" in text
    assert f"nudge:done:{ids['big']}" in text and f"nudge:mute:{ids['small']}" in text


def test_snooze_is_recorded_once_under_slack_retries_and_edits_the_dm_in_place(running_bot):
    bot = running_bot
    ids = _seed(bot)
    dm = _nudge(bot)
    replay(bot, "UREP5", dm, f"nudge:snooze:{ids['big']}", _snooze_value(dm, ids["big"], 3), times=3)
    assert wait_updates(bot, 1)
    (hold,) = _holds(bot, ids["big"])
    assert hold.until == MONDAY_AUCKLAND + timedelta(days=3) and not hold.muted
    assert updates(bot) == 1
    edited = bot.slack.messages("UREP5")[0]
    shown = str(edited["blocks"])
    assert "Snoozed until Thu, Nov 26 9:30" in shown  # in Auckland time
    assert f"nudge:snooze:{ids['big']}" not in shown and f"nudge:snooze:{ids['small']}" in shown


def test_a_snoozed_deal_stays_quiet_until_the_snooze_ends_then_comes_back(running_bot):
    bot = running_bot
    ids = _seed(bot)
    dm = _nudge(bot)
    with listeners_done(bot):
        bot.actor.select(None, "UREP5", dm, f"nudge:snooze:{ids['big']}", _snooze_value(dm, ids["big"], 3))
    assert wait_updates(bot, 1)
    said = run_hourly(bot, "nudges", MONDAY_AUCKLAND + timedelta(hours=1), 24 * 4)  # to Friday 09:30 Auckland
    sent = [at for at, summary in said.items() if not summary.startswith("queued 0 follow-up nudge(s)")]
    assert sent == [datetime(2026, 11, 25, 20, 30, tzinfo=UTC)]  # Thursday 09:30 Auckland, as the snooze ends
    again = dms(bot, "UREP5", "Follow-ups for today")[-1]
    assert "Acme" in str(again["blocks"]) and "Globex" not in str(again["blocks"])  # the other is unchanged


def test_done_logs_one_activity_and_not_relevant_mutes_for_good_both_under_retries(running_bot):
    bot = running_bot
    ids = _seed(bot)
    dm = _nudge(bot)
    replay(bot, "UREP5", dm, f"nudge:done:{ids['big']}")
    assert wait_updates(bot, 1)
    replay(bot, "UREP5", bot.slack.messages("UREP5")[0], f"nudge:mute:{ids['small']}")
    assert wait_updates(bot, 2)
    assert updates(bot) == 2
    with bot.services.sessions.begin() as s:
        logged = s.scalar(select(func.count()).select_from(CrmActivity)
                          .where(CrmActivity.external_id.like("nudge-done:%")))
        assert logged == 1
    assert [h.muted for h in _holds(bot, ids["small"])] == [True]
    shown = str(bot.slack.messages("UREP5")[0]["blocks"])
    assert "Done: an activity is logged for Nov 23, 2026" in shown and "Not relevant: no more nudges" in shown
    # three weeks on: the muted reason never returns; a new reason (too long in one stage) does, for both
    later = run_hourly(bot, "nudges", MONDAY_AUCKLAND + timedelta(days=21), 1)
    assert list(later.values()) == ["queued 1 follow-up nudge(s) and 0 follow-up digest(s)"]
    blocks = {b.get("block_id"): str(b) for b in dms(bot, "UREP5", "Follow-ups for today")[-1]["blocks"]}
    acme, globex = blocks[f"deal:{ids['big']}"], blocks[f"deal:{ids['small']}"]
    assert "in stage Proposal for 43 days (limit 30)" in acme and "no activity" not in acme  # quiet since Done
    assert "no activity for 24 days (limit 14)" in globex and "next step" not in globex  # muted for good


def test_a_click_on_someone_elses_deal_is_refused_to_them_only_and_records_nothing(running_bot):
    bot = running_bot
    ids = _seed(bot)
    dm = _nudge(bot)
    before = len(bot.slack.response_posts)
    with listeners_done(bot):
        assert bot.actor.click(None, "UREP4", dm, f"nudge:done:{ids['big']}").status == 200
    post = eventually(lambda: bot.slack.response_posts[before] if len(bot.slack.response_posts) > before else None)
    assert "no longer yours to follow up" in str(post["body"])
    assert _holds(bot, ids["big"])[0].until is None  # only the hold the nudge itself set
    assert updates(bot) == 0


def test_a_late_copy_of_an_older_snooze_does_not_undo_a_newer_done(running_bot):
    bot = running_bot
    ids = _seed(bot)
    dm = _nudge(bot)
    with listeners_done(bot):
        snooze = bot.actor.click(None, "UREP5", dm, f"nudge:snooze:{ids['big']}", _snooze_value(dm, ids["big"], 3))
    assert wait_updates(bot, 1)
    with listeners_done(bot):
        bot.actor.click(None, "UREP5", dm, f"nudge:done:{ids['big']}")  # from a view not yet refreshed
    assert wait_updates(bot, 2)
    with listeners_done(bot, 2):
        assert bot.actor.replay(None, snooze, retry_num=1).status == 200
        assert bot.actor.replay(None, snooze, retry_num=None).status == 200  # captured and sent again
    bot.deliver()
    (hold,) = _holds(bot, ids["big"])
    assert hold.until is None and not hold.muted  # done: quiet until the deal changes, not snoozed to Thursday
    assert updates(bot) == 2


def test_a_button_value_naming_someone_elses_nudge_dm_records_on_the_clickers_deal_but_edits_no_dm(running_bot):
    bot = running_bot
    ids = _seed(bot)
    add_deal(bot, "D-9", "UREP0", 500.0)
    dm = _nudge(bot)
    bot.clock.now = MONDAY_AUCKLAND + timedelta(hours=5)  # Monday 09:30 in Kuala Lumpur (UREP0)
    bot.job("nudges")
    bot.deliver()
    (theirs,) = dms(bot, "UREP0", "nudge:done:")  # in Malay, UREP0's language
    key = theirs["metadata"]["event_payload"]["key"]
    done = next(e for b in dm["blocks"] if b.get("block_id") == f"deal-actions:{ids['big']}"
                for e in b["elements"] if e.get("action_id") == f"nudge:done:{ids['big']}")
    forged = "|".join([key, *done["value"].split("|")[1:]])  # UREP0's DM key on UREP5's own deal
    with listeners_done(bot):
        assert bot.actor.click(None, "UREP5", dm, f"nudge:done:{ids['big']}", forged).status == 200
    assert eventually(lambda: _holds(bot, ids["big"])[0].action_ts is not None)  # the rep's own Done counts
    bot.deliver()
    assert updates(bot) == 0  # but no DM, theirs or anyone's, is edited through a forged key
