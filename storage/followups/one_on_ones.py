"""OneOnOneStore over SQL: pairs and their cadences, meetings and outcomes, agenda items, and when reps were
last recognised (kudos received or a win) for the recognition-gap nudge."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import aliased

from coaching.one_on_ones.meetings import AgendaItem, Cadence, Meeting, Pair
from storage.crm.models import CrmActivity, CrmDeal
from storage.followups.models import AgendaItem as ItemRow
from storage.followups.models import OneOnOne, OneOnOneMeeting
from storage.followups.repository import NudgeLogRepository
from storage.models import Person as PersonRow
from storage.recognition.models import KudosReceiver, Win
from surveys.cadence import parse_send_time


class OneOnOneRepository(NudgeLogRepository):
    """Implements coaching.one_on_ones.ports.OneOnOneStore; never commits (the caller owns the transaction)."""

    # Pairs ---------------------------------------------------------------------------------------------------
    def pairs(self) -> list[Pair]:
        manager, rep = aliased(PersonRow), aliased(PersonRow)
        rows = self.session.scalars(select(OneOnOne).join(manager, manager.id == OneOnOne.manager_id)
                                    .join(rep, rep.id == OneOnOne.rep_id)
                                    .where(manager.active.is_(True), rep.active.is_(True)).order_by(OneOnOne.id))
        return [_pair(r) for r in rows]

    def pair(self, pair_id: int) -> Pair | None:
        row = self.session.get(OneOnOne, pair_id)
        return _pair(row) if row else None

    def pair_of(self, *, manager_id: int, rep_id: int) -> Pair | None:
        row = self.session.scalar(select(OneOnOne).where(OneOnOne.manager_id == manager_id,
                                                         OneOnOne.rep_id == rep_id))
        return _pair(row) if row else None

    def set_pair(self, *, manager_id: int, rep_id: int, cadence: Cadence, now: datetime) -> Pair:
        row = self.session.scalar(select(OneOnOne).where(OneOnOne.manager_id == manager_id,
                                                         OneOnOne.rep_id == rep_id))
        if row is None:
            row = OneOnOne(manager_id=manager_id, rep_id=rep_id)
            self.session.add(row)
        row.cadence, row.weekday, row.at = cadence.kind, cadence.weekday, cadence.at.strftime("%H:%M")
        row.anchor, row.updated_at = cadence.anchor, now
        self.session.flush()
        return _pair(row)

    # Meetings ------------------------------------------------------------------------------------------------
    def meetings(self, *, pair_ids: Collection[int]) -> list[Meeting]:
        rows = self.session.scalars(select(OneOnOneMeeting).where(OneOnOneMeeting.pair_id.in_(sorted(set(pair_ids))))
                                    .order_by(OneOnOneMeeting.pair_id, OneOnOneMeeting.day))
        return [Meeting(r.pair_id, r.day, r.outcome, r.moved_to, r.action_ts) for r in rows]

    def record_meeting(self, *, pair_id: int, day: date, outcome: str, moved_to: date | None, recorded_by: int,
                       now: datetime, action_ts: str | None = None) -> None:
        values = {"outcome": outcome, "moved_to": moved_to, "recorded_by": recorded_by, "recorded_at": now,
                  "action_ts": action_ts}
        stmt = self._insert()(OneOnOneMeeting).values(pair_id=pair_id, day=day, **values)
        self.session.execute(stmt.on_conflict_do_update(index_elements=["pair_id", "day"], set_=values))

    # Agenda --------------------------------------------------------------------------------------------------
    def agenda_items(self, *, pair_ids: Collection[int]) -> list[AgendaItem]:
        rows = self.session.scalars(select(ItemRow).where(ItemRow.pair_id.in_(sorted(set(pair_ids))),
                                                          ItemRow.done.is_(False)).order_by(ItemRow.id))
        return [_item(r) for r in rows]

    def item(self, item_id: int) -> AgendaItem | None:
        row = self.session.get(ItemRow, item_id)
        return _item(row) if row else None

    def add_item(self, *, pair_id: int, author_id: int, text: str, kind: str, owner_id: int | None, due: date | None,
                 now: datetime, origin: str | None = None) -> AgendaItem:
        if origin is not None:
            seen = self.session.scalar(select(ItemRow).where(ItemRow.origin == origin))
            if seen is not None:
                return _item(seen)
        row = ItemRow(pair_id=pair_id, author_id=author_id, text=text, kind=kind, owner_id=owner_id, due=due,
                      done=False, carried=False, created_at=now, origin=origin)
        self.session.add(row)
        self.session.flush()
        return _item(row)

    def complete_item(self, *, item_id: int, now: datetime) -> None:
        self.session.execute(update(ItemRow).where(ItemRow.id == item_id, ItemRow.done.is_(False))
                             .values(done=True, done_at=now))

    def mark_carried(self, *, item_ids: Collection[int]) -> None:
        if item_ids:
            self.session.execute(update(ItemRow).where(ItemRow.id.in_(sorted(set(item_ids)))).values(carried=True))

    # Recognition ---------------------------------------------------------------------------------------------
    def last_recognised(self, *, rep_ids: Collection[int]) -> dict[int, date | None]:
        """The later of the last kudos received (its UTC date) and the last win, per rep; None when neither."""
        ids = sorted(set(rep_ids))
        found: dict[int, date | None] = dict.fromkeys(ids)
        if not ids:
            return found
        kudos = select(KudosReceiver.person_id, func.max(KudosReceiver.created_at)).where(
            KudosReceiver.person_id.in_(ids)).group_by(KudosReceiver.person_id)
        for person_id, at in self.session.execute(kudos):
            found[person_id] = _later(found[person_id], at.date() if isinstance(at, datetime) else at)
        wins = select(Win.rep_id, func.max(Win.occurred_on)).where(Win.rep_id.in_(ids)).group_by(Win.rep_id)
        for person_id, day in self.session.execute(wins):
            found[person_id] = _later(found[person_id], day)
        return found

    def started_on(self, *, rep_ids: Collection[int]) -> dict[int, date]:
        """The earliest activity day or deal creation day per rep: the first the data knows of them."""
        ids = sorted(set(rep_ids))
        found: dict[int, date] = {}
        if not ids:
            return found
        first_activity = select(CrmActivity.rep_id, func.min(CrmActivity.day)).where(
            CrmActivity.rep_id.in_(ids)).group_by(CrmActivity.rep_id)
        first_deal = select(CrmDeal.owner_id, func.min(func.coalesce(CrmDeal.created_on, CrmDeal.engaged_on))).where(
            CrmDeal.owner_id.in_(ids)).group_by(CrmDeal.owner_id)
        for stmt in (first_activity, first_deal):
            for person_id, day in self.session.execute(stmt):
                if day is not None:
                    found[person_id] = min(found.get(person_id, day), day)
        return found


def _later(a: date | None, b: date | None) -> date | None:
    if a is None or b is None:
        return a or b
    return max(a, b)


def _pair(row: OneOnOne) -> Pair:
    return Pair(row.id, row.manager_id, row.rep_id, Cadence(row.cadence, row.weekday, parse_send_time(row.at),
                                                             row.anchor))


def _item(row: ItemRow) -> AgendaItem:
    return AgendaItem(row.id, row.pair_id, row.author_id, row.text, row.kind, row.created_at, row.owner_id, row.due,
                      row.done, row.carried)
