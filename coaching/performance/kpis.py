"""KPI definitions: a rep's raw figures for a period (as SQL sums them) and the KPIs derived from them.

A KPI is None where it is undefined (no closed deals, no quota, no previous revenue); nothing divides by zero
and nothing is guessed. KPI_NAMES is the stable, ordered list of column names the digest and exports use.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from functools import cached_property, lru_cache
from operator import attrgetter
from typing import Any

from coaching.performance.definitions import KPI_BY_NAME, KPI_NAMES
from coaching.periods import Period, period_of

ACTIVITY_KINDS = ("call", "email", "meeting", "demo", "other")
TIERS = ("high", "medium", "low")  # account potential
STALE_AFTER_DAYS = 30  # an open deal untouched for longer than this is stale
FLAT_WITHIN = 0.01  # a change under 1% of the previous value shows as flat
TEAM = 0  # the person id of figures summed over a whole team


@dataclass(frozen=True)
class RepFigures:
    """One rep's sums for one period, exactly as the store aggregates them; money in the deals' currency.

    Deals count as won or lost in the period they closed; open pipeline is a snapshot on `as_of` (the period's
    last day, or today inside the current period): deals engaged or created by then and not closed by then.
    `due_value` is the open value expected to close by the period's end, `dated_open` how many open deals carry
    an expected close date. Tiers are account potential (TIERS). `known` names the imported sources present
    (see coaching.performance.definitions): a KPI whose source is missing is None, never 0.
    """

    person_id: int
    activities: Mapping[str, int] = field(default_factory=dict)  # by kind, see ACTIVITY_KINDS
    deals_created: int = 0
    deals_won: int = 0
    deals_lost: int = 0
    revenue_won: float = 0.0
    cycle_days_total: float = 0.0  # sum over won deals with an engaged date of (closed - engaged) days
    cycle_count: int = 0
    deals_engaged: int = 0  # deals first engaged in the period
    engaged_won: int = 0  # ... of those, won by the as-of day
    open_deals: int = 0
    open_value: float = 0.0
    due_value: float = 0.0
    dated_open: int = 0
    quota: float | None = None  # prorated to the period, None when the rep has no quota for all of it
    stale_deals: int = 0
    new_customers: int = 0  # accounts whose first win is a deal this rep won in the period
    new_business_revenue: float = 0.0  # won from accounts whose first win falls in this period
    existing_business_revenue: float = 0.0  # won from accounts first won before it
    renewals: int = 0
    expansion_revenue: float = 0.0
    leads: int = 0  # leads created in the period
    leads_won: int = 0  # of those, whose deal was won by the as-of day
    activities_by_tier: Mapping[str, int] = field(default_factory=dict)
    deals_by_tier: Mapping[str, int] = field(default_factory=dict)  # deals open then or closed in the period
    customers_at_start: int = 0  # accounts this rep manages, won before the period and not churned by its start
    customers_lost: int = 0  # of those, churned in the period
    deal_cost_total: float = 0.0
    deal_cost_count: int = 0  # won deals of the period that carry an acquisition cost
    spend: float | None = None  # sales and marketing spend of the period (teams only; None for a rep)
    first_seen: date | None = None  # the rep's earliest activity, engagement, creation or close
    as_of: date | None = None  # the day open pipeline is counted on; None: the figures are not tied to a day
    data_since: date | None = None  # the earliest day of any imported data, for everyone
    known: frozenset[str] | None = None  # the sources the data has (definitions.Kpi.source); None: not checked


@dataclass(frozen=True)
class Kpis:
    """One value per KPI_NAMES entry, in that order; None where undefined or where the data lacks its source."""

    activities: float | None = None
    calls: float | None = None
    emails: float | None = None
    meetings: float | None = None
    demos: float | None = None
    other_activities: float | None = None
    leads: float | None = None
    lead_conversion: float | None = None
    deals_created: float | None = None
    deals_won: float | None = None
    deals_lost: float | None = None
    win_rate: float | None = None
    conversion_rate: float | None = None
    revenue_won: float | None = None
    avg_deal_size: float | None = None
    cycle_days: float | None = None
    open_deals: float | None = None
    open_pipeline: float | None = None
    quota: float | None = None
    quota_attainment: float | None = None
    pipeline_coverage: float | None = None
    revenue_growth: float | None = None
    stale_deals: float | None = None
    new_customers: float | None = None
    new_business_revenue: float | None = None
    new_business_share: float | None = None
    existing_business_revenue: float | None = None
    renewals: float | None = None
    expansion_revenue: float | None = None
    churn_rate: float | None = None
    acquisition_cost: float | None = None
    acquisition_cost_per_deal: float | None = None
    high_potential_activity_share: float | None = None
    low_potential_activity_share: float | None = None
    high_potential_deal_share: float | None = None

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
    """The KPIs of one period's figures; `previous` (the period before) gives growth. Every KPI is None for a
    period that ended before the data began (nothing existed yet), and each one whose source the data lacks is
    None, never 0."""
    f = figures
    if _before_data(f):
        return Kpis()
    acts = f.activities
    closed = f.deals_won + f.deals_lost
    remaining = None if f.quota is None else f.quota - f.revenue_won
    undated = f.open_deals > 0 and f.dated_open == 0  # the data has no expected close dates to judge by
    tiered = sum(f.activities_by_tier.get(t, 0) for t in TIERS)
    business = f.new_business_revenue + f.existing_business_revenue
    earlier = None if previous is None or _before_data(previous) else previous.revenue_won
    values: dict[str, float | None] = dict(
        activities=sum(acts.values()),
        calls=acts.get("call", 0),
        emails=acts.get("email", 0),
        meetings=acts.get("meeting", 0),
        demos=acts.get("demo", 0),
        other_activities=sum(n for kind, n in acts.items() if kind not in ACTIVITY_KINDS[:4]),
        leads=f.leads,
        lead_conversion=ratio(f.leads_won, f.leads),
        deals_created=f.deals_created,
        deals_won=f.deals_won,
        deals_lost=f.deals_lost,
        win_rate=ratio(f.deals_won, closed),
        conversion_rate=ratio(f.engaged_won, f.deals_engaged),
        revenue_won=f.revenue_won,
        avg_deal_size=ratio(f.revenue_won, f.deals_won),
        cycle_days=ratio(f.cycle_days_total, f.cycle_count),
        open_deals=f.open_deals,
        open_pipeline=f.open_value,
        quota=f.quota,
        quota_attainment=None if not f.quota or f.quota < 0 else f.revenue_won / f.quota,
        pipeline_coverage=None if remaining is None or remaining <= 0 or undated else f.due_value / remaining,
        revenue_growth=_growth(f.revenue_won, earlier),
        stale_deals=f.stale_deals,
        new_customers=f.new_customers,
        new_business_revenue=f.new_business_revenue,
        new_business_share=ratio(f.new_business_revenue, business) if business > 0 else None,
        existing_business_revenue=f.existing_business_revenue,
        renewals=f.renewals,
        expansion_revenue=f.expansion_revenue,
        churn_rate=ratio(f.customers_lost, f.customers_at_start),
        acquisition_cost=None if f.spend is None else ratio(f.spend, f.new_customers),
        acquisition_cost_per_deal=ratio(f.deal_cost_total, f.deal_cost_count),
        high_potential_activity_share=ratio(f.activities_by_tier.get("high", 0), tiered),
        low_potential_activity_share=ratio(f.activities_by_tier.get("low", 0), tiered),
        high_potential_deal_share=ratio(f.deals_by_tier.get("high", 0), sum(f.deals_by_tier.get(t, 0) for t in TIERS)),
    )
    for name in _lacking(f.known):
        values[name] = None
    return Kpis(**values)


@lru_cache(maxsize=64)
def _lacking(known: frozenset[str] | None) -> tuple[str, ...]:
    """The KPIs whose source the data lacks (none when the sources were not checked); worked out once per set."""
    return () if known is None else tuple(k.name for k in KPI_BY_NAME.values() if k.source not in known)


def _before_data(f: RepFigures) -> bool:
    return f.as_of is not None and (f.data_since is None or f.data_since > f.as_of)


def _growth(current: float, previous: float | None) -> float | None:
    """The change against the previous period as a share of it; None when there was nothing before."""
    return None if previous is None or previous <= 0 else (current - previous) / previous


_SUMMED = tuple(f.name for f in fields(RepFigures)
                if f.name not in ("person_id", "activities", "activities_by_tier", "deals_by_tier", "quota",
                                  "first_seen", "as_of", "known", "spend", "data_since"))
_summed = attrgetter(*_SUMMED)


def total(figures: Sequence[RepFigures], *, person_id: int = TEAM, spend: float | None = None) -> RepFigures:
    """The team's figures: every count and sum added up. The quota is None unless every rep has one, so team
    attainment and coverage are never computed against part of the team's target. `spend` is the team's
    sales and marketing spend for the period, when imported (reps have none of their own)."""
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
        first_seen=min(seen) if seen else None, as_of=figures[0].as_of if figures else None,
        data_since=figures[0].data_since if figures else None,
        known=None if any(f.known is None for f in figures) else frozenset().union(*(f.known or () for f in figures)),
        spend=spend, **sums,
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

    @cached_property
    def span(self) -> Period:
        """The month or quarter the target covers (worked out once, however many periods ask)."""
        return period_of(self.kind, self.start)


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
            span = target.span
            overlap = (min(span.end, period.end) - max(span.start, period.start)).days
            if overlap > 0:
                amount += target.amount * overlap / span.days
                covered += overlap
        if covered >= period.days:
            return amount
    return None


@dataclass(frozen=True)
class Trend:
    """How a KPI moved against the previous period, in the one marker every surface shows: 'better', 'worse'
    or 'same' by the KPI's own direction (a shorter cycle is better); None when either side is unknown or
    when neither direction is good news."""

    verdict: str | None


def trend_of(name: str, current: float | None, previous: float | None) -> Trend:
    better = KPI_BY_NAME[name].better
    if current is None or previous is None or better is None:
        return Trend(None)
    change = current - previous
    if abs(change) <= FLAT_WITHIN * abs(previous):
        return Trend("same")
    return Trend("better" if (change > 0) == (better == "higher") else "worse")
