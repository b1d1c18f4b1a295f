"""Values derived from imported CRM data rather than read from it: period keys of a day, an account's
potential tier, and its first_won_date."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, select, update
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
    revenue = revenue or [None] * size
    employees = employees or [None] * size
    by_revenue = sorted(v for v in revenue if v is not None)
    by_size = sorted(v for v in employees if v is not None)

    def tier(value: float | None, ranked: list[Any]) -> str | None:
        if value is None or len(ranked) < 3:
            return None
        share = bisect_left(ranked, value) / len(ranked)
        return "low" if share < 1 / 3 else "medium" if share < 2 / 3 else "high"

    return [tier(r, by_revenue) if r is not None else tier(e, by_size)
            for r, e in zip(revenue, employees, strict=True)]


def refresh_first_won_dates(session: Session) -> int:
    """Set each account's first_won_date to its earliest won close date; writes only accounts that differ."""
    first = dict(session.execute(select(DEAL.c.account_id, func.min(DEAL.c.closed_on))
                                 .where(DEAL.c.outcome == "won", DEAL.c.account_id.is_not(None))
                                 .group_by(DEAL.c.account_id)).all())
    changed = [(id_, first.get(id_)) for id_, stored in session.execute(select(ACCOUNT.c.id, ACCOUNT.c.first_won_date))
               if first.get(id_) != stored]
    executemany(session, update(ACCOUNT).where(ACCOUNT.c.id == bindparam("_id")),
                {"_id": [i for i, _ in changed], "first_won_date": [d for _, d in changed]})
    return len(changed)
