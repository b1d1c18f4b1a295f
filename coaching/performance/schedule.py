"""When each manager's weekly digest is due: from the configured weekday and local time on, once per local week."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from coaching.periods import Period, period_of


@dataclass(frozen=True)
class DigestDue:
    manager_id: int
    week: str  # the manager's local ISO week, e.g. 2026-W48: the digest's idempotency key part
    period: Period  # what the digest covers: the period containing the manager's local yesterday


def digests_due(managers: Iterable[tuple[int, str]], *, now: datetime, weekday: int = 0,
                at: time = time(8, 0), period_kind: str = "month") -> list[DigestDue]:
    """Managers whose local `weekday` `at` has come this local week; (id, tz) pairs in, in the order given.

    A digest missed on its day (the server was down) is still due later that week, never twice: the caller
    keys it by the week.
    """
    due = []
    for manager_id, tz in managers:
        local = now.astimezone(ZoneInfo(tz or "UTC"))
        start_of_week = local.date() - timedelta(days=local.weekday())
        send_at = datetime.combine(start_of_week + timedelta(days=weekday), at, tzinfo=local.tzinfo)
        if local < send_at:
            continue
        year, week, _ = local.isocalendar()
        yesterday: date = local.date() - timedelta(days=1)
        due.append(DigestDue(manager_id, f"{year}-W{week:02d}", period_of(period_kind, yesterday)))
    return due
