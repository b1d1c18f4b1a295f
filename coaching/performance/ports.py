"""What coaching needs from the outside world: performance figures summed by the store, and the org chart."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Protocol

from coaching.access import OrgEntry
from coaching.performance.kpis import STALE_AFTER_DAYS, RepFigures
from coaching.periods import Period


class PerformanceStore(Protocol):
    def org_chart(self) -> dict[int, OrgEntry]:
        """Every active person: id -> (manager id, role)."""
        ...

    def rep_figures(self, *, rep_ids: Collection[int], periods: Sequence[Period], now: datetime,
                    stale_after_days: int = STALE_AFTER_DAYS) -> dict[Period, list[RepFigures]]:
        """For each period, one RepFigures per rep id in id order (zeros for a rep with no data). Open pipeline
        is as of each period's last day, or `now` inside the current period. A few queries in all, however
        many reps and periods."""
        ...

    def sales_roles(self, rep_ids: Collection[int]) -> dict[int, str | None]:
        """Each rep's sales role ('sdr', 'ae' or 'am'; None when the roster names none)."""
        ...

    def spend(self, *, rep_ids: Collection[int], periods: Sequence[Period]) -> dict[Period, float]:
        """Sales and marketing spend imported for each period, prorated by days, for the teams of `rep_ids`
        (organisation-wide spend only when they are every active rep); a period without spend is left out."""
        ...
