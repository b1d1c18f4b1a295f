"""KPI definitions: a rep's raw figures for a period (as SQL sums them) and the KPIs derived from them.

A KPI is None where it is undefined (no closed deals, no quota, no previous revenue); nothing divides by zero
and nothing is guessed. KPI_NAMES is the stable, ordered list of column names the digest and exports use.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from operator import attrgetter
from typing import Any

from coaching.periods import Period, period_of

ACTIVITY_KINDS = ("call", "email", "meeting", "demo", "other")
TIERS = ("high", "medium", "low")  # account potential
UNITS = ("count", "money", "ratio", "days")
STALE_AFTER_DAYS = 30  # an open deal untouched for longer than this is stale
FLAT_WITHIN = 0.01  # a change under 1% of the previous value shows as flat
TEAM = 0  # the person id of figures summed over a whole team


@dataclass(frozen=True)
class RepFigures:
    """One rep's sums for one period, exactly as the store aggregates them; money in the deals' currency.

    Deals count as won or lost in the period they closed; open pipeline is as of the period's last day (or
    today, inside the current period). `due_value` is the open value expected to close by the period's end,
    `dated_open` how many open deals carry an expected close date. Tiers are account potential (TIERS).
    """

    person_id: int
    activities: Mapping[str, int] = field(default_factory=dict)  # by kind, see ACTIVITY_KINDS
    deals_created: int = 0
    deals_won: int = 0
    deals_lost: int = 0
    revenue_won: float = 0.0
    cycle_days_total: float = 0.0  # sum over won deals with an engaged date of (closed - engaged) days
    cycle_count: int = 0
    open_deals: int = 0
    open_value: float = 0.0
    due_value: float = 0.0
    dated_open: int = 0
    quota: float | None = None  # prorated to the period, None when the rep has no quota for all of it
    stale_deals: int = 0
    new_business_revenue: float = 0.0  # won from accounts whose first win falls in this period
    existing_business_revenue: float = 0.0  # won from accounts first won before it
    leads: int = 0  # leads created in the period
    leads_converted: int = 0  # of those, converted by the period's last day (or today, inside it)
    activities_by_tier: Mapping[str, int] = field(default_factory=dict)
    deals_by_tier: Mapping[str, int] = field(default_factory=dict)  # deals open then or closed in the period
    churned: int = 0  # won deals of the period whose customer churned
    churn_known: int = 0  # won deals of the period where the data says churned or not
    acquisition_cost_total: float = 0.0
    acquisition_cost_count: int = 0  # won deals of the period that carry an acquisition cost
    first_seen: date | None = None  # the rep's earliest activity week or close month, for tenure


@dataclass(frozen=True)
class Kpi:
    name: str
    unit: str  # one of UNITS
    better: str | None  # "higher", "lower", or None when neither direction is good news


KPIS: tuple[Kpi, ...] = (
    Kpi("activities", "count", "higher"),
    Kpi("calls", "count", "higher"),
    Kpi("emails", "count", "higher"),
    Kpi("meetings", "count", "higher"),
    Kpi("demos", "count", "higher"),
    Kpi("other_activities", "count", None),
    Kpi("deals_created", "count", "higher"),
    Kpi("deals_won", "count", "higher"),
    Kpi("deals_lost", "count", None),
    Kpi("win_rate", "ratio", "higher"),
    Kpi("revenue_won", "money", "higher"),
    Kpi("avg_deal_size", "money", "higher"),
    Kpi("cycle_days", "days", "lower"),
    Kpi("open_deals", "count", "higher"),
    Kpi("open_pipeline", "money", "higher"),
    Kpi("quota", "money", None),
    Kpi("quota_attainment", "ratio", "higher"),
    Kpi("pipeline_coverage", "ratio", "higher"),
    Kpi("revenue_growth", "ratio", "higher"),
    Kpi("lead_conversion", "ratio", "higher"),
    Kpi("stale_deals", "count", "lower"),
    Kpi("new_business_revenue", "money", "higher"),
    Kpi("new_business_share", "ratio", "higher"),
    Kpi("high_potential_activity_share", "ratio", "higher"),
    Kpi("low_potential_activity_share", "ratio", "lower"),
    Kpi("high_potential_deal_share", "ratio", "higher"),
    Kpi("churn_rate", "ratio", "lower"),
    Kpi("acquisition_cost", "money", "lower"),
)
KPI_NAMES: tuple[str, ...] = tuple(k.name for k in KPIS)
KPI_BY_NAME: Mapping[str, Kpi] = {k.name: k for k in KPIS}


@dataclass(frozen=True)
class Kpis:
    """One value per KPI_NAMES entry, in that order; None where undefined."""

    activities: float | None = None
    calls: float | None = None
    emails: float | None = None
    meetings: float | None = None
    demos: float | None = None
    other_activities: float | None = None
    deals_created: float | None = None
    deals_won: float | None = None
    deals_lost: float | None = None
    win_rate: float | None = None
    revenue_won: float | None = None
    avg_deal_size: float | None = None
    cycle_days: float | None = None
    open_deals: float | None = None
    open_pipeline: float | None = None
    quota: float | None = None
    quota_attainment: float | None = None
    pipeline_coverage: float | None = None
    revenue_growth: float | None = None
    lead_conversion: float | None = None
    stale_deals: float | None = None
    new_business_revenue: float | None = None
    new_business_share: float | None = None
    high_potential_activity_share: float | None = None
    low_potential_activity_share: float | None = None
    high_potential_deal_share: float | None = None
    churn_rate: float | None = None
    acquisition_cost: float | None = None

    def value(self, name: str) -> float | None:
        if name not in KPI_BY_NAME:
            raise KeyError(f"'{name}' is not a KPI; expected one of {', '.join(KPI_NAMES)}")
        return getattr(self, name)

    def row(self) -> tuple[float | None, ...]:
        """The values in KPI_NAMES order (one spreadsheet row)."""
        return tuple(getattr(self, name) for name in KPI_NAMES)


def ratio(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def kpis_of(figures: RepFigures, *, previous: RepFigures | None = None) -> Kpis:
    """The KPIs of one period's figures; `previous` (the period before) gives month-on-month growth."""
    f = figures
    acts = f.activities
    closed = f.deals_won + f.deals_lost
    remaining = None if f.quota is None else f.quota - f.revenue_won
    undated = f.open_deals > 0 and f.dated_open == 0  # the data has no expected close dates to judge by
    tiered = sum(f.activities_by_tier.get(t, 0) for t in TIERS)
    business = f.new_business_revenue + f.existing_business_revenue
    return Kpis(
        activities=sum(acts.values()),
        calls=acts.get("call", 0),
        emails=acts.get("email", 0),
        meetings=acts.get("meeting", 0),
        demos=acts.get("demo", 0),
        other_activities=sum(n for kind, n in acts.items() if kind not in ACTIVITY_KINDS[:4]),
        deals_created=f.deals_created,
        deals_won=f.deals_won,
        deals_lost=f.deals_lost,
        win_rate=ratio(f.deals_won, closed),
        revenue_won=f.revenue_won,
        avg_deal_size=ratio(f.revenue_won, f.deals_won),
        cycle_days=ratio(f.cycle_days_total, f.cycle_count),
        open_deals=f.open_deals,
        open_pipeline=f.open_value,
        quota=f.quota,
        quota_attainment=None if not f.quota or f.quota < 0 else f.revenue_won / f.quota,
        pipeline_coverage=None if remaining is None or remaining <= 0 or undated else f.due_value / remaining,
        revenue_growth=_growth(f.revenue_won, None if previous is None else previous.revenue_won),
        lead_conversion=ratio(f.leads_converted, f.leads),
        stale_deals=f.stale_deals,
        new_business_revenue=f.new_business_revenue,
        new_business_share=ratio(f.new_business_revenue, business) if business > 0 else None,
        high_potential_activity_share=ratio(f.activities_by_tier.get("high", 0), tiered),
        low_potential_activity_share=ratio(f.activities_by_tier.get("low", 0), tiered),
        high_potential_deal_share=ratio(f.deals_by_tier.get("high", 0), sum(f.deals_by_tier.get(t, 0) for t in TIERS)),
        churn_rate=ratio(f.churned, f.churn_known),
        acquisition_cost=ratio(f.acquisition_cost_total, f.acquisition_cost_count),
    )


