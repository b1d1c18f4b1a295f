"""Accounts not left to go quiet, through Slack: a quiet high-potential account, a 30-day check-in after a win and an
account whose last contact left all come in the rep's ONE daily follow-up DM; an account's Done records once under
Slack's retries and edits that DM in place; App Home shows the same items; someone else's click is refused."""

from datetime import UTC, date, datetime, timedelta

from conftest import eventually
from nudge_fixtures import SEEDED, dms, listeners_done, person_ids, replay, wait_updates
from sqlalchemy import select

from storage.crm.models import CrmAccount, CrmActivity, CrmContact, CrmDeal
from storage.followups.models import AccountHold

MONDAY_AUCKLAND = datetime(2026, 11, 22, 20, 30, tzinfo=UTC)  # Monday 23 November, 09:30 in Auckland (UREP5)


def _seed(bot) -> dict[str, int]:
    rep = person_ids(bot)["UREP5"]
    with bot.services.sessions.begin() as s:
        hooli, acme, globex = (CrmAccount(name=n, owner_id=rep, potential_tier=t)
                               for n, t in (("Hooli", "high"), ("Acme", None), ("Globex", None)))
        s.add_all([hooli, acme, globex])
        s.flush()
        s.add(CrmActivity(rep_id=rep, day=date(2026, 10, 1), week_start=date(2026, 9, 28), month=date(2026, 10, 1),
                          kind="call", account_id=hooli.id))
        s.add(CrmDeal(external_id="D-7", owner_id=rep, account_id=acme.id, stage="won", outcome="won", amount=5000.0,
                      closed_on=date(2026, 10, 24), updated_at=SEEDED))
        s.add_all([CrmContact(external_id="C-1", account_id=globex.id, name="Ada", left_on=date(2026, 11, 20)),
                   CrmContact(external_id="C-2", account_id=globex.id, name="Bo", left_on=date(2026, 8, 1))])
        return {"rep": rep, "Hooli": hooli.id, "Acme": acme.id, "Globex": globex.id}


def _nudge(bot) -> dict:
    bot.clock.now = MONDAY_AUCKLAND
    assert bot.job("nudges").startswith("queued 1 follow-up nudge(s)")
    bot.deliver()
    (dm,) = dms(bot, "UREP5", "Follow-ups for today")
    return dm


def test_one_daily_dm_carries_every_account_item_and_done_on_one_records_once_and_edits_it(running_bot):
    bot = running_bot
    ids = _seed(bot)
    dm = _nudge(bot)
    text = str(dm["blocks"])
    assert "*3 accounts to keep in touch with*" in text and dm["text"] == "Follow-ups for today: 3 accounts"
    assert "its last known contact left on Nov 20, 2026: rebuild the relationship" in text
    assert "check in with Acme: won D-7 30 days ago" in text
    assert "no activity on this account for 53 days (high potential: limit 30)" in text
    assert text.index("Globex") < text.index("Acme") < text.index("Hooli")  # the most pressing first
    bot.clock.now = MONDAY_AUCKLAND.replace(hour=23)
    assert bot.job("nudges").startswith("queued 0 follow-up nudge(s)")  # once a local day, never a second DM

    replay(bot, "UREP5", dm, f"nudge_account:done:{ids['Acme']}", times=2)
    assert wait_updates(bot, 1)
    with bot.services.sessions.begin() as s:
        logged = s.scalars(select(CrmActivity).where(CrmActivity.account_id == ids["Acme"])).all()
        assert [(a.rep_id, a.day, a.kind) for a in logged] == [(ids["rep"], date(2026, 11, 23), "other")]
        holds = {(h.account_id, h.rule, h.subject) for h in s.scalars(select(AccountHold))}
        assert (ids["Acme"], "check_in_30", str(s.scalar(select(CrmDeal.id)))) in holds and len(holds) == 3
    edited = str(bot.slack.messages("UREP5")[0]["blocks"])
    assert "Done: an activity is logged on this account today." in edited
    assert f"nudge_account:done:{ids['Acme']}" not in edited and f"nudge_account:done:{ids['Hooli']}" in edited

    actions = next(b for b in dm["blocks"] if b.get("block_id") == f"account-actions:{ids['Hooli']}")
    three_days = next(e for e in actions["elements"] if e["type"] == "static_select")["options"][1]["value"]
    with listeners_done(bot):
        bot.actor.select(None, "UREP5", dm, f"nudge_account:snooze:{ids['Hooli']}", three_days)
    assert wait_updates(bot, 2)
    with bot.services.sessions.begin() as s:
        hold = s.scalars(select(AccountHold).where(AccountHold.account_id == ids["Hooli"])).one()
        assert hold.until == bot.clock.now + timedelta(days=3) and not hold.muted


def test_app_home_shows_the_account_items_and_a_click_on_someone_elses_is_refused_and_records_nothing(running_bot):
    bot = running_bot
    ids = _seed(bot)
    bot.clock.now = MONDAY_AUCKLAND
    before = len(bot.slack.calls_to("views.publish"))
    assert bot.actor.app_home_opened(bot.url, "UREP5").status == 200
    assert eventually(lambda: len(bot.slack.calls_to("views.publish")) > before)
    home = str(bot.slack.home_view("UREP5")["blocks"])
    assert "*3 accounts to keep in touch with*" in home and f"nudge_account:snooze:{ids['Globex']}" in home
    dm = _nudge(bot)
    before = len(bot.slack.response_posts)
    replay(bot, "UREP1", dm, f"nudge_account:mute:{ids['Hooli']}", times=1)
    assert eventually(lambda: len(bot.slack.response_posts) > before)
    assert "此客户已不由你跟进" in str(bot.slack.response_posts[before])  # UREP1 reads Chinese
    with bot.services.sessions.begin() as s:
        assert not s.scalars(select(AccountHold).where(AccountHold.muted.is_(True))).all()
    with listeners_done(bot):
        bot.actor.click(None, "UREP5", dm, f"nudge_account:mute:{ids['Hooli']}")
    with bot.services.sessions.begin() as s:
        assert s.scalars(select(AccountHold.account_id).where(AccountHold.muted.is_(True))).all() == [ids["Hooli"]]
