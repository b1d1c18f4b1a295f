"""Wins over SQL: recorded once per deal (from 'won' deal events or the CRM webhook) or per /win view, quota
progress for milestones, and the webhook's replay store. Never commits: the caller owns the transaction."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, exists, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from coaching.periods import period_of
from coaching.recognition.records import Colleague
from coaching.recognition.wins import DealRefused, LoggedWin, QuotaProgress, WebhookDeal, cycle_days
from coaching.recognition.wins import Win as WinValue
from storage.crm.importer import apply_crm_file
from storage.crm.models import CrmAccount, CrmDeal, CrmDealEvent, CrmQuota
from storage.crm.rows import CrmFile, People
from storage.models import Person
from storage.recognition.models import WebhookSignature, Win

WEBHOOK_FILE = "webhook"  # the import_run filename of a deal that came by webhook


def insert_for(session: Session, model: Any) -> Any:
    """The dialect's INSERT, which knows ON CONFLICT."""
    return (pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert)(model)


def colleague_of(person: Person) -> Colleague:
    return Colleague(person.id, person.name, person.slack_id, person.team_id, person.role, person.tz,
                     person.language or person.locale, person.active)


class WinRepository:
    """The win half of storage.recognition.repository.RecognitionRepository."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def record_imported_wins(self, *, since: datetime, now: datetime) -> list[WinValue]:
        """A win for each deal with a 'won' event since `since`, still won and without a win; the new ones."""
        has_win = exists().where(Win.deal_external_id == CrmDeal.external_id)
        rows = self.session.execute(
            select(CrmDeal, CrmAccount.name).distinct()
            .join(CrmDealEvent, CrmDealEvent.deal_id == CrmDeal.id)
            .outerjoin(CrmAccount, CrmAccount.id == CrmDeal.account_id)
            .where(CrmDealEvent.kind == "won", CrmDealEvent.occurred_at >= since, CrmDeal.outcome == "won", ~has_win)
            .order_by(CrmDeal.closed_on, CrmDeal.id)).all()
        ids = [i for deal, account in rows if (i := self._add_deal_win(deal, account, "import", now)) is not None]
        return self._wins(ids)

    def apply_webhook_deal(self, deal: WebhookDeal, *, now: datetime) -> WinValue | None:
        """Upsert the deal through the deals import (one row); record its win when that made it newly won."""
        people = People(self.session)
        owner = people.find(deal.owner, "auto")
        if owner is None:
            raise DealRefused([f"owner: {deal.owner!r} is not in the roster{people.suggest(deal.owner, 'auto')}; "
                               "expected a roster person's email"])
        columns: dict[str, list[Any]] = {"external_id": [deal.external_id], "owner_id": [owner],
                                         "stage": [deal.stage], "outcome": [deal.outcome]}
        columns.update((name, [value]) for name, value in deal.fields.items())
        summary = apply_crm_file(self.session, CrmFile(WEBHOOK_FILE, "deals", 1, columns), now=now)
        if not summary.newly_won:
            return None
        row = self.session.execute(select(CrmDeal, CrmAccount.name)
                                   .outerjoin(CrmAccount, CrmAccount.id == CrmDeal.account_id)
                                   .where(CrmDeal.external_id == deal.external_id)).one()
        win_id = self._add_deal_win(row[0], row[1], "webhook", now)
        return self._wins([win_id])[0] if win_id is not None else None

    def take_signature(self, signature: str, *, accepted_until: datetime) -> bool:
        stmt = (insert_for(self.session, WebhookSignature).values(signature=signature, accepted_until=accepted_until)
                .on_conflict_do_nothing().returning(WebhookSignature.signature))
        return self.session.execute(stmt).scalar() is not None

    def forget_signatures(self, *, accepted_before: datetime) -> int:
        """Drop signatures whose timestamps stopped being accepted before `accepted_before`."""
        result = self.session.execute(delete(WebhookSignature)
                                      .where(WebhookSignature.accepted_until < accepted_before))
        return int(getattr(result, "rowcount", 0) or 0)

    def add_logged_win(self, *, rep_id: int, win: LoggedWin, origin: str, now: datetime,
                       currency: str | None = None) -> WinValue | None:
        win_id = self._insert_win(source="logged", rep_id=rep_id, account=win.account, amount=win.amount,
                                  currency=currency, occurred_on=now.date(), logged_by=rep_id, notes=win.notes,
                                  origin=origin, created_at=now)
        return self._wins([win_id])[0] if win_id is not None else None

    def win_with_origin(self, origin: str) -> WinValue | None:
        found = self._wins(self.session.scalars(select(Win.id).where(Win.origin == origin)).all())
        return found[0] if found else None

    def quota_progress(self, wins: Sequence[WinValue]) -> list[QuotaProgress]:
        wanted = {(w.rep.person_id, period_of(kind, w.occurred_on))
                  for w in wins if w.counts_toward_quota for kind in ("month", "quarter")}
        progress = []
        for rep_id, period in sorted(wanted, key=lambda pair: (pair[0], pair[1].start, pair[1].kind)):
            quota = self.session.scalar(select(CrmQuota.amount).where(
                CrmQuota.rep_id == rep_id, CrmQuota.period_start == period.start, CrmQuota.period_kind == period.kind))
            if quota is None:
                continue
            won = self.session.scalar(select(func.coalesce(func.sum(CrmDeal.amount), 0.0)).where(
                CrmDeal.owner_id == rep_id, CrmDeal.outcome == "won",
                CrmDeal.closed_on >= period.start, CrmDeal.closed_on < period.end))
            progress.append(QuotaProgress(rep_id, period, float(quota), float(won or 0.0)))
        return progress

    def wins_between(self, *, since: datetime, until: datetime, team_id: int | None = None) -> list[WinValue]:
        stmt = select(Win.id).where(Win.created_at >= since, Win.created_at < until)
        if team_id is not None:
            stmt = stmt.join(Person, Person.id == Win.rep_id).where(Person.team_id == team_id)
        return self._wins(self.session.scalars(stmt.order_by(Win.created_at, Win.id)).all())

    def last_win(self, person_ids: Collection[int]) -> dict[int, date]:
        rows = self.session.execute(select(Win.rep_id, func.max(Win.occurred_on))
                                    .where(Win.rep_id.in_(list(person_ids))).group_by(Win.rep_id))
        return {rep: day for rep, day in rows}

    # ---- shared ----------------------------------------------------------------------------------------------

    def _add_deal_win(self, deal: CrmDeal, account: str | None, source: str, now: datetime) -> int | None:
        return self._insert_win(
            source=source, deal_external_id=deal.external_id, rep_id=deal.owner_id, account=account,
            amount=deal.amount, occurred_on=deal.closed_on or now.date(), created_at=now,
            cycle_days=cycle_days(engaged_on=deal.engaged_on, created_on=deal.created_on, closed_on=deal.closed_on))

    def _insert_win(self, **values: Any) -> int | None:
        """Insert unless its deal or origin has a win already (another replica may have raced us)."""
        stmt = insert_for(self.session, Win).values(**values).on_conflict_do_nothing().returning(Win.id)
        return self.session.execute(stmt).scalar()

    def _wins(self, ids: Iterable[int | None]) -> list[WinValue]:
        wanted = [i for i in ids if i is not None]
        if not wanted:
            return []
        rows = {w.id: w for w in self.session.scalars(select(Win).where(Win.id.in_(wanted)))}
        people = self._colleagues({p for w in rows.values() for p in (w.rep_id, w.logged_by) if p is not None})
        return [WinValue(w.id, w.source, people[w.rep_id], w.occurred_on, w.created_at, w.account, w.amount,
                         w.currency, w.cycle_days, w.deal_external_id,
                         people[w.logged_by] if w.logged_by is not None else None, w.notes)
                for w in (rows[i] for i in wanted if i in rows)]

    def _colleagues(self, ids: Collection[int]) -> dict[int, Colleague]:
        if not ids:
            return {}
        return {p.id: colleague_of(p) for p in self.session.scalars(select(Person).where(Person.id.in_(list(ids))))}

