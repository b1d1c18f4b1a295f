"""Loss reason use cases: ask each owner why their deal was lost (once, in their working hours), remind once, then
stay silent; record the owner's answer. Every ask is recorded under its key, so a re-run sends nothing twice."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from coaching.clicks import check_order
from coaching.losses.reasons import LossError, LostDeal, check_answer
from coaching.timing import Holidays, NudgeLog, Person, local_date, may_reach_now
from surveys.availability import DEFAULT_AWAY, DEFAULT_WORKING_TIME, AwayRule, WorkingTime

ASK_WITHIN = timedelta(days=14)  # a loss found longer ago than this is not asked about any more
REMIND_AFTER = timedelta(days=2)  # the one reminder, at the first working moment this long after the ask


@dataclass(frozen=True)
class LossAsk:
    deal: LostDeal
    key: str  # loss:{deal}:{lost event}:{owner}, and :reminder for the reminder
    reminder: bool = False


def ask_key(deal: LostDeal) -> str:
    """One ask per loss and owner: a deal lost again (a new event), or handed to someone else, is asked afresh."""
    return f"loss:{deal.deal_id}:{deal.event_id or 0}:{deal.owner_id}"


class LossStore(NudgeLog, Protocol):
    def awaiting(self, *, since: datetime) -> list[LostDeal]:
        """Deals found lost since then (an import's or the webhook's event) that have no reason yet."""
        ...

    def lost_deal(self, deal_id: int) -> LostDeal | None: ...
    def offered(self, person_id: int) -> tuple[str, ...]: ...
    def sent_at(self, keys: Collection[str]) -> dict[str, datetime]: ...

    def listed_competitor(self, name: str) -> str | None:
        """The admin's list's spelling of this competitor (any case, extra spaces), None when not listed."""
        ...

    def record_reason(self, *, deal_id: int, reason: str, now: datetime, action_ts: str | None = None,
                      details: tuple[str | None, str | None] | None = None) -> LostDeal:
        """Store the reason; with `details` (competitor, note) those too, else they stay as they are."""
        ...


class LossMessenger(Protocol):
    def ask_loss_reason(self, owner: Person, ask: LossAsk) -> bool:
        """Post the ask; False when the owner cannot be reached in Slack (nothing was queued)."""
        ...


def asks_due(deals: Sequence[LostDeal], people: Mapping[int, Person], *, sent: Mapping[str, datetime],
             now: datetime, holidays: Holidays,
             working: WorkingTime = DEFAULT_WORKING_TIME, away: AwayRule = DEFAULT_AWAY) -> list[LossAsk]:
    """The asks due now: a deal without a reason whose owner is at work (working hours of a working day, not
    away) gets its ask once; REMIND_AFTER later, still without a reason, its one reminder; then nothing."""
    due = []
    for deal in sorted(deals, key=lambda d: d.deal_id):
        owner = people.get(deal.owner_id)
        if deal.reason is not None or owner is None or not may_reach_now(owner, now=now, holidays=holidays,
                                                                         working=working, away=away):
            continue
        key = ask_key(deal)
        asked = sent.get(key)
        if asked is None:
            due.append(LossAsk(deal, key))
        elif f"{key}:reminder" not in sent and now - asked >= REMIND_AFTER:
            due.append(LossAsk(deal, f"{key}:reminder", reminder=True))
    return due


def ask_why(store: LossStore, messenger: LossMessenger, *, now: datetime,
            away: AwayRule = DEFAULT_AWAY) -> list[LossAsk]:
    """Send every loss ask and reminder due now, each recorded under its key."""
    deals = store.awaiting(since=now - ASK_WITHIN)
    if not deals:
        return []
    people = {p.person_id: p for p in store.people()}
    keys = [k for d in deals for k in (ask_key(d), f"{ask_key(d)}:reminder")]
    due = asks_due(deals, people, sent=store.sent_at(keys), now=now, holidays=store.holidays(), away=away)
    for ask in due:
        owner = people[ask.deal.owner_id]
        if not messenger.ask_loss_reason(owner, ask):
            continue  # not in Slack: nothing was sent, so nothing is recorded (no "reminder" first)
        store.record_sent(person_id=owner.person_id, local_date=local_date(owner, now), key=ask.key, now=now,
                          deal_id=ask.deal.deal_id)
    return due


def give_reason(store: LossStore, *, deal_id: int, person_id: int, reason: str, now: datetime,
                action_ts: str | None = None, details: tuple[str | None, str | None] | None = None) -> LostDeal:
    """The owner's answer: a reason button (`action_ts`: only the reason changes) or the modal (`details`: the
    competitor and note too), stored with the deal in place of an earlier one. Raises LossError (not lost, a reason
    the team does not offer, too long), PermissionError (not theirs) or StaleClick (a copy of a click no newer
    than the one recorded: a retry, a replay, a late delivery)."""
    deal = store.lost_deal(deal_id)
    competitor, note = details or (None, None)
    answer = check_answer(deal, person_id=person_id, reason=reason, offered=store.offered(person_id),
                          competitor=competitor, note=note)
    check_order(action_ts, deal.action_ts if deal is not None else None)
    competitor = answer.competitor and (store.listed_competitor(answer.competitor) or answer.competitor)
    return store.record_reason(deal_id=deal_id, reason=answer.reason, now=now, action_ts=action_ts,
                               details=(competitor, answer.note) if details is not None else None)


__all__ = ["ASK_WITHIN", "REMIND_AFTER", "LossAsk", "LossError", "LossMessenger", "LossStore", "ask_key", "ask_why",
           "asks_due", "give_reason"]