def _growth(current: float, previous: float | None) -> float | None:
    """The change against the previous period as a share of it; None when there was nothing before."""
    return None if previous is None or previous <= 0 else (current - previous) / previous


_SUMMED = tuple(f.name for f in fields(RepFigures)
                if f.name not in ("person_id", "activities", "activities_by_tier", "deals_by_tier", "quota",
                                  "first_seen"))
_summed = attrgetter(*_SUMMED)


def total(figures: Sequence[RepFigures], *, person_id: int = TEAM) -> RepFigures:
    """The team's figures: every count and sum added up. The quota is None unless every rep has one, so team
    attainment and coverage are never computed against part of the team's target."""
    columns = zip(*map(_summed, figures), strict=True)
    sums: dict[str, Any] = dict(zip(_SUMMED, map(sum, columns), strict=True)) if figures else dict.fromkeys(_SUMMED, 0)
    activities: dict[str, int] = {}
    by_tier: dict[str, int] = {}
    deals_by_tier: dict[str, int] = {}
    for f in figures:
        for into, part in ((activities, f.activities), (by_tier, f.activities_by_tier),
                           (deals_by_tier, f.deals_by_tier)):
            for key, n in part.items():
                into[key] = into.get(key, 0) + n
    quotas = [f.quota for f in figures]
    seen = [f.first_seen for f in figures if f.first_seen is not None]
    return RepFigures(
        person_id=person_id, activities=activities, activities_by_tier=by_tier, deals_by_tier=deals_by_tier,
        quota=None if not quotas or any(q is None for q in quotas) else sum(q for q in quotas if q is not None),
        first_seen=min(seen) if seen else None, **sums,
    )


