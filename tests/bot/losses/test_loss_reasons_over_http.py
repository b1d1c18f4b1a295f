"""Loss reasons over signed HTTP: an import turns a deal lost, its owner is asked why once in their working hours
(one reminder, then silence), one click records the reason, the modal takes a competitor and a note; only the
owner answers; an import that brings the reason asks nothing."""

import json
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlencode

import pytest
from conftest import eventually
from nudge_fixtures import add_deal, dms, listeners_done, person_ids
from sqlalchemy import select

from bot.cli.main import main
from bot.losses.usecases import Posted
from bot.slack_double import payloads
from storage.competitors import add_competitor
from storage.crm.importer import apply_crm_file
from storage.crm.models import CrmDeal
from storage.crm.rows import CrmFile
from storage.followups.models import NudgeLog
from storage.models import Person

SUNDAY_NIGHT_AUCKLAND = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)  # Sunday 23:00 in Auckland (UREP5)
MONDAY_AUCKLAND = datetime(2026, 11, 22, 20, 30, tzinfo=UTC)  # Monday 23 November, 09:30 in Auckland
NOTE = "They went with <!channel> the cheaper one, ask <@UMGR>"


def _import(bot, rows: list[dict], now: datetime) -> None:
    columns = {name: [r.get(name) for r in rows] for name in dict.fromkeys(k for r in rows for k in r)}
    owners = person_ids(bot)
    columns["owner_id"] = [owners[o] for o in columns.pop("owner")]
    with bot.services.sessions.begin() as s:
        apply_crm_file(s, CrmFile("deals.csv", "deals", len(rows), columns), now=now)


def _lose(bot, external_id: str, now: datetime, **fields) -> None:
    _import(bot, [{"external_id": external_id, "owner": "UREP5", "stage": "Closed Lost", "outcome": "lost",
                   "closed_on": date(2026, 11, 20), **fields}], now)


def _stored(bot, external_id: str) -> CrmDeal:
    with bot.services.sessions.begin() as s:
        deal = s.scalar(select(CrmDeal).where(CrmDeal.external_id == external_id))
        s.expunge(deal)
        return deal


def _asks(bot, user: str = "UREP5") -> list[dict]:
    return dms(bot, user, "loss_reason:price")


def test_a_lost_deal_is_asked_about_once_in_working_hours_and_one_click_records_the_reason(running_bot):
    bot = running_bot
    add_deal(bot, "D-1", "UREP5", 9000.0)
    _lose(bot, "D-1", SUNDAY_NIGHT_AUCKLAND)
    bot.clock.now = SUNDAY_NIGHT_AUCKLAND
    bot.job("loss_reasons")
    bot.deliver()
    assert _asks(bot) == []  # 23:00 on a Sunday: it waits for working hours
    bot.clock.now = MONDAY_AUCKLAND
    for _ in range(2):  # a second run sends nothing twice
        bot.job("loss_reasons")
        bot.deliver()
    (dm,) = _asks(bot)
    assert "D-1" in json.dumps(dm["blocks"])
    with listeners_done(bot):
        assert bot.actor.click(None, "UREP5", dm, "loss_reason:price").status == 200
    assert eventually(lambda: _stored(bot, "D-1").loss_reason == "price")
    edited = eventually(lambda: [m for m in bot.slack.messages("UREP5") if m["ts"] == dm["ts"]
                                 and "loss_reason:price" not in json.dumps(m["blocks"])])
    assert edited  # the DM shows the answer instead of the buttons
    bot.clock.now = MONDAY_AUCKLAND + timedelta(days=3)
    bot.job("loss_reasons")
    bot.deliver()
    assert _asks(bot) == []  # answered: no reminder (the one DM shows the answer, no buttons)


