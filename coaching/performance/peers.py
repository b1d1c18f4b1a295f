"""A peer group's rep views worked out once (for every rep in it), and one viewer's share of them: what App Home
caches per team and period instead of running service.rep_view once per rep."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime

from coaching.access import OrgChart, check_can_see
from coaching.performance.diagnosis import DEFAULTS, Thresholds
from coaching.performance.digest import RepView, build_views, without_medians
from coaching.performance.ports import PerformanceStore
from coaching.performance.service import _reps_with_kpis, medians_visible
from coaching.periods import Period


def peer_views(store: PerformanceStore, *, peers: Collection[int], period: Period, now: datetime,
               thresholds: Thresholds = DEFAULTS) -> dict[int, RepView]:
    """Every peer's view against the group's medians: one store read for the whole group (coaching.access.peers_of)."""
    reps = _reps_with_kpis(store, peers, period, now)
    return build_views(period=period, reps=list(reps.values()), today=now.date(), thresholds=thresholds)


def view_for(views: Mapping[int, RepView], *, viewer_id: int, rep_id: int, peers: tuple[int, ...],
             org: OrgChart) -> RepView:
    """What service.rep_view gives `viewer_id` of `rep_id`, from the group's views: NotAllowed unless coaching.access
    lets them see the rep, and no medians where the group is too small for them."""
    check_can_see(viewer_id, rep_id, org=org)
    view = views[rep_id]
    return view if medians_visible(viewer_id, peers, org=org) else without_medians(view)
