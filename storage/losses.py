"""LossStore over SQL: lost deals awaiting a reason (from the 'lost' deal events), the owner's answer stored with
the deal, the reasons each team offers, and a period's lost deals for digests and the pack."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session

from coaching.losses.reasons import LostDeal, parse_reasons, team_reasons
from storage.competitors import competitors, find_competitor
from storage.crm.models import CrmAccount, CrmDeal, CrmDealEvent
from storage.followups.models import NudgeLog
from storage.followups.repository import NudgeLogRepository
from storage.models import Person, Team
from storage.teams import TeamError


def _lost(row: CrmDeal, account: str | None, event_id: int | None = None) -> LostDeal:
    return LostDeal(row.id, row.external_id, row.owner_id, account, row.amount, row.closed_on, row.loss_reason,
                    row.competitor, row.loss_note, row.loss_answered_at, row.loss_action_ts, event_id)


class LossRepository(NudgeLogRepository):
    """Implements coaching.losses.service.LossStore; never commits (the caller owns the transaction)."""

    def _deals(self) -> Select:
        return (select(CrmDeal, CrmAccount.name).outerjoin(CrmAccount, CrmAccount.id == CrmDeal.account_id)
                .where(CrmDeal.outcome == "lost"))

    def awaiting(self, *, since: datetime) -> list[LostDeal]:
        """With each, its latest 'lost' event (a deal lost, reopened and lost again is a new loss)."""
        found = (select(CrmDealEvent.deal_id, func.max(CrmDealEvent.id).label("event_id"))
                 .where(CrmDealEvent.kind == "lost", CrmDealEvent.occurred_at >= since)
                 .group_by(CrmDealEvent.deal_id).subquery())
        stmt = (self._deals().add_columns(found.c.event_id).join(found, found.c.deal_id == CrmDeal.id)
                .where(CrmDeal.loss_reason.is_(None)).order_by(CrmDeal.id))
        return [_lost(*row) for row in self.session.execute(stmt)]

    def lost_deal(self, deal_id: int) -> LostDeal | None:
        """The deal, locked until the transaction ends (two answers at once apply one after the other)."""
        row = self.session.execute(self._deals().where(CrmDeal.id == deal_id)
                                   .with_for_update(of=CrmDeal)).one_or_none()
        return _lost(*row) if row else None

    def losses(self, *, owner_ids: Collection[int], start: date, end: date) -> list[LostDeal]:
        """Deals of these owners lost from `start` (included) to `end` (excluded) by closed_on, by close date."""
        ids = sorted(set(owner_ids))
        if not ids:
            return []
        stmt = self._deals().where(CrmDeal.owner_id.in_(ids), CrmDeal.closed_on >= start, CrmDeal.closed_on < end)
        return [_lost(*row) for row in self.session.execute(stmt.order_by(CrmDeal.closed_on, CrmDeal.id))]

    def offered(self, person_id: int) -> tuple[str, ...]:
        stored = self.session.scalar(select(Team.loss_reasons).join(Person, Person.team_id == Team.id)
                                     .where(Person.id == person_id))
        return team_reasons(stored)

    def competitors(self) -> list[str]:
        """The admin's competitor list, by name (storage.competitors)."""
        return [c.name for c in competitors(self.session)]

    def listed_competitor(self, name: str) -> str | None:
        found = find_competitor(self.session, name)
        return found.name if found is not None else None

    def sent_at(self, keys: Collection[str]) -> dict[str, datetime]:
        rows = self.session.execute(select(NudgeLog.key, NudgeLog.sent_at).where(NudgeLog.key.in_(sorted(keys))))
        return {key: at for key, at in rows}

    def record_reason(self, *, deal_id: int, reason: str, now: datetime, action_ts: str | None = None,
                      details: tuple[str | None, str | None] | None = None) -> LostDeal:
        values: dict[str, object] = {"loss_reason": reason, "loss_answered_at": now}
        if action_ts is not None:
            values["loss_action_ts"] = action_ts
        if details is not None:
            values["competitor"], values["loss_note"] = details
        self.session.execute(update(CrmDeal).where(CrmDeal.id == deal_id).values(values))
        found = self.lost_deal(deal_id)
        assert found is not None  # checked by the caller in this transaction
        return found


def set_team_reasons(session: Session, *, team: str, reasons: str) -> tuple[str, ...]:
    """The loss reasons a team's reps are offered, in this order ("all": every reason)."""
    row = session.scalar(select(Team).where(func.lower(Team.name) == team.strip().lower()))
    if row is None:
        raise TeamError(f"team {team!r} is not in the roster")
    if reasons.strip().lower() == "all":
        row.loss_reasons = None
        return team_reasons(None)
    try:
        chosen = parse_reasons(reasons)
    except ValueError as refused:
        raise TeamError(str(refused)) from None
    row.loss_reasons = ",".join(chosen)
    return chosen
