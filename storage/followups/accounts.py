"""AccountStore over SQL (coaching.followups.ports): tiered accounts with their latest activity by anyone, won
deals for check-ins, accounts every contact of which left, account holds, Done activities and quiet thresholds."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Select, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from coaching.clicks import latest
from coaching.followups.accounts import AccountFacts, AccountHold, AccountState, Departure, QuietThreshold, WonDeal
from storage.crm.models import CrmAccount, CrmActivity, CrmContact, CrmDeal
from storage.followups.models import AccountHold as AccountHoldRow
from storage.followups.models import QuietThreshold as QuietThresholdRow


class AccountNudgeRepository:
    """The account half of the nudge store, mixed into storage.followups.repository.NudgeRepository."""

    session: Session

    def _upsert(self) -> Any:
        return pg_insert if self.session.get_bind().dialect.name == "postgresql" else sqlite_insert

    def account_facts(self, *, owner_ids: Collection[int], since: date) -> AccountFacts:
        ids = sorted(set(owner_ids))
        if not ids:
            return AccountFacts()
        tiered = self.session.execute(
            select(CrmAccount.id, CrmAccount.name, CrmAccount.owner_id, CrmAccount.potential_tier)
            .where(CrmAccount.owner_id.in_(ids), CrmAccount.potential_tier.is_not(None),
                   CrmAccount.churned_on.is_(None)).order_by(CrmAccount.id)).all()
        last = self._last_activity([row[0] for row in tiered])
        accounts = tuple(AccountState(i, name, owner, tier, last.get(i)) for i, name, owner, tier in tiered)
        wins = tuple(_won(*row) for row in self.session.execute(
            _wins().where(CrmDeal.owner_id.in_(ids), CrmDeal.closed_on >= since).order_by(CrmDeal.id)))
        known, left, latest_left = (func.count(CrmContact.id), func.count(CrmContact.left_on),
                                    func.max(CrmContact.left_on))
        rows = self.session.execute(
            select(CrmAccount.id, CrmAccount.name, CrmAccount.owner_id, latest_left)
            .join(CrmContact, CrmContact.account_id == CrmAccount.id)
            .where(CrmAccount.owner_id.in_(ids))
            .group_by(CrmAccount.id, CrmAccount.name, CrmAccount.owner_id)
            .having(known == left, latest_left >= since).order_by(CrmAccount.id))
        gone = tuple(Departure(i, name, cast(int, owner), cast(date, day)) for i, name, owner, day in rows)
        return AccountFacts(accounts, wins, gone)

    def _last_activity(self, account_ids: list[int]) -> dict[int, date]:
        """The latest activity day by anyone on each account, from logged activities and its deals' CRM dates
        (ix_crm_activity_account_day, ix_crm_deal_account_won)."""
        found: dict[int, date] = {}
        for start in range(0, len(account_ids), 5000):
            chunk = account_ids[start:start + 5000]
            for column, key in ((CrmActivity.day, CrmActivity.account_id),
                                (CrmDeal.last_activity_on, CrmDeal.account_id)):
                for account_id, day in self.session.execute(select(key, func.max(column)).where(key.in_(chunk))
                                                            .group_by(key)):
                    if account_id is not None and day is not None:
                        found[account_id] = max(day, found.get(account_id, day))
        return found

    def account(self, account_id: int) -> AccountState | None:
        row = self.session.get(CrmAccount, account_id)
        if row is None:
            return None
        return AccountState(row.id, row.name, row.owner_id, row.potential_tier,
                            self._last_activity([account_id]).get(account_id))

    def won_deal(self, deal_id: int) -> WonDeal | None:
        row = self.session.execute(_wins().where(CrmDeal.id == deal_id)).one_or_none()
        return _won(*row) if row else None

    def account_holds(self, *, account_ids: Collection[int]) -> list[AccountHold]:
        ids = sorted(set(account_ids))
        if not ids:
            return []
        rows = self.session.scalars(select(AccountHoldRow).where(AccountHoldRow.account_id.in_(ids))
                                    .order_by(AccountHoldRow.id))
        return [AccountHold(r.account_id, r.rule, r.subject, r.fingerprint, r.until, r.muted) for r in rows]

    def hold_account(self, *, account_id: int, rule: str, subject: str, fingerprint: str, until: datetime | None,
                     person_id: int, now: datetime, action_ts: str | None = None) -> None:
        """Insert or replace the snooze of an account item; a mute stays a mute."""
        stmt = self._upsert()(AccountHoldRow).values(
            account_id=account_id, rule=rule, subject=subject, fingerprint=fingerprint, until=until, muted=False,
            person_id=person_id, updated_at=now, action_ts=action_ts)
        self.session.execute(stmt.on_conflict_do_update(
            index_elements=["account_id", "rule", "subject"],
            set_={"fingerprint": fingerprint, "until": until, "updated_at": now, "action_ts": action_ts,
                  "person_id": person_id}, where=AccountHoldRow.muted.is_(False)))

    def mute_account(self, *, account_id: int, rule: str, subject: str, person_id: int, now: datetime,
                     action_ts: str | None = None) -> None:
        stmt = self._upsert()(AccountHoldRow).values(
            account_id=account_id, rule=rule, subject=subject, fingerprint="-", until=None, muted=True,
            person_id=person_id, updated_at=now, action_ts=action_ts)
        self.session.execute(stmt.on_conflict_do_update(
            index_elements=["account_id", "rule", "subject"],
            set_={"muted": True, "until": None, "updated_at": now, "action_ts": action_ts, "person_id": person_id}))

    def last_account_click(self, *, account_id: int, refs: Collection[tuple[str, str]]) -> str | None:
        stamps = self.session.execute(select(AccountHoldRow.rule, AccountHoldRow.subject, AccountHoldRow.action_ts)
                                      .where(AccountHoldRow.account_id == account_id)).all()
        wanted = set(refs)
        return latest([ts for rule, subject, ts in stamps if (rule, subject) in wanted])

    def log_account_activity(self, *, account_id: int, person_id: int, day: date, now: datetime) -> None:
        """One 'other' activity of this person on the account that day (once per account and day)."""
        self.session.execute(self._upsert()(CrmActivity).values(
            rep_id=person_id, day=day, week_start=day - timedelta(days=day.weekday()), month=day.replace(day=1),
            kind="other", count=1, account_id=account_id, external_id=f"nudge-done:a{account_id}:{day}",
        ).on_conflict_do_nothing(index_elements=["external_id"]))

    def quiet_thresholds(self) -> list[QuietThreshold]:
        rows = self.session.scalars(select(QuietThresholdRow).order_by(QuietThresholdRow.id))
        return [QuietThreshold(r.team_id, r.tier, r.days) for r in rows]

    def set_quiet_threshold(self, threshold: QuietThreshold) -> None:
        """Store a team's (or everyone's) days for a tier, replacing what was there."""
        team = (QuietThresholdRow.team_id.is_(None) if threshold.team_id is None
                else QuietThresholdRow.team_id == threshold.team_id)
        row = self.session.scalar(select(QuietThresholdRow).where(team, QuietThresholdRow.tier == threshold.tier))
        if row is None:
            row = QuietThresholdRow(team_id=threshold.team_id, tier=threshold.tier)
            self.session.add(row)
        row.days = threshold.days
        self.session.flush()


def _wins() -> Select[int, str, int | None, str, int, date | None]:
    """Won deals with a close date and an account, with the account's name."""
    return (select(CrmDeal.id, CrmDeal.external_id, CrmDeal.account_id, CrmAccount.name, CrmDeal.owner_id,
                   CrmDeal.closed_on).join(CrmAccount, CrmAccount.id == CrmDeal.account_id)
            .where(CrmDeal.outcome == "won", CrmDeal.closed_on.is_not(None)))


def _won(deal_id: int, external_id: str, account_id: int | None, name: str, owner_id: int,
         closed_on: date | None) -> WonDeal:
    return WonDeal(deal_id, external_id, cast(int, account_id), name, owner_id, cast(date, closed_on))


