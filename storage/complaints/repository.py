"""ComplaintStore over SQL: complaints, accounts and their owners, people's time zones, managers and holidays."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from coaching.complaints.service import Account, Complaint
from coaching.timing import Person
from storage.complaints.models import ComplaintRow
from storage.crm.models import CrmAccount
from storage.followups.repository import NudgeLogRepository, person_of
from storage.models import Person as PersonRow

FIELDS = ("account_id", "owner_id", "logged_by", "text", "source", "opened_at", "due_at", "half_at", "halves_sent",
          "rearmed", "overdue_told_at", "resolved_at", "snoozes", "external_id")


def complaint_of(row: ComplaintRow) -> Complaint:
    return Complaint(row.id, **{name: getattr(row, name) for name in FIELDS})


class ComplaintRepository(NudgeLogRepository):
    """Never commits: the caller owns the transaction."""

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.now: datetime | None = None

    def account(self, account_id: int) -> Account | None:
        row = self.session.get(CrmAccount, account_id)
        return Account(row.id, row.name, row.owner_id) if row is not None else None

    def account_named(self, name: str) -> Account | None:
        """An account by its name, in any case."""
        row = self.session.scalars(select(CrmAccount).where(func.lower(CrmAccount.name) == name.strip().lower())
                                   .order_by(CrmAccount.id)).first()
        return Account(row.id, row.name, row.owner_id) if row is not None else None

    def accounts_like(self, name: str, *, limit: int = 3) -> list[str]:
        """A few account names that start like `name` (a suggestion when it names none)."""
        start = name.strip()[:3].lower().replace("%", "").replace("_", "")
        return list(self.session.scalars(select(CrmAccount.name).where(func.lower(CrmAccount.name).like(f"{start}%"))
                                         .order_by(CrmAccount.name).limit(limit))) if start else []

    def account_names(self, ids: Sequence[int | None]) -> dict[int, str]:
        wanted = [i for i in ids if i is not None]
        return dict(self.session.execute(select(CrmAccount.id, CrmAccount.name).where(CrmAccount.id.in_(wanted))).all()
                    ) if wanted else {}

    def manager_of(self, person_id: int) -> int | None:
        """The owner's manager, as the roster says; also for an owner who left or was erased (their complaints
        still reach someone)."""
        row = self.session.get(PersonRow, person_id)
        if row is None or row.manager_id is None:
            return None
        manager = self.session.get(PersonRow, row.manager_id)
        return manager.id if manager is not None and manager.active else None

    def complaint(self, complaint_id: int, *, lock: bool = False) -> Complaint | None:
        row = self.session.get(ComplaintRow, complaint_id, with_for_update=lock)
        return complaint_of(row) if row is not None else None

    def by_origin(self, origin: str) -> Complaint | None:
        row = self.session.scalar(select(ComplaintRow).where(ComplaintRow.origin == origin))
        return complaint_of(row) if row is not None else None

    def by_external_id(self, external_id: str) -> Complaint | None:
        row = self.session.scalar(select(ComplaintRow).where(ComplaintRow.external_id == external_id))
        return complaint_of(row) if row is not None else None

    def add(self, complaint: Complaint, *, origin: str | None) -> Complaint:
        row = ComplaintRow(origin=origin, updated_at=self.now or complaint.opened_at,
                           **{name: getattr(complaint, name) for name in FIELDS})
        self.session.add(row)
        self.session.flush()
        return complaint_of(row)

    def save(self, complaint: Complaint, *, action_ts: str | None = None) -> None:
        row = self.session.get(ComplaintRow, complaint.id)
        if row is None:
            raise LookupError(f"complaint {complaint.id} is gone")
        for name in FIELDS:
            setattr(row, name, getattr(complaint, name))
        if action_ts is not None:
            row.action_ts = action_ts
        row.updated_at = self.now or row.updated_at
        self.session.flush()

    def last_click(self, complaint_id: int) -> str | None:
        return self.session.scalar(select(ComplaintRow.action_ts).where(ComplaintRow.id == complaint_id))

    def due(self, now: datetime) -> list[Complaint]:
        c = ComplaintRow
        rows = self.session.scalars(select(c).where(c.resolved_at.is_(None), or_(
            c.half_at <= now, (c.overdue_told_at.is_(None)) & (c.due_at <= now))).order_by(c.id).with_for_update())
        return [complaint_of(r) for r in rows]

    def owned_by(self, owner_ids: Sequence[int], *, resolved_since: datetime) -> list[Complaint]:
        """These people's complaints open now or resolved since then (a digest's figures)."""
        c = ComplaintRow
        rows = self.session.scalars(select(c).where(c.owner_id.in_(owner_ids), or_(
            c.resolved_at.is_(None), c.resolved_at >= resolved_since)))
        return [complaint_of(r) for r in rows]

    def people_of(self, person_ids: Sequence[int]) -> dict[int, Person]:
        rows = self.session.scalars(select(PersonRow).where(PersonRow.id.in_(person_ids)))
        return {r.id: person_of(r) for r in rows}
