"""The GROUP BY statements behind every rep's figures, each with how its rows add into the periods' parts: built
first, then read together (storage.side_reads) and added up in order, so no statement waits for another's rows."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Executable, and_, case, func, or_, select, true

from coaching.performance.kpis import TIERS, QuotaTarget, quota_for
from coaching.periods import Period, period_of
from storage.crm.models import CrmAccount, CrmActivity, CrmDeal, CrmLead, CrmQuota

A, D, L, Q, ACC = CrmActivity, CrmDeal, CrmLead, CrmQuota, CrmAccount
Parts = dict[int, dict[str, Any]]  # rep id -> RepFigures field -> value, for one period
Sum = tuple[Executable, Callable[[Sequence[Any]], None]]  # a statement, and what adds its rows into the parts
_FLOATS = {"revenue_won", "cycle_days_total", "open_value", "due_value", "new_business_revenue",
           "existing_business_revenue", "expansion_revenue", "deal_cost_total"}


def _count(condition: ColumnElement[bool]) -> Any:
    """Rows meeting `condition`: an aggregate FILTER, which SQLite evaluates a fifth faster than a CASE per row."""
    return func.count().filter(condition)


def _sum(condition: ColumnElement[bool], value: Any) -> Any:
    """`value` summed over the rows meeting `condition` (NULL, read as 0, when none does)."""
    return func.sum(value).filter(condition)


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


def activities(ids: list[int], period: Period, parts: Parts) -> Sum:
    """Sums by rep and kind, in the order of the covering (rep, week_start | month, kind, account, count)
    indexes, with one column per tier: an account's tier is a lookup in its tier's set of account ids (built
    once per query), so no join takes the index away from the scan."""
    tiers = [_sum(A.account_id.in_(select(ACC.id).where(ACC.potential_tier == tier)), A.count) for tier in TIERS]
    stmt = (select(A.rep_id, A.kind, func.sum(A.count), *tiers)
            .where(A.rep_id.in_(ids), _activity_in(period))
            .group_by(A.rep_id, A.kind))

    def add(rows: Sequence[Any]) -> None:
        for rep, kind, n, *by_tier in rows:
            part = parts[rep]
            part["activities"][kind] = part["activities"].get(kind, 0) + int(n)
            for tier, m in zip(TIERS, by_tier, strict=True):
                if m:
                    part["activities_by_tier"][tier] = part["activities_by_tier"].get(tier, 0) + int(m)
    return stmt, add


def _days(dialect: str) -> Any:
    """Days from engagement to close, in this database's date arithmetic."""
    if dialect == "sqlite":
        return func.julianday(D.closed_on) - func.julianday(D.engaged_on)
    return D.closed_on - D.engaged_on


def _deal_columns(period: Period, day: date, today: date, stale_after_days: int, *, open_now: bool, dialect: str,
                  apart: bool = False) -> dict[Any, Any]:
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
        **({} if apart else _closed_columns(period.start, closed_in, dialect)),
    }


def _closed_columns(start: Any, closed_in: ColumnElement[bool], dialect: str) -> dict[Any, Any]:
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
        "cycle_days_total": _sum(cycle, _days(dialect)),
        "cycle_count": _count(cycle),
        "new_business_revenue": _sum(and_(won, ACC.first_won_date >= start), amount),
        "existing_business_revenue": _sum(and_(won, ACC.first_won_date < start), amount),
        "new_customers": func.count(func.distinct(case((first_win, D.account_id)))),
        "renewals": _count(and_(won, D.deal_type == "renewal")),
        "expansion_revenue": _sum(and_(won, D.deal_type == "expansion"), amount),
        "deal_cost_total": _sum(costed, D.acquisition_cost),
        "deal_cost_count": _count(costed),
    }


def closed_by_key(ids: list[int], periods: list[Period], parts: list[Parts], dialect: str) -> Sum | None:
    """When every period is a month (or every one a week), the deals won or lost in them summed once, grouped by
    their stored close_month (close_week) rather than once for each period side by side; None otherwise."""
    kinds = {p.kind for p in periods}
    if kinds not in ({"month"}, {"week"}):
        return None
    key = D.close_month if kinds == {"month"} else D.close_week
    columns = _closed_columns(key, true(), dialect)
    stmt = (select(D.owner_id, key, *columns.values()).select_from(D).outerjoin(ACC, ACC.id == D.account_id)
            .where(D.owner_id.in_(ids), D.outcome.in_(("won", "lost")), key.in_([p.start for p in periods]))
            .group_by(D.owner_id, key))
    by_start = {p.start: part for p, part in zip(periods, parts, strict=True)}

    def add(rows: Sequence[Any]) -> None:
        for owner, start, *values in rows:
            part = by_start[start][owner]
            for name, value in zip(columns, values, strict=True):
                if value:
                    part[name] = part.get(name, 0) + (float if name in _FLOATS else int)(value)
    return stmt, add


