"""Coaching use cases over the PerformanceStore: every manager's digest, one viewer's digest, a rep's view, trends.

Each reads the org chart once and the figures of every rep it needs in one store call.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from coaching.access import (
    NotAllowed,
    OrgChart,
    check_can_see,
    digest_recipients,
    peers_of,
    reps_under,
    team_reps_in_view,
    visible_to,
)
from coaching.performance.diagnosis import DEFAULTS, Thresholds
from coaching.performance.digest import Digest, RepKpis, RepView, build_digest, build_views, rep_kpis, without_medians
from coaching.performance.kpis import Kpis, kpis_of, total
from coaching.performance.ports import PerformanceStore
from coaching.periods import Period

MIN_MEDIAN_GROUP = 5  # a rep sees the team median only over at least this many reps (as survey anonymity)


HISTORY = 3  # earlier periods read for each rep: the trend and "most improved" against their own average


def _earlier(period: Period, count: int) -> list[Period]:
    out = [period.previous()]
    while len(out) < count:
        out.append(out[-1].previous())
    return out


def _reps_with_kpis(store: PerformanceStore, reps: Collection[int], period: Period,
                    now: datetime) -> dict[int, RepKpis]:
    """Each rep's KPIs for the period and HISTORY periods before (plus one more, for growth), with their role."""
    earlier = _earlier(period, HISTORY + 1)
    figures = store.rep_figures(rep_ids=reps, periods=[period, *earlier], now=now)
    return rep_kpis(figures[period], *(figures[p] for p in earlier), roles=store.sales_roles(reps))


def _spend(store: PerformanceStore, reps: Collection[int], period: Period) -> tuple[float | None, float | None]:
    spend = store.spend(rep_ids=reps, periods=[period, period.previous()])
    return spend.get(period), spend.get(period.previous())


def team_digests(store: PerformanceStore, *, period: Period, now: datetime,
                 thresholds: Thresholds = DEFAULTS) -> list[Digest]:
    """The digest of every manager with reps below them, in manager id order; one store read in all, and each
    rep's KPIs worked out once however many digests they appear in."""
    org = store.org_chart()
    teams = {manager: reps_under(manager, org=org) for manager in digest_recipients(org)}
    everyone = _reps_with_kpis(store, sorted({rep for reps in teams.values() for rep in reps}), period, now)
    return [build_digest(manager_id=manager, period=period, reps=[everyone[r] for r in reps], today=now.date(),
                         thresholds=thresholds, spend=_spend(store, reps, period))
            for manager, reps in teams.items()]


def digest_for(store: PerformanceStore, *, viewer_id: int | None, period: Period, now: datetime,
               thresholds: Thresholds = DEFAULTS, subject_id: int | None = None) -> Digest:
    """The digest a manager (their reps) or an admin (every rep) asks for; NotAllowed for anyone else. With
    `subject_id`, that manager's or admin's digest cut down to the reps `viewer_id` may see (None: the operator)."""
    org = store.org_chart()
    subject = viewer_id if subject_id is None else subject_id
    entry = org.get(subject) if subject is not None else None
    if subject is None or entry is None or entry.role not in ("manager", "admin"):
        raise NotAllowed(f"person {subject} is not a manager or admin and has no team digest")
    in_view = team_reps_in_view(viewer_id, subject, org=org)
    reps = _reps_with_kpis(store, in_view, period, now)
    return build_digest(manager_id=subject, period=period, reps=list(reps.values()), today=now.date(),
                        thresholds=thresholds, spend=_spend(store, in_view, period))


def rep_view(store: PerformanceStore, *, viewer_id: int, rep_id: int, period: Period, now: datetime,
             thresholds: Thresholds = DEFAULTS) -> RepView:
    """One rep against their peers (the reps under the same manager), as `viewer_id` may see it: a rep in a
    team of fewer than MIN_MEDIAN_GROUP gets no medians, which could give a colleague's figure away."""
    org = store.org_chart()
    check_can_see(viewer_id, rep_id, org=org)
    peers = peers_of(rep_id, org=org)
    reps = _reps_with_kpis(store, peers, period, now)
    view = build_views(period=period, reps=list(reps.values()), today=now.date(), thresholds=thresholds)[rep_id]
    return view if medians_visible(viewer_id, peers, org=org) else without_medians(view)


def medians_visible(viewer_id: int, peers: Sequence[int], *, org: OrgChart) -> bool:
    """A team median may be shown to someone who may see every peer, or over a group large enough."""
    return len(peers) >= MIN_MEDIAN_GROUP or set(peers) <= visible_to(viewer_id, org=org)


def trend(store: PerformanceStore, *, viewer_id: int | None, periods: Sequence[Period], now: datetime,
          subject_id: int | None = None) -> list[tuple[Period, Kpis]]:
    """The viewer's team KPIs (their own, for a rep) period by period, each against the period before it; with
    `subject_id`, that person's team as far as `viewer_id` may see it (None: the operator)."""
    wanted = sorted({q for p in periods for q in (p.previous(), p)})
    subject = viewer_id if subject_id is None else subject_id
    if subject is None:
        raise NotAllowed("a trend needs a viewer or a subject")
    reps = team_reps_in_view(viewer_id, subject, org=store.org_chart())
    figures = store.rep_figures(rep_ids=reps, periods=wanted, now=now)
    spend = store.spend(rep_ids=reps, periods=wanted)
    totals = {p: total(f, spend=spend.get(p)) for p, f in figures.items()}
    return [(p, kpis_of(totals[p], previous=totals[p.previous()])) for p in periods]
