"""NudgeStore over SQL: people and holidays as nudges need them, the nudge log, open deals for follow-up
(last activity includes logged activities), snoozes, mutes, Done activities and follow-up thresholds."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from coaching.clicks import latest
from coaching.followups.rules import DealState, Mute, Snooze, Threshold
from coaching.timing import Person
from storage.crm.models import CrmAccount, CrmActivity, CrmDeal
from storage.followups.accounts import AccountNudgeRepository
from storage.followups.models import FollowupHold, FollowupThreshold, NudgeLog
from storage.models import Holiday, Team
from storage.models import Person as PersonRow


def person_of(row: PersonRow) -> Person:
    return Person(row.id, row.team_id, row.tz, row.manager_id, row.role, row.status_text, row.status_emoji,
                  row.status_until)


class NudgeLogRepository:
    """People, holidays and the nudge log; never commits (the caller owns the transaction)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def _insert(self) -> Any:
        return pg_insert if self.session.get_bind().dialect.name == "postgresql" else sqlite_insert

    def people(self) -> list[Person]:
        rows = self.session.scalars(select(PersonRow).where(PersonRow.active.is_(True)).order_by(PersonRow.id))
        return [person_of(r) for r in rows]

    def person(self, person_id: int) -> Person | None:
        row = self.session.get(PersonRow, person_id)
        return person_of(row) if row is not None and row.active else None

    def holidays(self) -> dict[int, frozenset[date]]:
        """By team id: the team's own holidays plus everyone's (team_id NULL)."""
        rows = self.session.execute(select(Holiday.day, Holiday.team_id)).all()
        everyone = {day for day, team in rows if team is None}
        return {team: frozenset(everyone | {day for day, t in rows if t == team})
                for team in self.session.scalars(select(Team.id))}

    def sent_keys(self, *, since: datetime) -> set[str]:
        return set(self.session.scalars(select(NudgeLog.key).where(NudgeLog.sent_at >= since)))

    def record_sent(self, *, person_id: int, local_date: date, key: str, now: datetime,
                    deal_id: int | None = None) -> bool:
        stmt = self._insert()(NudgeLog).values(person_id=person_id, local_date=local_date, key=key, deal_id=deal_id,
                                               sent_at=now).on_conflict_do_nothing(index_elements=["key"])
        return bool(self.session.execute(stmt.returning(NudgeLog.id)).scalar() is not None)


