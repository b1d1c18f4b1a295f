"""AskStore over SQL: asks for help, the rep's manager as the roster says now, and deals' owners."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from coaching.asks.service import Ask
from storage.crm.models import CrmAccount, CrmDeal
from storage.followups.models import HelpAsk
from storage.models import Person


def ask_of(row: HelpAsk) -> Ask:
    return Ask(row.id, row.rep_id, row.manager_id, row.deal_id, row.note, row.asked_at,
               tuple(a for a in row.answers.split(",") if a), row.answered_at)


class AskRepository:
    """Never commits: the caller owns the transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def manager_of(self, person_id: int) -> int | None:
        row = self.session.get(Person, person_id)
        if row is None or not row.active or row.manager_id is None:
            return None
        manager = self.session.get(Person, row.manager_id)
        return manager.id if manager is not None and manager.active else None

    def deal_owner(self, deal_id: int) -> int | None:
        return self.session.scalar(select(CrmDeal.owner_id).where(CrmDeal.id == deal_id))

    def open_asks(self, *, rep_id: int) -> list[Ask]:
        self.session.get(Person, rep_id, with_for_update=True)  # two asks at once count each other
        rows = self.session.scalars(select(HelpAsk).where(HelpAsk.rep_id == rep_id, HelpAsk.answered_at.is_(None))
                                    .order_by(HelpAsk.id))
        return [ask_of(r) for r in rows]

    def ask(self, ask_id: int) -> Ask | None:
        row = self.session.get(HelpAsk, ask_id)
        return ask_of(row) if row is not None else None

    def asked(self, origin: str) -> Ask | None:
        row = self.session.scalar(select(HelpAsk).where(HelpAsk.origin == origin))
        return ask_of(row) if row is not None else None

    def add_ask(self, *, rep_id: int, manager_id: int, deal_id: int, note: str, now: datetime, origin: str) -> Ask:
        row = HelpAsk(rep_id=rep_id, manager_id=manager_id, deal_id=deal_id, note=note, asked_at=now, origin=origin)
        self.session.add(row)
        self.session.flush()
        return ask_of(row)

    def answer_ask(self, *, ask_id: int, answer: str, now: datetime) -> Ask | None:
        row = self.session.get(HelpAsk, ask_id, with_for_update=True)
        if row is None:
            raise LookupError(f"ask {ask_id} is gone")
        given = [a for a in row.answers.split(",") if a]
        if answer in given:
            return None
        row.answers = ",".join([*given, answer])
        row.answered_at = row.answered_at or now
        self.session.flush()
        return ask_of(row)

    def asks_to(self, *, manager_ids: list[int], since: datetime) -> list[Ask]:
        """Asks made to these managers since `since` (for their digests' counts)."""
        rows = self.session.scalars(select(HelpAsk).where(HelpAsk.manager_id.in_(manager_ids),
                                                          HelpAsk.asked_at >= since))
        return [ask_of(r) for r in rows]

    def asks_of(self, *, rep_ids: list[int], start: datetime, end: datetime) -> list[Ask]:
        """Asks these reps made in [start, end), oldest first (the coaching pack's History sheet)."""
        rows = self.session.scalars(select(HelpAsk).where(HelpAsk.rep_id.in_(rep_ids), HelpAsk.asked_at >= start,
                                                          HelpAsk.asked_at < end).order_by(HelpAsk.asked_at,
                                                                                           HelpAsk.id))
        return [ask_of(r) for r in rows]

    def deal_names(self, deal_ids: list[int]) -> dict[int, str]:
        """"Account · D-1" (or the deal's id alone) by deal id."""
        rows = self.session.execute(select(CrmDeal.id, CrmDeal.external_id, CrmAccount.name)
                                    .outerjoin(CrmAccount, CrmAccount.id == CrmDeal.account_id)
                                    .where(CrmDeal.id.in_(deal_ids)))
        return {deal: f"{account} · {external}" if account else external for deal, external, account in rows}
