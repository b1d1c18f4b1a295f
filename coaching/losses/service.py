"""Loss reason use cases: ask each owner why their deal was lost (once, in their working hours), remind once, then
stay silent; record the owner's answer. Every ask is recorded under its key, so a re-run sends nothing twice."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from coaching.losses.reasons import LossError, LostDeal, check_answer
from coaching.timing import Holidays, NudgeLog, Person, local_date, may_reach_now
from surveys.availability import DEFAULT_AWAY, DEFAULT_WORKING_TIME, AwayRule, WorkingTime

ASK_WITHIN = timedelta(days=14)  # a loss found longer ago than this is not asked about any more
REMIND_AFTER = timedelta(days=2)  # the one reminder, at the first working moment this long after the ask


@dataclass(frozen=True)
class LossAsk:
    deal: LostDeal
    key: str  # loss:{deal id}, or loss:{deal id}:reminder
    reminder: bool = False


class LossStore(NudgeLog, Protocol):
    def awaiting(self, *, since: datetime) -> list[LostDeal]:
        """Deals found lost since then (an import's or the webhook's event) that have no reason yet."""
        ...

    def lost_deal(self, deal_id: int) -> LostDeal | None: ...
    def offered(self, person_id: int) -> tuple[str, ...]: ...
    def sent_at(self, keys: Collection[str]) -> dict[str, datetime]: ...
    def record_reason(self, *, deal_id: int, reason: str, competitor: str | None, note: str | None,
                      now: datetime) -> LostDeal: ...


class LossMessenger(Protocol):
    def ask_loss_reason(self, owner: Person, ask: LossAsk) -> None: ...


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
        key = f"loss:{deal.deal_id}"
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
    keys = [k for d in deals for k in (f"loss:{d.deal_id}", f"loss:{d.deal_id}:reminder")]
    due = asks_due(deals, people, sent=store.sent_at(keys), now=now, holidays=store.holidays(), away=away)
    for ask in due:
        owner = people[ask.deal.owner_id]
        messenger.ask_loss_reason(owner, ask)
        store.record_sent(person_id=owner.person_id, local_date=local_date(owner, now), key=ask.key, now=now,
                          deal_id=ask.deal.deal_id)
    return due


def give_reason(store: LossStore, *, deal_id: int, person_id: int, reason: str, now: datetime,
                competitor: str | None = None, note: str | None = None) -> LostDeal:
    """The owner's answer (a reason button, or the details modal): stored with the deal, replacing an earlier one.
    Raises LossError (not lost, a reason the team does not offer, too long) or PermissionError (not theirs)."""
    deal = store.lost_deal(deal_id)
    answer = check_answer(deal, person_id=person_id, reason=reason, offered=store.offered(person_id),
                          competitor=competitor, note=note)
    return store.record_reason(deal_id=deal_id, reason=answer.reason, competitor=answer.competitor,
                               note=answer.note, now=now)


__all__ = ["ASK_WITHIN", "REMIND_AFTER", "LossAsk", "LossError", "LossMessenger", "LossStore", "ask_why", "asks_due",
           "give_reason"]
