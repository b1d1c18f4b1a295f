"""PerformanceStore over SQL: every rep's figures for several periods from a few GROUP BY queries in all
(storage.kpi_sums), read on two connections at once (storage.side_reads); spend, sales roles and the org chart."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Executable, func, or_, select
from sqlalchemy.orm import Session

from coaching.access import OrgEntry
from coaching.performance.kpis import STALE_AFTER_DAYS, QuotaTarget, RepFigures, quota_for
from coaching.periods import Period
from storage import kpi_sums as sums
from storage.crm.models import CrmAccount, CrmActivity, CrmDeal, CrmLead, CrmQuota, CrmSpend
from storage.kpi_sums import Parts, as_of
from storage.models import Person
from storage.side_reads import read_all

A, D, L, Q, ACC, S = CrmActivity, CrmDeal, CrmLead, CrmQuota, CrmAccount, CrmSpend


class PerformanceRepository:
    """Implements coaching.performance.ports.PerformanceStore; reads only, never commits."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def _rows(self, stmt: Executable) -> Iterable[Any]:
        """Core execution on the session's connection: plain tuples, without the ORM's per-row loading."""
        return self.session.connection().execute(stmt).all()

    def org_chart(self) -> dict[int, OrgEntry]:
        rows = self._rows(select(Person.id, Person.manager_id, Person.role, Person.team_id)
                          .where(Person.active.is_(True)))
        return {pid: OrgEntry(manager, role, team) for pid, manager, role, team in rows}

    def rep_figures(self, *, rep_ids: Collection[int], periods: Sequence[Period], now: datetime,
                    stale_after_days: int = STALE_AFTER_DAYS) -> dict[Period, list[RepFigures]]:
        """One query per period for activities, then two for deals and one each for leads, quotas, tenure and
        the sources the data has."""
        ids, wanted = sorted(set(rep_ids)), list(dict.fromkeys(periods))
        if not ids or not wanted:
            return {p: [] for p in wanted}
        parts: list[Parts] = [{i: {"activities": {}, "activities_by_tier": {}, "deals_by_tier": {}} for i in ids}
                              for _ in wanted]
        dialect = self.session.get_bind().dialect.name
        by_key = sums.closed_by_key(ids, wanted, parts, dialect)
        summed = [*sums.deals(ids, wanted, now, stale_after_days, parts, apart=by_key is not None, dialect=dialect),
                  *(sums.activities(ids, period, part) for period, part in zip(wanted, parts, strict=True)),
                  *([by_key] if by_key else []), sums.leads(ids, wanted, now, parts),
                  sums.customers(ids, wanted, now, parts), sums.quotas(ids, wanted, parts)]
        # the costliest first, read on two connections at once; each statement's rows are added up in turn
        *rows, first_seen, known = read_all(self.session, [*(stmt for stmt, _ in summed), _FIRST_SEEN, _SOURCES])
        for (_, add), found in zip(summed, rows, strict=True):
            add(found)
        seen = _earliest(first_seen)
        since = min(seen.values(), default=None)
        sources = frozenset(k for k, present in zip(_CHECKS, known[0], strict=True) if present)
        return {p: [RepFigures(person_id=i, first_seen=seen.get(i), as_of=as_of(p, now), data_since=since,
                               known=sources, **part[i]) for i in ids]
                for p, part in zip(wanted, parts, strict=True)}

    def sales_roles(self, rep_ids: Collection[int]) -> dict[int, str | None]:
        return dict(self._rows(select(Person.id, Person.sales_role).where(Person.id.in_(sorted(set(rep_ids))))))

    def spend(self, *, rep_ids: Collection[int], periods: Sequence[Period]) -> dict[Period, float]:
        """Each team's spend rows (or, for every active rep at once, the organisation's), prorated by days; a
        period is left out unless every team in view has spend covering all of it."""
        ids = set(rep_ids)
        if not ids or not periods:
            return {}
        teams = {t for (t,) in self._rows(select(Person.team_id).where(Person.id.in_(sorted(ids))).distinct())}
        active = {p for (p,) in self._rows(select(Person.id).where(Person.active.is_(True), Person.role == "rep"))}
        whole = active <= ids
        rows = self._rows(select(S.team_id, S.period_start, S.period_kind, S.amount)
                          .where(or_(S.team_id.in_(sorted(t for t in teams if t is not None)), S.team_id.is_(None))))
        targets: dict[int | None, list[QuotaTarget]] = {}
        for team, start, kind, amount in rows:
            targets.setdefault(team, []).append(QuotaTarget(start, kind, float(amount)))
        out = {}
        for period in periods:
            if whole and None in targets and (total := quota_for(period, targets[None])) is not None:
                out[period] = total
                continue
            parts = [quota_for(period, targets.get(team, [])) for team in teams]
            if parts and all(part is not None for part in parts):
                out[period] = sum(part for part in parts if part is not None)
        return out

    def sources(self) -> frozenset[str]:
        """The imported sources the data holds (coaching.performance.definitions.Kpi.source), one EXISTS each."""
        row = self.session.connection().execute(_SOURCES).one()
        return frozenset(k for k, present in zip(_CHECKS, row, strict=True) if present)


_CHECKS: dict[str, Any] = {
    "activities": select(A.id), "deals": select(D.id), "leads": select(L.id), "quotas": select(Q.id),
    "created_on": select(D.id).where(D.created_on.is_not(None)),
    "engaged_on": select(D.id).where(D.engaged_on.is_not(None)),
    "expected_close_on": select(D.id).where(D.expected_close_on.is_not(None)),
    "accounts": select(D.id).where(D.account_id.is_not(None)),
    "deal_cost": select(D.id).where(D.acquisition_cost.is_not(None)),
    "deal_type": select(D.id).where(D.deal_type.is_not(None)),
    "potential": select(ACC.id).where(ACC.potential_tier.is_not(None)),
    "potential_size": select(ACC.id).where(ACC.potential_basis == "size"),
    "churn": select(ACC.id).where(ACC.churned_on.is_not(None)),
    "spend": select(S.id),
}
_SOURCES = select(*(q.exists().label(k) for k, q in _CHECKS.items()))


def _first_seen() -> Executable:
    """Everyone's first data (the earliest activity week, deal creation, engagement or close month, or lead),
    each read from the ends of the (person, ...) indexes; the earliest of all is when the data begins."""
    first_week = select(func.min(A.week_start)).where(A.rep_id == Person.id).scalar_subquery()
    first_close = select(func.min(D.close_month)).where(D.owner_id == Person.id).scalar_subquery()
    # a deal starts when it was created, or engaged when it has no creation date: two ends of one index
    first_created = select(func.min(D.created_on)).where(D.owner_id == Person.id).scalar_subquery()
    first_engaged = (select(func.min(D.engaged_on)).where(D.owner_id == Person.id, D.created_on.is_(None))
                     .scalar_subquery())
    first_lead = select(func.min(L.created_on)).where(L.owner_id == Person.id).scalar_subquery()
    return select(Person.id, first_week, first_close, first_created, first_engaged, first_lead)


_FIRST_SEEN = _first_seen()


def _earliest(rows: Iterable[Any]) -> dict[int, date]:
    """Each person's earliest first day, from _FIRST_SEEN's rows (a person with no data has none)."""
    seen: dict[int, date] = {}
    for rep, *firsts in rows:
        days: list[date] = [d for d in firsts if d is not None]
        if days:
            seen[rep] = min(days)
    return seen
