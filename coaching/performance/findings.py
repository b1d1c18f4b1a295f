"""What a diagnosis is made of: thresholds, the case a rule reads, rules, findings and their evidence.

Evidence is numbers (KPI, value, peer median, the limit it was held against) for bot/ to word in each language.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from coaching.performance.definitions import DEFAULT_ROLE
from coaching.performance.kpis import Kpis


@dataclass(frozen=True)
class Thresholds:
    """Every limit the rules use; factors multiply the median of the rep's peers (same team, same role)."""

    min_closed_deals: int = 5  # won + lost in the period before judging an AE or account manager
    min_leads: int = 10  # leads in the period before judging an SDR
    min_customers: int = 5  # customers at the period's start before judging churn
    new_rep_days: int = 90  # first seen this recently (and too little data): onboarding
    high_activity: float = 1.25
    low_activity: float = 0.75
    low_win_rate: float = 0.75
    normal_win_rate: float = 0.9  # at least this share of the median win rate is normal conversion
    long_cycle: float = 1.5
    many_stale: float = 1.5
    min_stale_deals: int = 3
    new_business_target: float = 0.3  # share of won revenue from accounts won for the first time
    low_potential_share: float = 0.5  # share of tiered activity spent on low-potential accounts
    low_potential_margin: float = 0.15  # ... and this far above the peers' median share
    low_lead_conversion: float = 0.75
    few_meetings: float = 0.75
    high_churn: float = 1.5
    top_attainment: float = 1.0
    top_revenue: float = 1.5  # revenue won against the median, for praise where quotas are unknown
    top_lead_conversion: float = 1.25
    improved_by: float = 0.2  # most improved: this much better than the rep's own average of the last periods


DEFAULTS = Thresholds()


@dataclass(frozen=True)
class Evidence:
    """One number behind a finding: a KPI name (or 'tenure_days', 'closed_deals'), the rep's value, the peers'
    median, `limit` (what the value was held against: a median times a factor, a target) and, for improvement,
    `own_average`, the rep's own average over the last periods."""

    name: str
    value: float | None
    median: float | None = None
    limit: float | None = None
    own_average: float | None = None


@dataclass(frozen=True)
class Case:
    """What a rule looks at: the rep's KPIs, the peers' medians, the limits, tenure, closed deals, the sales
    role and the rep's own KPIs of the last periods (most recent first)."""

    kpis: Kpis
    medians: Kpis
    thresholds: Thresholds
    tenure_days: int | None
    closed_deals: int
    role: str = DEFAULT_ROLE
    history: tuple[Kpis, ...] = ()


@dataclass(frozen=True)
class Rule:
    """`reason` words the first evidence in plain language ({value}, {median}, {limit}, {own_average}, {kpi});
    `roles` are the sales roles it applies to."""

    id: str
    kind: str  # "attention", "praise" or "onboarding"
    focus: str  # English, marked with N_; translated when rendered
    reason: str
    topics: tuple[str, ...]  # one-on-one questions for this focus
    applies: Callable[[Case], bool]
    evidence: Callable[[Case], tuple[Evidence, ...]]
    roles: tuple[str, ...] = ("sdr", "ae", "am")
    needs_data: bool = True  # skipped when the rep has too little data for their role
    exclusive: bool = False  # when it applies, no later rule is asked
    suggestion: str | None = None  # something for the manager to do, such as a way to recognise the rep


@dataclass(frozen=True)
class Finding:
    rule_id: str
    kind: str  # "attention", "praise", "onboarding", or "topic" (attention or praise set aside for the other)
    focus: str
    reason: str
    topics: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    suggestion: str | None = None


@dataclass(frozen=True)
class Diagnosis:
    """`status` is 'diagnosed', 'onboarding' or 'too_little_data' (then there are no findings at all)."""

    person_id: int
    status: str
    closed_deals: int
    findings: tuple[Finding, ...]
    role: str = DEFAULT_ROLE

    @property
    def attention(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.kind == "attention")

    @property
    def praise(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.kind == "praise")


def enough_data(case: Case) -> bool:
    """An SDR is judged on leads; an account manager on closed deals or a customer base; anyone else on
    closed deals."""
    t, k = case.thresholds, case.kpis
    if case.role == "sdr":
        return (k.leads or 0) >= t.min_leads
    if case.role == "am" and k.churn_rate is not None:
        return True
    return case.closed_deals >= t.min_closed_deals