def test_the_details_modal_stores_competitor_and_note_escaped_and_only_the_owner_may_answer(running_bot):
    bot = running_bot
    add_deal(bot, "D-2", "UREP5", 5000.0)
    _lose(bot, "D-2", MONDAY_AUCKLAND)
    bot.clock.now = MONDAY_AUCKLAND
    bot.job("loss_reasons")
    bot.deliver()
    (dm,) = _asks(bot)
    with listeners_done(bot):  # a forged click: another rep presses the owner's button
        assert bot.actor.click(None, "UREP4", dm, "loss_reason:timing").status == 200
    assert _stored(bot, "D-2").loss_reason is None
    with bot.services.sessions.begin() as session:
        add_competitor(session, "ACME CRM")  # the admin's list, in its own spelling
    before = set(bot.slack.open_views)
    with listeners_done(bot):
        bot.actor.click(None, "UREP5", dm, "loss_details")
    view = eventually(lambda: next((v for k, v in bot.slack.open_views.items() if k not in before), None))
    assert view["callback_id"] == "loss_details_view"
    with listeners_done(bot):
        answer = bot.actor.submit_view(None, view, {"reason": "competitor", "competitor_text": "  Acme   CRM ",
                                                    "note": NOTE}, user_id="UREP5")
    assert answer.status == 200
    deal = eventually(lambda: (d := _stored(bot, "D-2")).loss_reason and d)
    assert (deal.loss_reason, deal.competitor, deal.loss_note) == ("competitor", "ACME CRM", NOTE)  # as listed
    shown = eventually(lambda: [m for m in bot.slack.messages("UREP5") if m["ts"] == dm["ts"]
                                and "ACME CRM" in json.dumps(m["blocks"])])
    assert "<!channel>" not in json.dumps(shown)


