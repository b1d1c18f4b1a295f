"""PerformanceStore over SQL: every rep's figures for several periods from a few GROUP BY queries in all.

Activities are read by week_start or month (stored at import, indexed); deals in two passes (open now; won or lost
lately) that sum each period's columns side by side; pipeline as of each period's last day (today, inside it).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Executable, and_, case, func, or_, select, true
from sqlalchemy.orm import Session

from coaching.access import OrgEntry
from coaching.performance.kpis import STALE_AFTER_DAYS, TIERS, QuotaTarget, RepFigures, quota_for
from coaching.periods import Period, period_of
from storage.crm.models import CrmAccount, CrmActivity, CrmDeal, CrmLead, CrmQuota, CrmSpend
from storage.models import Person

A, D, L, Q, ACC, S = CrmActivity, CrmDeal, CrmLead, CrmQuota, CrmAccount, CrmSpend
Parts = dict[int, dict[str, Any]]  # rep id -> RepFigures field -> value, for one period
_FLOATS = {"revenue_won", "cycle_days_total", "open_value", "due_value", "new_business_revenue",
           "existing_business_revenue", "expansion_revenue", "deal_cost_total"}


def _count(condition: ColumnElement[bool]) -> Any:
    return func.sum(case((condition, 1), else_=0))


def _sum(condition: ColumnElement[bool], value: Any) -> Any:
    return func.sum(case((condition, value), else_=0))


def _activity_in(period: Period) -> ColumnElement[bool]:
    """Rows of the period by their stored keys, so the (rep, week_start) and (rep, month) indexes serve."""
    if period.kind == "week":
        return A.week_start == period.start
    if period.kind == "month":
        return A.month == period.start
    return A.month.in_(period.months())


def as_of(period: Period, now: datetime) -> date:
    """The day open pipeline is counted on: the period's last day, or today inside it."""
    return min(now.date(), period.last_day)


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
        for period, part in zip(wanted, parts, strict=True):
            self._activities(ids, period, part)
        self._deals(ids, wanted, now, stale_after_days, parts)
        self._leads(ids, wanted, now, parts)
        self._customers(ids, wanted, now, parts)
        self._quotas(ids, wanted, parts)
        first_seen, known = self._first_seen(), self.sources()
        since = min(first_seen.values(), default=None)
        return {p: [RepFigures(person_id=i, first_seen=first_seen.get(i), as_of=as_of(p, now), data_since=since,
                               known=known, **part[i]) for i in ids]
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
        checks: dict[str, Any] = {
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
        row = self.session.connection().execute(select(*(q.exists().label(k) for k, q in checks.items()))).one()
        return frozenset(k for k, present in zip(checks, row, strict=True) if present)

    def _activities(self, ids: list[int], period: Period, parts: Parts) -> None:
        """Sums by rep and kind, in the order of the covering (rep, week_start | month, kind, account, count)
        indexes, with one column per tier: an account's tier is a lookup in its tier's set of account ids (built
        once per query), so no join takes the index away from the scan."""
        tiers = [_sum(A.account_id.in_(select(ACC.id).where(ACC.potential_tier == tier)), A.count) for tier in TIERS]
        stmt = (select(A.rep_id, A.kind, func.sum(A.count), *tiers)
                .where(A.rep_id.in_(ids), _activity_in(period))
                .group_by(A.rep_id, A.kind))
        for rep, kind, n, *by_tier in self._rows(stmt):
            part = parts[rep]
            part["activities"][kind] = part["activities"].get(kind, 0) + int(n)
            for tier, m in zip(TIERS, by_tier, strict=True):
                if m:
                    part["activities_by_tier"][tier] = part["activities_by_tier"].get(tier, 0) + int(m)

    def _days(self) -> Any:
        """Days from engagement to close, in this database's date arithmetic."""
        if self.session.get_bind().dialect.name == "sqlite":
            return func.julianday(D.closed_on) - func.julianday(D.engaged_on)
        return D.closed_on - D.engaged_on

    def _deal_columns(self, period: Period, day: date, today: date, stale_after_days: int, *,
                      open_now: bool, apart: bool = False) -> dict[Any, Any]:
        """One period's sums over either the deals open now or those won or lost lately (which the importer
        gives a close date). Pipeline is a snapshot on `day`: a deal is open then from its creation (or, without
        a creation date, its engagement) until its close; one with neither date is known open only today."""
        created = and_(D.created_on >= period.start, D.created_on < period.end)
        start = func.coalesce(D.created_on, D.engaged_on)
        existed = or_(start <= day, start.is_(None)) if day >= today else start <= day
        is_open = existed if open_now else and_(D.closed_on > day, existed)
        engaged = and_(D.engaged_on >= period.start, D.engaged_on < period.end)
        if not open_now:  # a deal closed before its engagement is bad data and not counted as engaged
            engaged = and_(engaged, D.closed_on >= D.engaged_on)
        amount = func.coalesce(D.amount, 0.0)
        touched = func.coalesce(D.last_activity_on, D.stage_changed_on, D.created_on)
        pipeline = {
            "deals_created": _count(created),
            "open_deals": _count(is_open),
            "open_value": _sum(is_open, amount),
            # the cheapest, most selective test first: an AND stops at its first false term
            "due_value": _sum(and_(D.expected_close_on < period.end, is_open), amount),
            "dated_open": _count(and_(D.expected_close_on.is_not(None), is_open)),
            "stale_deals": _count(and_(touched < day - timedelta(days=stale_after_days), is_open)),
        }
        if open_now:
            return {**{("deals_by_tier", t): _count(and_(ACC.potential_tier == t, is_open)) for t in TIERS},
                    **pipeline, "deals_engaged": _count(engaged)}
        closed_in = and_(D.closed_on >= period.start, D.closed_on < period.end)
        return {
            **{("deals_by_tier", t): _count(and_(ACC.potential_tier == t, or_(closed_in, is_open))) for t in TIERS},
            **pipeline,
            "deals_engaged": _count(engaged),
            "engaged_won": _count(and_(engaged, D.outcome == "won", D.closed_on <= day)),
            **({} if apart else self._closed_columns(period.start, closed_in)),
        }

    def _closed_columns(self, start: Any, closed_in: ColumnElement[bool]) -> dict[Any, Any]:
        """The sums over deals won or lost in a period that starts on `start` (a date, or the close_month or
        close_week column when the deals are grouped by it)."""
        won = and_(D.outcome == "won", closed_in)
        cycle = and_(won, D.engaged_on.is_not(None), D.engaged_on <= D.closed_on)
        costed = and_(won, D.acquisition_cost.is_not(None))
        first_win = and_(won, ACC.first_won_date >= start, D.closed_on == ACC.first_won_date)
        amount = func.coalesce(D.amount, 0.0)
        return {
            "deals_won": _count(won),
            "deals_lost": _count(and_(D.outcome == "lost", closed_in)),
            "revenue_won": _sum(won, amount),
            "cycle_days_total": _sum(cycle, self._days()),
            "cycle_count": _count(cycle),
            "new_business_revenue": _sum(and_(won, ACC.first_won_date >= start), amount),
            "existing_business_revenue": _sum(and_(won, ACC.first_won_date < start), amount),
            "new_customers": func.count(func.distinct(case((first_win, D.account_id)))),
            "renewals": _count(and_(won, D.deal_type == "renewal")),
            "expansion_revenue": _sum(and_(won, D.deal_type == "expansion"), amount),
            "deal_cost_total": _sum(costed, D.acquisition_cost),
            "deal_cost_count": _count(costed),
        }

    def _closed_by_key(self, ids: list[int], periods: list[Period], parts: list[Parts]) -> bool:
        """When every period is a month (or every one a week), the deals won or lost in them summed once, grouped by
        their stored close_month (close_week) rather than once for each period side by side; False otherwise."""
        kinds = {p.kind for p in periods}
        if kinds not in ({"month"}, {"week"}):
            return False
        key = D.close_month if kinds == {"month"} else D.close_week
        columns = self._closed_columns(key, true())
        stmt = (select(D.owner_id, key, *columns.values()).select_from(D).outerjoin(ACC, ACC.id == D.account_id)
                .where(D.owner_id.in_(ids), D.outcome.in_(("won", "lost")), key.in_([p.start for p in periods]))
                .group_by(D.owner_id, key))
        by_start = {p.start: part for p, part in zip(periods, parts, strict=True)}
        for owner, start, *values in self._rows(stmt):
            part = by_start[start][owner]
            for name, value in zip(columns, values, strict=True):
                if value:
                    part[name] = part.get(name, 0) + (float if name in _FLOATS else int)(value)
        return True

    def _deals(self, ids: list[int], periods: list[Period], now: datetime, stale_after_days: int,
               parts: list[Parts]) -> None:
        """Two passes, each an index range on (owner, outcome, closed_on): the deals open now, and the deals won
        or lost since the earliest period start or as-of day. No other deal can count: it closed before every
        period and every as-of day, and after it was created."""
        since = min(min(p.start, as_of(p, now)) for p in periods)
        mine = D.owner_id.in_(ids)
        apart = self._closed_by_key(ids, periods, parts)
        for open_now, where in ((True, D.outcome == "open"),
                                (False, and_(D.outcome.in_(("won", "lost")), D.closed_on >= since))):
            columns = [self._deal_columns(p, as_of(p, now), now.date(), stale_after_days, open_now=open_now,
                                          apart=apart) for p in periods]
            self._add_up(parts, columns, and_(mine, where))

    def _add_up(self, parts: list[Parts], columns: list[dict[Any, Any]], where: ColumnElement[bool]) -> None:
        """Sum `columns` (one dict per period) over deals by owner, into each period's parts. Grouping by owner
        alone follows the owner index, so nothing is sorted; tiers are columns, keyed ("deals_by_tier", tier)."""
        stmt = (select(D.owner_id, *(c for cols in columns for c in cols.values()))
                .select_from(D).outerjoin(ACC, ACC.id == D.account_id).where(where)
                .group_by(D.owner_id))
        plan = [(period_parts, name, float if name in _FLOATS else int)
                for cols, period_parts in zip(columns, parts, strict=True) for name in cols]
        for owner, *values in self._rows(stmt):
            for (period_parts, name, cast), value in zip(plan, values, strict=True):
                if not value:
                    continue
                part = period_parts[owner]
                if isinstance(name, tuple):  # ("deals_by_tier", tier)
                    part[name[0]][name[1]] = part[name[0]].get(name[1], 0) + int(value)
                else:
                    part[name] = part.get(name, 0) + cast(value)

    def _leads(self, ids: list[int], periods: list[Period], now: datetime, parts: list[Parts]) -> None:
        """Leads created in each period, and how many of them had become a won deal by its as-of day."""
        columns = []
        for p in periods:
            created = and_(L.created_on >= p.start, L.created_on < p.end)
            columns += [_count(created), _count(and_(created, D.outcome == "won", D.closed_on <= as_of(p, now)))]
        stmt = (select(L.owner_id, *columns).select_from(L)
                .outerjoin(D, D.external_id == L.deal_external_id)
                .where(L.owner_id.in_(ids), L.created_on >= min(p.start for p in periods),
                       L.created_on < max(p.end for p in periods))
                .group_by(L.owner_id))
        for owner, *values in self._rows(stmt):
            for n, period_parts in enumerate(parts):
                period_parts[owner]["leads"] = int(values[2 * n] or 0)
                period_parts[owner]["leads_won"] = int(values[2 * n + 1] or 0)

    def _customers(self, ids: list[int], periods: list[Period], now: datetime, parts: list[Parts]) -> None:
        """Account churn per account owner: customers at each period's start (first won before it, not churned
        by then) and how many of them churned in the period (up to its as-of day)."""
        columns = []
        for p in periods:
            customer = and_(ACC.first_won_date < p.start, or_(ACC.churned_on.is_(None), ACC.churned_on >= p.start))
            lost = and_(customer, ACC.churned_on < min(p.end, as_of(p, now) + timedelta(days=1)))
            columns += [_count(customer), _count(lost)]
        stmt = select(ACC.owner_id, *columns).where(ACC.owner_id.in_(ids)).group_by(ACC.owner_id)
        for owner, *values in self._rows(stmt):
            for n, period_parts in enumerate(parts):
                period_parts[owner]["customers_at_start"] = int(values[2 * n] or 0)
                period_parts[owner]["customers_lost"] = int(values[2 * n + 1] or 0)

    def _quotas(self, ids: list[int], periods: list[Period], parts: list[Parts]) -> None:
        """Quota rows overlapping the periods (a few per rep), prorated by coaching.performance.kpis.quota_for."""
        stmt = (select(Q.rep_id, Q.period_start, Q.period_kind, Q.amount)
                .where(Q.rep_id.in_(ids), Q.period_start >= min(period_of("quarter", p.start).start for p in periods),
                       Q.period_start < max(p.end for p in periods)))
        targets: dict[int, list[QuotaTarget]] = {}
        for rep, start, kind, amount in self._rows(stmt):
            targets.setdefault(rep, []).append(QuotaTarget(start, kind, float(amount)))
        for period, period_parts in zip(periods, parts, strict=True):
            for rep, rows in targets.items():
                period_parts[rep]["quota"] = quota_for(period, rows)

    def _first_seen(self) -> dict[int, date]:
        """Everyone's first data (the earliest activity week, deal creation, engagement or close month, or lead),
        each read from the ends of the (person, ...) indexes; the earliest of all is when the data begins."""
        first_week = select(func.min(A.week_start)).where(A.rep_id == Person.id).scalar_subquery()
        first_close = select(func.min(D.close_month)).where(D.owner_id == Person.id).scalar_subquery()
        # a deal starts when it was created, or engaged when it has no creation date: two ends of one index
        first_created = select(func.min(D.created_on)).where(D.owner_id == Person.id).scalar_subquery()
        first_engaged = (select(func.min(D.engaged_on)).where(D.owner_id == Person.id, D.created_on.is_(None))
                         .scalar_subquery())
        first_lead = select(func.min(L.created_on)).where(L.owner_id == Person.id).scalar_subquery()
        seen = {}
        for rep, *firsts in self._rows(select(Person.id, first_week, first_close, first_created, first_engaged,
                                              first_lead)):
            days = [d for d in firsts if d is not None]
            if days:
                seen[rep] = min(days)
        return seen
