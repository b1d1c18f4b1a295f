"""App Home's KPI cache: each peer group's views for a period worked out once per data version, not once per click.

Keyed by the peers (coaching.access.peers_of), the period, the day and the thresholds, under storage.data_version's
KPI version, which every write to a CRM table, a person or a team bumps: a change is never shown stale.
"""

from __future__ import annotations

import threading
from datetime import datetime

from coaching.access import OrgChart, peers_of
from coaching.performance.diagnosis import Thresholds
from coaching.performance.digest import RepView
from coaching.performance.peers import peer_views, view_for
from coaching.performance.ports import PerformanceStore
from coaching.periods import Period

MAX_GROUPS = 512  # views kept per version (peer groups x periods x days); past that the cache starts again


class RepNumbers:
    """One process's cache; safe across threads (a group is worked out by one thread while the others wait)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version: int | None = None
        self._org: OrgChart | None = None
        self._views: dict[tuple[tuple[int, ...], Period, object, Thresholds], dict[int, RepView]] = {}
        self.computed = 0  # peer groups worked out (for tests and benches)

    def rep_view(self, store: PerformanceStore, *, version: int, viewer_id: int, rep_id: int, period: Period,
                 now: datetime, thresholds: Thresholds) -> RepView:
        """service.rep_view's answer, from the cache when this version's group is there (NotAllowed alike).
        `version`: storage.data_version.kpis_version, read in the same transaction before `store` reads figures."""
        with self._lock:
            if version != self._version or len(self._views) >= MAX_GROUPS:
                self._version, self._org, self._views = version, None, {}
            if self._org is None:
                self._org = store.org_chart()
            org = self._org
            peers = peers_of(rep_id, org=org)
            key = (peers, period, now.date(), thresholds)
            views = self._views.get(key)
            if views is None:
                views = self._views[key] = peer_views(store, peers=peers, period=period, now=now,
                                                      thresholds=thresholds)
                self.computed += 1
        return view_for(views, viewer_id=viewer_id, rep_id=rep_id, peers=peers, org=org)
