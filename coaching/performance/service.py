"""Coaching use cases over the PerformanceStore: every manager's digest, one viewer's digest, a rep's view, trends.

Each reads the org chart once and the figures of every rep it needs in one store call.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
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
from coaching.performance.kpis import Kpis, RepFigures, kpis_of, total
from coaching.performance.ports import PerformanceStore
from coaching.periods import Period, last_periods

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
    wanted = _with_previous(periods)
    subject = viewer_id if subject_id is None else subject_id
    if subject is None:
        raise NotAllowed("a trend needs a viewer or a subject")
    reps = team_reps_in_view(viewer_id, subject, org=store.org_chart())
    figures = store.rep_figures(rep_ids=reps, periods=wanted, now=now)
    return _trend(figures, periods, store.spend(rep_ids=reps, periods=wanted))


def _with_previous(periods: Sequence[Period]) -> list[Period]:
    return sorted({q for p in periods for q in (p.previous(), p)})


def _trend(figures: Mapping[Period, Sequence[RepFigures]], periods: Sequence[Period],
           spend: Mapping[Period, float]) -> list[tuple[Period, Kpis]]:
    """Team KPIs per period from the figures of exactly the team's reps (in id order), each against the one before."""
    totals = {p: total(figures[p], spend=spend.get(p)) for p in _with_previous(periods)}
    return [(p, kpis_of(totals[p], previous=totals[p.previous()])) for p in periods]


@dataclass(frozen=True)
class WeeklyDigest:
    """A manager's digest for a period (as team_digests gives it) and their team's trend up to that period (as
    `trend` gives it to the manager): what the weekly digest DM and its chart show."""

    digest: Digest
    trend: list[tuple[Period, Kpis]]


def weekly_digests(store: PerformanceStore, *, wanted: Collection[tuple[int, Period]], now: datetime,
                   trend_periods: int, thresholds: Thresholds = DEFAULTS) -> dict[tuple[int, Period], WeeklyDigest]:
    """The digest and trend of each (manager, period) in `wanted` whose manager has reps below them. One store read
    of every rep's figures over every period any of them needs; each digest over the manager's reps and each trend
    summed over team_reps_in_view(manager, manager), exactly as team_digests and trend compute them one by one."""
    org = store.org_chart()
    recipients = set(digest_recipients(org))
    wanted = sorted({(m, p) for m, p in wanted if m in recipients})
    teams = {m: reps_under(m, org=org) for m, _ in wanted}
    in_view = {m: team_reps_in_view(m, m, org=org) for m in teams}
    plans = {p: ([p, *_earlier(p, HISTORY + 1)], last_periods(p, count=trend_periods)) for _, p in wanted}
    periods = sorted({q for own, shown in plans.values() for q in (*own, *_with_previous(shown))})
    everyone = sorted({r for reps in (*teams.values(), *in_view.values()) for r in reps})
    figures = store.rep_figures(rep_ids=everyone, periods=periods, now=now)
    roles = store.sales_roles(everyone)
    # each rep's KPIs once per period, however many digests they are in (a head of sales' and their manager's)
    in_digests = {p: {r for m, q in wanted if q == p for r in teams[m]} for p in plans}
    kpis_by_period = {p: rep_kpis(*([f for f in figures[q] if f.person_id in in_digests[p]] for q in plans[p][0]),
                                  roles=roles) for p in plans}
    out = {}
    for manager, period in wanted:
        shown, seen, kpis = plans[period][1], set(in_view[manager]), kpis_by_period[period]
        shown_with_previous = _with_previous(shown)
        # a period's spend depends only on the reps asked about, so one read serves both when they are the same
        seen_spend = store.spend(rep_ids=in_view[manager], periods=[*shown_with_previous, period, period.previous()])
        spend = seen_spend if seen == set(teams[manager]) else store.spend(
            rep_ids=teams[manager], periods=[period, period.previous()])
        digest = build_digest(manager_id=manager, period=period, reps=[kpis[r] for r in teams[manager]],
                              today=now.date(), thresholds=thresholds,
                              spend=(spend.get(period), spend.get(period.previous())))
        mine = {q: [f for f in figures[q] if f.person_id in seen] for q in shown_with_previous}
        out[manager, period] = WeeklyDigest(digest, _trend(mine, shown, seen_spend))
    return out