def medians(kpis: Iterable[Kpis]) -> Kpis:
    """The median of each KPI over the reps that have a value; None where nobody has one."""
    columns = list(zip(*(k.row() for k in kpis), strict=True)) or [()] * len(KPI_NAMES)
    values = {}
    for name, column in zip(KPI_NAMES, columns, strict=True):
        known = [v for v in column if v is not None]
        values[name] = statistics.median(known) if known else None
    return Kpis(**values)


@dataclass(frozen=True)
class QuotaTarget:
    """A quota row: `amount` for the month or quarter (`kind`) starting on `start`."""

    start: date
    kind: str  # "month" or "quarter"
    amount: float


def quota_for(period: Period, targets: Iterable[QuotaTarget]) -> float | None:
    """The quota of `period`, prorated by days from monthly targets, else from quarterly ones.

    A kind of target is used only when its targets cover every day of the period; otherwise None.
    """
    by_kind: dict[str, list[QuotaTarget]] = {}
    for target in targets:
        by_kind.setdefault(target.kind, []).append(target)
    for kind in ("month", "quarter"):
        amount, covered = 0.0, 0
        for target in by_kind.get(kind, []):
            span = period_of(kind, target.start)
            overlap = (min(span.end, period.end) - max(span.start, period.start)).days
            if overlap > 0:
                amount += target.amount * overlap / span.days
                covered += overlap
        if covered >= period.days:
            return amount
    return None


@dataclass(frozen=True)
class Trend:
    """How a KPI moved against the previous period: arrow 'up', 'down' or 'flat' (None when either side is
    unknown), and whether that is good news for this KPI (None when neither way is)."""

    arrow: str | None
    good: bool | None


def trend_of(name: str, current: float | None, previous: float | None) -> Trend:
    if current is None or previous is None:
        return Trend(None, None)
    change = current - previous
    if abs(change) <= FLAT_WITHIN * abs(previous):
        return Trend("flat", None)
    arrow = "up" if change > 0 else "down"
    better = KPI_BY_NAME[name].better
    return Trend(arrow, None if better is None else (arrow == "up") == (better == "higher"))
