"""Values derived from imported CRM data rather than read from it: period keys of a day, an account's
potential tier and where it came from, its first_won_date, and its owner when the accounts file gave none."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, func, select, update
from sqlalchemy.orm import Session

from storage.crm.bulk import executemany
from storage.crm.models import CrmAccount, CrmDeal

ACCOUNT, DEAL = cast(Table, CrmAccount.__table__), cast(Table, CrmDeal.__table__)


def periods(days: Iterable[date | None]) -> tuple[dict[date | None, date | None], dict[date | None, date | None]]:
    """First of the month and Monday of the week, for each distinct day."""
    distinct = set(days)
    distinct.discard(None)
    months: dict[date | None, date | None] = {d: d.replace(day=1) for d in distinct if d}
    weeks: dict[date | None, date | None] = {d: d - timedelta(days=d.weekday()) for d in distinct if d}
    months[None] = weeks[None] = None
    return months, weeks


def potential_tiers(revenue: Sequence[float | None] | None, employees: Sequence[int | None] | None
                    ) -> list[str | None]:
    """'high', 'medium' or 'low' by tercile of revenue among these accounts; an account without revenue is
    ranked by employees instead; None without either, or when fewer than three accounts have the figure."""
    size = len(revenue if revenue is not None else employees or [])
    by_revenue = terciles(revenue or [None] * size)
    by_employees = terciles(employees or [None] * size)
    return [r if r is not None else e for r, e in zip(by_revenue, by_employees, strict=True)]


def terciles(values: Sequence[float | None]) -> list[str | None]:
    """'high', 'medium' or 'low': the tercile of each value among these values; None for a missing value, or
    for every value when fewer than three are given."""
    ranked: list[Any] = sorted(v for v in values if v is not None)
    if len(ranked) < 3:
        return [None] * len(values)

    def tier(value: float | None) -> str | None:
        if value is None:
            return None
        share = bisect_left(ranked, value) / len(ranked)
        return "low" if share < 1 / 3 else "medium" if share < 2 / 3 else "high"

    return list(map(tier, values))


def account_tiers(size: int, *, tiers: Sequence[str | None] | None = None,
                  potential: Sequence[float | None] | None = None, revenue: Sequence[float | None] | None = None,
                  employees: Sequence[int | None] | None = None) -> tuple[list[str | None], list[str | None]]:
    """Each account's potential_tier and potential_basis, for the `size` accounts of one file: its imported tier
    ('imported'); else the tercile of its imported potential among the file's potentials ('imported', when at least
    three accounts have one); else the tercile of its revenue, or employees ('size'); else (None, None)."""
    imported = tiers or [None] * size
    by_potential = terciles(potential) if potential is not None else [None] * size
    by_size = potential_tiers(revenue, employees) if revenue is not None or employees is not None else [None] * size
    chosen: list[tuple[str | None, str | None]] = [
        (own, "imported") if own else (ranked, "imported") if ranked else (sized, "size" if sized else None)
        for own, ranked, sized in zip(imported, by_potential, by_size, strict=True)]
    return [tier for tier, _ in chosen], [basis for _, basis in chosen]


def refresh_first_wins(session: Session) -> int:
    """Set each account's first_won_date to its earliest won close date and, unless its owner was imported, its
    owner_id to the owner of that first won deal (the first stored of a day's wins; owner_basis 'deals', or None
    without a won deal). Writes only accounts that differ; returns how many."""
    # The first win's day per account, then the first stored deal won that day: both read the covering index
    # (account_id, outcome, closed_on), about as fast as the min() alone; ROW_NUMBER() over every won deal was
    # four times slower on SQLite (100k deals: 25 ms against 100 ms), and a webhook deal runs this too.
    won = and_(DEAL.c.outcome == "won", DEAL.c.account_id.is_not(None), DEAL.c.closed_on.is_not(None))
    days = (select(DEAL.c.account_id, func.min(DEAL.c.closed_on).label("day")).where(won)
            .group_by(DEAL.c.account_id).subquery())
    firsts = (select(DEAL.c.account_id, DEAL.c.closed_on, func.min(DEAL.c.id).label("deal_id"))
              .join(days, and_(days.c.account_id == DEAL.c.account_id, days.c.day == DEAL.c.closed_on))
              .where(DEAL.c.outcome == "won").group_by(DEAL.c.account_id, DEAL.c.closed_on).subquery())
    deal = DEAL.alias("first_deal")
    first: dict[int, tuple[date, int]] = {
        account: (day, owner) for account, day, owner in session.execute(
            select(firsts.c.account_id, firsts.c.closed_on, deal.c.owner_id).join(deal, deal.c.id == firsts.c.deal_id))}
    changed: list[tuple[int, date | None, int | None, str | None]] = []
    for id_, *stored in session.execute(select(ACCOUNT.c.id, ACCOUNT.c.first_won_date, ACCOUNT.c.owner_id,
                                               ACCOUNT.c.owner_basis)):
        day, owner = first.get(id_, (None, None))
        derived = (owner, "deals" if owner is not None else None)
        wanted = (day, *(stored[1:] if stored[2] == "imported" else derived))
        if list(wanted) != stored:
            changed.append((id_, *wanted))
    executemany(session, update(ACCOUNT).where(ACCOUNT.c.id == bindparam("_id")),
                {"_id": [c[0] for c in changed], "first_won_date": [c[1] for c in changed],
                 "owner_id": [c[2] for c in changed], "owner_basis": [c[3] for c in changed]})
    return len(changed)
