"""Loss reasons over signed HTTP: an import turns a deal lost, its owner is asked why once in their working hours
(one reminder, then silence), one click records the reason, the modal takes a competitor and a note; only the
owner answers; an import that brings the reason asks nothing."""

import json
from datetime import UTC, date, datetime, timedelta

from conftest import eventually
from nudge_fixtures import add_deal, dms, listeners_done, person_ids
from sqlalchemy import select

from bot.cli.main import main
from storage.crm.importer import apply_crm_file
from storage.crm.models import CrmDeal
from storage.crm.rows import CrmFile

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
    assert (deal.loss_reason, deal.competitor, deal.loss_note) == ("competitor", "Acme CRM", NOTE)
    shown = eventually(lambda: [m for m in bot.slack.messages("UREP5") if m["ts"] == dm["ts"]
                                and "Acme CRM" in json.dumps(m["blocks"])])
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