def test_one_reminder_two_days_later_then_silence_and_an_imported_reason_asks_nothing(running_bot, monkeypatch,
                                                                                     capsys):
    bot = running_bot
    monkeypatch.setenv("DATABASE_URL", bot.services.settings.database_url)
    assert main(["team", "loss-reasons", "Hunters", "price, weather"]) == 1
    assert capsys.readouterr().err.strip().splitlines() == [
        "salescoach: unknown reason weather; expected some of price, competitor, timing, no_decision, product_gap, "
        "other, comma-separated"]
    assert main(["team", "loss-reasons", "Hunters", "price, timing, Other"]) == 0  # three reasons only, in order
    _lose(bot, "D-3", MONDAY_AUCKLAND)  # arrives lost (closed 3 days before): asked about
    _lose(bot, "D-4", MONDAY_AUCKLAND, loss_reason="price", competitor="Acme CRM")  # the CRM says why already
    for day in range(6):
        bot.clock.now = MONDAY_AUCKLAND + timedelta(days=day)
        bot.job("loss_reasons")
        bot.deliver()
    asks = _asks(bot)
    assert len(asks) == 2  # the ask and one reminder, then nothing on days 3 to 5
    assert "Reminder" in json.dumps(asks[-1]["blocks"])
    assert "D-4" not in json.dumps(asks)
    offered = [e["action_id"] for b in asks[-1]["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert offered == ["loss_reason:price", "loss_reason:timing", "loss_reason:other", "loss_details"]
    assert (_stored(bot, "D-4").loss_reason, _stored(bot, "D-4").competitor) == ("price", "Acme CRM")
    _lose(bot, "D-4", MONDAY_AUCKLAND + timedelta(days=7))  # re-imported without the column: the reason stays
    assert _stored(bot, "D-4").loss_reason == "price"


def _modal(bot, dm: dict, values: dict) -> None:
    before = set(bot.slack.open_views)
    with listeners_done(bot):
        bot.actor.click(None, "UREP5", dm, "loss_details")
    view = eventually(lambda: next((v for k, v in bot.slack.open_views.items() if k not in before), None))
    with listeners_done(bot):
        assert bot.actor.submit_view(None, view, values, user_id="UREP5").status == 200


@pytest.mark.both_databases
def test_a_later_click_changes_only_the_reason_and_a_replayed_click_changes_nothing(running_bot):
    bot = running_bot
    _lose(bot, "D-7", MONDAY_AUCKLAND)
    for day in (0, 2):  # the ask, then its reminder: two DMs with buttons
        bot.clock.now = MONDAY_AUCKLAND + timedelta(days=day)
        bot.job("loss_reasons")
        bot.deliver()
    first, reminder = _asks(bot)
    block_id, element = payloads.find_element(first["blocks"], "loss_reason:timing")
    click = urlencode({"payload": json.dumps(payloads.block_actions(
        bot.slack.workspace, user_id="UREP5", source=first, action=payloads.action_for(element, block_id, None),
        trigger_id=bot.actor.trigger_id("UREP5"),
        response_url=bot.slack.issue_response_url(first["channel"], "UREP5", first["ts"])))}).encode()
    with listeners_done(bot):
        bot.actor.post(None, click, "application/x-www-form-urlencoded")
    assert eventually(lambda: _stored(bot, "D-7").loss_reason == "timing")
    _modal(bot, reminder, {"reason": "competitor", "competitor_text": "Acme CRM", "note": "cheaper"})
    assert eventually(lambda: _stored(bot, "D-7").loss_reason == "competitor")
    with listeners_done(bot):  # Slack retries the first click after the modal was saved: the same payload
        bot.actor.post(None, click, "application/x-www-form-urlencoded", retry_num=1)
    deal = _stored(bot, "D-7")
    assert (deal.loss_reason, deal.competitor, deal.loss_note) == ("competitor", "Acme CRM", "cheaper")
    (fresh,) = [m for m in bot.slack.messages("UREP5") if m["ts"] == first["ts"]]
    with listeners_done(bot):  # a new click on the first DM: the reason changes, the competitor and note stay
        bot.actor.click(None, "UREP5", dict(fresh, blocks=first["blocks"]), "loss_reason:price")
    deal = eventually(lambda: (d := _stored(bot, "D-7")).loss_reason == "price" and d)
    assert (deal.competitor, deal.loss_note) == ("Acme CRM", "cheaper")


def test_a_deal_reopened_and_lost_again_is_asked_about_afresh(running_bot):
    bot = running_bot
    _lose(bot, "D-9", MONDAY_AUCKLAND)
    bot.clock.now = MONDAY_AUCKLAND
    bot.job("loss_reasons")
    bot.deliver()
    (dm,) = _asks(bot)
    with listeners_done(bot):
        bot.actor.click(None, "UREP5", dm, "loss_reason:price")
    assert eventually(lambda: _stored(bot, "D-9").loss_reason == "price")
    _import(bot, [{"external_id": "D-9", "owner": "UREP5", "stage": "Open", "outcome": "open"}],
            MONDAY_AUCKLAND + timedelta(days=1))
    assert _stored(bot, "D-9").loss_reason is None  # a reopened deal keeps no reason
    later = MONDAY_AUCKLAND + timedelta(days=21)  # a Monday again
    _import(bot, [{"external_id": "D-9", "owner": "UREP5", "stage": "Closed Lost", "outcome": "lost",
                   "closed_on": later.date()}], later)
    bot.clock.now = later
    bot.job("loss_reasons")
    bot.deliver()
    assert len(_asks(bot)) == 1 and "Reminder" not in json.dumps(_asks(bot)[0]["blocks"])  # a first ask again


def test_an_owner_outside_slack_is_not_recorded_as_asked_so_their_first_dm_is_never_a_reminder(running_bot):
    bot = running_bot
    _lose(bot, "D-11", MONDAY_AUCKLAND)
    with bot.services.sessions.begin() as s:
        s.query(Person).filter(Person.slack_id == "UREP5").one().slack_id = None
    bot.clock.now = MONDAY_AUCKLAND
    bot.job("loss_reasons")
    with bot.services.sessions.begin() as s:
        s.query(Person).filter(Person.email == "rep5@example.com").one().slack_id = "UREP5"
        assert s.query(NudgeLog).count() == 0  # nothing sent, nothing recorded
    bot.clock.now = MONDAY_AUCKLAND + timedelta(days=2)
    bot.job("loss_reasons")
    bot.deliver()
    (dm,) = _asks(bot)
    assert "Reminder" not in json.dumps(dm["blocks"])


def test_a_button_value_that_is_not_a_loss_key_is_ignored():
    assert Posted.parse("loss:²:1:1") is None and Posted.parse("loss:1:1:1:reminder:x") is None
    assert Posted.parse("loss:12:3:4:reminder") == Posted("loss:12:3:4:reminder", 12)