def deals(ids: list[int], periods: list[Period], now: datetime, stale_after_days: int, parts: list[Parts], *,
          apart: bool, dialect: str) -> list[Sum]:
    """Two passes, each an index range on (owner, outcome, closed_on): the deals open now, and the deals won
    or lost since the earliest period start or as-of day. No other deal can count: it closed before every
    period and every as-of day, and after it was created. `apart`: closed_by_key sums the deals closed in them."""
    since = min(min(p.start, as_of(p, now)) for p in periods)
    mine = D.owner_id.in_(ids)
    passes = ((False, and_(D.outcome.in_(("won", "lost")), D.closed_on >= since)), (True, D.outcome == "open"))
    return [_add_up(parts, [_deal_columns(p, as_of(p, now), now.date(), stale_after_days, open_now=open_now,
                                          dialect=dialect, apart=apart) for p in periods], and_(mine, where))
            for open_now, where in passes]


def _add_up(parts: list[Parts], columns: list[dict[Any, Any]], where: ColumnElement[bool]) -> Sum:
    """Sum `columns` (one dict per period) over deals by owner, into each period's parts. Grouping by owner
    alone follows the owner index, so nothing is sorted; tiers are columns, keyed ("deals_by_tier", tier)."""
    stmt = (select(D.owner_id, *(c for cols in columns for c in cols.values()))
            .select_from(D).outerjoin(ACC, ACC.id == D.account_id).where(where)
            .group_by(D.owner_id))
    plan = [(period_parts, name, float if name in _FLOATS else int)
            for cols, period_parts in zip(columns, parts, strict=True) for name in cols]

    def add(rows: Sequence[Any]) -> None:
        for owner, *values in rows:
            for (period_parts, name, cast), value in zip(plan, values, strict=True):
                if not value:
                    continue
                part = period_parts[owner]
                if isinstance(name, tuple):  # ("deals_by_tier", tier)
                    part[name[0]][name[1]] = part[name[0]].get(name[1], 0) + int(value)
                else:
                    part[name] = part.get(name, 0) + cast(value)
    return stmt, add


def leads(ids: list[int], periods: list[Period], now: datetime, parts: list[Parts]) -> Sum:
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

    return stmt, _pairs(parts, "leads", "leads_won")


def customers(ids: list[int], periods: list[Period], now: datetime, parts: list[Parts]) -> Sum:
    """Account churn per account owner: customers at each period's start (first won before it, not churned
    by then) and how many of them churned in the period (up to its as-of day)."""
    columns = []
    for p in periods:
        customer = and_(ACC.first_won_date < p.start, or_(ACC.churned_on.is_(None), ACC.churned_on >= p.start))
        lost = and_(customer, ACC.churned_on < min(p.end, as_of(p, now) + timedelta(days=1)))
        columns += [_count(customer), _count(lost)]
    stmt = select(ACC.owner_id, *columns).where(ACC.owner_id.in_(ids)).group_by(ACC.owner_id)

    return stmt, _pairs(parts, "customers_at_start", "customers_lost")


def _pairs(parts: list[Parts], first: str, second: str) -> Callable[[Sequence[Any]], None]:
    """Rows of (owner, then two counts per period, side by side) into each period's `first` and `second`."""
    def add(rows: Sequence[Any]) -> None:
        for owner, *values in rows:
            for n, period_parts in enumerate(parts):
                period_parts[owner][first] = int(values[2 * n] or 0)
                period_parts[owner][second] = int(values[2 * n + 1] or 0)
    return add


def quotas(ids: list[int], periods: list[Period], parts: list[Parts]) -> Sum:
    """Quota rows overlapping the periods (a few per rep), prorated by coaching.performance.kpis.quota_for."""
    stmt = (select(Q.rep_id, Q.period_start, Q.period_kind, Q.amount)
            .where(Q.rep_id.in_(ids), Q.period_start >= min(period_of("quarter", p.start).start for p in periods),
                   Q.period_start < max(p.end for p in periods)))

    def add(rows: Sequence[Any]) -> None:
        targets: dict[int, list[QuotaTarget]] = {}
        for rep, start, kind, amount in rows:
            targets.setdefault(rep, []).append(QuotaTarget(start, kind, float(amount)))
        for period, period_parts in zip(periods, parts, strict=True):
            for rep, rows_ in targets.items():
                period_parts[rep]["quota"] = quota_for(period, rows_)
    return stmt, add
