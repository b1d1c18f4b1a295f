"""Who is asked why a deal was lost, and when: once in working hours, one reminder two days later, afresh for a
new loss or a new owner."""

from datetime import UTC, date, datetime, timedelta

from coaching.losses.reasons import LostDeal
from coaching.losses.service import ask_key, asks_due
from coaching.timing import Person

MONDAY = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in Kuala Lumpur
PEOPLE = {1: Person(1, 1, "Asia/Kuala_Lumpur"), 2: Person(2, 1, "Asia/Kuala_Lumpur")}


def _deal(owner: int = 1, event: int = 7, reason: str | None = None) -> LostDeal:
    return LostDeal(5, "D-5", owner, "Acme", 900.0, date(2026, 11, 20), reason, event_id=event)


def test_one_ask_then_one_reminder_two_days_later_then_nothing():
    deal = _deal()
    (first,) = asks_due([deal], PEOPLE, sent={}, now=MONDAY, holidays={})
    assert (first.key, first.reminder) == ("loss:5:7:1", False)
    assert asks_due([deal], PEOPLE, sent={first.key: MONDAY}, now=MONDAY + timedelta(days=1), holidays={}) == []
    (again,) = asks_due([deal], PEOPLE, sent={first.key: MONDAY}, now=MONDAY + timedelta(days=2), holidays={})
    assert (again.key, again.reminder) == ("loss:5:7:1:reminder", True)
    done = {first.key: MONDAY, again.key: MONDAY + timedelta(days=2)}
    assert asks_due([deal], PEOPLE, sent=done, now=MONDAY + timedelta(days=9), holidays={}) == []
    assert asks_due([_deal(reason="price")], PEOPLE, sent={}, now=MONDAY, holidays={}) == []  # answered


def test_a_new_owner_or_a_new_loss_is_asked_afresh_and_nobody_outside_working_hours():
    sent = {ask_key(_deal()): MONDAY, f"{ask_key(_deal())}:reminder": MONDAY + timedelta(days=2)}
    later = MONDAY + timedelta(days=3)
    assert [(a.key, a.reminder) for a in asks_due([_deal(owner=2)], PEOPLE, sent=sent, now=later, holidays={})] == [
        ("loss:5:7:2", False)]
    assert [a.key for a in asks_due([_deal(event=8)], PEOPLE, sent=sent, now=later, holidays={})] == ["loss:5:8:1"]
    sunday = MONDAY - timedelta(days=1)
    assert asks_due([_deal()], PEOPLE, sent={}, now=sunday, holidays={}) == []
    assert asks_due([_deal()], PEOPLE, sent={}, now=MONDAY, holidays={1: frozenset({date(2026, 11, 23)})}) == []