class NudgeRepository(NudgeLogRepository, AccountNudgeRepository):
    """Implements coaching.followups.ports.NudgeStore and AccountStore."""

    def open_deals(self, *, owner_ids: Collection[int]) -> list[DealState]:
        """Open deals of these owners, largest first."""
        ids = sorted(set(owner_ids))
        if not ids:
            return []
        stmt = self._deals().where(CrmDeal.owner_id.in_(ids), CrmDeal.outcome == "open")
        return [_deal(*row) for row in self.session.execute(stmt.order_by(CrmDeal.amount.desc(), CrmDeal.id))]

    def deal(self, deal_id: int) -> DealState | None:
        row = self.session.execute(self._deals().where(CrmDeal.id == deal_id)).one_or_none()
        return _deal(*row) if row else None

    def _deals(self) -> Select:
        """Deals with their account's name and the latest activity the owner logged on that account."""
        logged = (select(func.max(CrmActivity.day))
                  .where(CrmActivity.rep_id == CrmDeal.owner_id, CrmActivity.account_id == CrmDeal.account_id)
                  .correlate(CrmDeal).scalar_subquery())
        return select(CrmDeal, CrmAccount.name, logged).outerjoin(CrmAccount, CrmAccount.id == CrmDeal.account_id)

    def snoozes(self, *, deal_ids: Collection[int]) -> list[Snooze]:
        rows = self._holds(deal_ids, muted=False)
        return [Snooze(r.deal_id, r.rule, r.fingerprint, r.until) for r in rows]

    def mutes(self, *, deal_ids: Collection[int]) -> list[Mute]:
        return [Mute(r.deal_id, r.rule) for r in self._holds(deal_ids, muted=True)]

    def _holds(self, deal_ids: Collection[int], *, muted: bool) -> list[FollowupHold]:
        ids = sorted(set(deal_ids))
        if not ids:
            return []
        return list(self.session.scalars(select(FollowupHold).where(FollowupHold.deal_id.in_(ids),
                                                                    FollowupHold.muted.is_(muted))
                                         .order_by(FollowupHold.deal_id, FollowupHold.rule)))

    def hold(self, *, deal_id: int, rule: str, fingerprint: str, until: datetime | None, now: datetime,
             action_ts: str | None = None) -> None:
        """Insert or replace the snooze of a deal and rule; a mute stays a mute."""
        stmt = self._insert()(FollowupHold).values(deal_id=deal_id, rule=rule, fingerprint=fingerprint, until=until,
                                                   muted=False, updated_at=now, action_ts=action_ts)
        self.session.execute(stmt.on_conflict_do_update(
            index_elements=["deal_id", "rule"], set_={"fingerprint": fingerprint, "until": until, "updated_at": now,
                                                      "action_ts": action_ts},
            where=FollowupHold.muted.is_(False)))

    def mute(self, *, deal_id: int, rule: str, now: datetime, action_ts: str | None = None) -> None:
        deal = self.deal(deal_id)
        stmt = self._insert()(FollowupHold).values(deal_id=deal_id, rule=rule, muted=True, until=None, updated_at=now,
                                                   fingerprint=deal.fingerprint if deal else "-", action_ts=action_ts)
        self.session.execute(stmt.on_conflict_do_update(index_elements=["deal_id", "rule"], set_={
            "muted": True, "until": None, "updated_at": now, "action_ts": action_ts}))

    def last_click(self, *, deal_id: int, rules: Collection[str]) -> str | None:
        """Slack's time of the latest click that set a hold on these rules of the deal (None: no click yet)."""
        return latest(list(self.session.scalars(select(FollowupHold.action_ts).where(
            FollowupHold.deal_id == deal_id, FollowupHold.rule.in_(list(rules))))))

    def log_activity(self, *, deal_id: int, day: date, now: datetime) -> DealState | None:
        """Done: one 'other' activity of the owner on the deal's account that day (once per deal and day), and
        the deal's last activity moved up to that day."""
        deal = self.session.get(CrmDeal, deal_id)
        if deal is None:
            return None
        stmt = self._insert()(CrmActivity).values(
            rep_id=deal.owner_id, day=day, week_start=day - timedelta(days=day.weekday()), month=day.replace(day=1),
            kind="other", count=1, account_id=deal.account_id, external_id=f"nudge-done:{deal_id}:{day}",
        ).on_conflict_do_nothing(index_elements=["external_id"])
        self.session.execute(stmt)
        self.session.execute(update(CrmDeal).where(CrmDeal.id == deal_id)
                             .where((CrmDeal.last_activity_on.is_(None)) | (CrmDeal.last_activity_on < day))
                             .values(last_activity_on=day))
        self.session.expire(deal)
        return self.deal(deal_id)

    def thresholds(self) -> list[Threshold]:
        rows = self.session.scalars(select(FollowupThreshold).order_by(FollowupThreshold.id))
        return [Threshold(r.team_id, r.stage, r.stale_after_days, r.stall_after_days) for r in rows]

    def set_threshold(self, threshold: Threshold) -> None:
        """Store a team's (or everyone's) days for a stage (or any stage), replacing what was there."""
        team = (FollowupThreshold.team_id.is_(None) if threshold.team_id is None
                else FollowupThreshold.team_id == threshold.team_id)
        stage = (FollowupThreshold.stage.is_(None) if threshold.stage is None
                 else FollowupThreshold.stage == threshold.stage.strip().lower())
        row = self.session.scalar(select(FollowupThreshold).where(team, stage))
        if row is None:
            row = FollowupThreshold(team_id=threshold.team_id,
                                    stage=threshold.stage.strip().lower() if threshold.stage else None)
            self.session.add(row)
        row.stale_after_days, row.stall_after_days = threshold.stale_after_days, threshold.stall_after_days
        self.session.flush()


def _deal(row: CrmDeal, account: str | None, logged_on: date | None) -> DealState:
    last = max((d for d in (row.last_activity_on, logged_on) if d is not None), default=None)
    return DealState(row.id, row.external_id, row.owner_id, account, row.amount, row.stage, row.outcome, row.next_step,
                     row.next_step_on, row.expected_close_on, last, row.stage_changed_on, row.account_id)
