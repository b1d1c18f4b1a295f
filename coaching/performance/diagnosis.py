"""Diagnosis rules, held as data: each compares a rep's KPIs to the team median and names a coaching focus.

Evidence is numbers (KPI, value, team median, the limit it was held against) for bot/ to word in each language.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from coaching.performance.kpis import Kpis


def N_(text: str) -> str:
    """Marks English text for the translators' catalog; the bot translates it when it renders."""
    return text


@dataclass(frozen=True)
class Thresholds:
    """Every limit the rules use; factors multiply the team median."""

    min_closed_deals: int = 5  # won + lost in the period before any judgement
    new_rep_days: int = 90  # first seen this recently (and too few closed deals): onboarding
    high_activity: float = 1.25
    low_activity: float = 0.75
    low_win_rate: float = 0.75
    normal_win_rate: float = 0.9  # at least this share of the median win rate is normal conversion
    long_cycle: float = 1.5
    many_stale: float = 1.5
    min_stale_deals: int = 3
    new_business_target: float = 0.3  # share of won revenue from accounts won for the first time
    low_potential_share: float = 0.5  # share of tiered activity spent on low-potential accounts
    low_potential_margin: float = 0.15  # ... and this far above the team median share
    top_attainment: float = 1.0
    top_revenue: float = 1.5  # revenue won against the median, for praise where quotas are unknown


DEFAULTS = Thresholds()


@dataclass(frozen=True)
class Evidence:
    """One number behind a finding: a KPI name (or 'tenure_days', 'closed_deals'), the rep's value, the team
    median and `limit`, what the value was held against (a median times a factor, a target)."""

    name: str
    value: float | None
    median: float | None = None
    limit: float | None = None


@dataclass(frozen=True)
class Case:
    """What a rule looks at: the rep's KPIs, the team medians, the limits, tenure in days and closed deals."""

    kpis: Kpis
    medians: Kpis
    thresholds: Thresholds
    tenure_days: int | None
    closed_deals: int


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str  # "attention", "praise" or "onboarding"
    focus: str  # English, marked with N_; translated when rendered
    topics: tuple[str, ...]  # one-on-one questions for this focus
    applies: Callable[[Case], bool]
    evidence: Callable[[Case], tuple[Evidence, ...]]
    needs_data: bool = True  # skipped when the rep closed fewer than min_closed_deals
    exclusive: bool = False  # when it applies, no later rule is asked
    suggestion: str | None = None  # something for the manager to do, such as a way to recognise the rep


@dataclass(frozen=True)
class Finding:
    rule_id: str
    kind: str
    focus: str
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

    @property
    def attention(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.kind == "attention")

    @property
    def praise(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.kind == "praise")


def at_least(value: float | None, median: float | None, factor: float) -> bool:
    return value is not None and median is not None and median > 0 and value >= median * factor


def at_most(value: float | None, median: float | None, factor: float) -> bool:
    return value is not None and median is not None and median > 0 and value <= median * factor


def _vs(c: Case, name: str, factor: float | None = None) -> Evidence:
    median = c.medians.value(name)
    limit = None if factor is None or median is None else median * factor
    return Evidence(name, c.kpis.value(name), median, limit)


# Each predicate reads a Case; `k` the rep's KPIs, `m` the team medians, `t` the thresholds.
def _busy_losing(c: Case) -> bool:
    k, m, t = c.kpis, c.medians, c.thresholds
    return at_least(k.activities, m.activities, t.high_activity) and at_most(k.win_rate, m.win_rate, t.low_win_rate)


def _quiet_converting(c: Case) -> bool:
    k, m, t = c.kpis, c.medians, c.thresholds
    return (at_most(k.activities, m.activities, t.low_activity)
            and at_least(k.win_rate, m.win_rate, t.normal_win_rate))


def _slow(c: Case) -> bool:
    k, m, t = c.kpis, c.medians, c.thresholds
    stale = k.stale_deals or 0
    return at_least(k.cycle_days, m.cycle_days, t.long_cycle) or (
        stale >= t.min_stale_deals and stale >= (m.stale_deals or 0) * t.many_stale)


def _slow_evidence(c: Case) -> tuple[Evidence, ...]:
    t = c.thresholds
    median = c.medians.stale_deals
    stale = Evidence("stale_deals", c.kpis.stale_deals, median, max(t.min_stale_deals, (median or 0) * t.many_stale))
    return _vs(c, "cycle_days", t.long_cycle), stale


def _coverage_needed(k: Kpis) -> float | None:
    return 1 / k.win_rate if k.win_rate else None


def _thin_pipeline(c: Case) -> bool:
    k, t = c.kpis, c.thresholds
    needed = _coverage_needed(k)
    short = k.pipeline_coverage is not None and needed is not None and k.pipeline_coverage < needed
    few_new = k.new_business_share is not None and k.new_business_share < t.new_business_target
    return short or few_new


def _thin_evidence(c: Case) -> tuple[Evidence, ...]:
    k, m, t = c.kpis, c.medians, c.thresholds
    return (Evidence("pipeline_coverage", k.pipeline_coverage, m.pipeline_coverage, _coverage_needed(k)),
            Evidence("win_rate", k.win_rate, m.win_rate),
            Evidence("new_business_share", k.new_business_share, m.new_business_share, t.new_business_target))


def _low_potential(c: Case) -> bool:
    """Most effort on low-potential accounts, more than the team, while high-potential accounts get less effort
    than their share of the rep's own deals (or than the team gives them)."""
    k, m, t = c.kpis, c.medians, c.thresholds
    share = k.low_potential_activity_share
    if share is None or share < t.low_potential_share:
        return False
    if m.low_potential_activity_share is not None and share < m.low_potential_activity_share + t.low_potential_margin:
        return False
    high = k.high_potential_activity_share or 0
    return high < (k.high_potential_deal_share or 0) or high < (m.high_potential_activity_share or 0)


def _low_potential_evidence(c: Case) -> tuple[Evidence, ...]:
    k, m, t = c.kpis, c.medians, c.thresholds
    median = m.low_potential_activity_share
    limit = max(t.low_potential_share, (median or 0) + t.low_potential_margin)
    return (Evidence("low_potential_activity_share", k.low_potential_activity_share, median, limit),
            _vs(c, "high_potential_activity_share"), _vs(c, "high_potential_deal_share"))


def _top(c: Case) -> bool:
    k, m, t = c.kpis, c.medians, c.thresholds
    hit = (k.quota_attainment >= t.top_attainment if k.quota_attainment is not None
           else at_least(k.revenue_won, m.revenue_won, t.top_revenue))
    converts = k.win_rate is None or m.win_rate is None or k.win_rate >= m.win_rate
    return hit and converts


def _top_evidence(c: Case) -> tuple[Evidence, ...]:
    k, t = c.kpis, c.thresholds
    attainment = Evidence("quota_attainment", k.quota_attainment, c.medians.quota_attainment, t.top_attainment)
    return (attainment, _vs(c, "revenue_won", t.top_revenue), _vs(c, "win_rate"))


def _new(c: Case) -> bool:
    t = c.thresholds
    return c.closed_deals < t.min_closed_deals and (c.tenure_days is None or c.tenure_days < t.new_rep_days)


def _new_evidence(c: Case) -> tuple[Evidence, ...]:
    return (Evidence("tenure_days", c.tenure_days, None, c.thresholds.new_rep_days),
            Evidence("closed_deals", c.closed_deals, None, c.thresholds.min_closed_deals))


RULES: tuple[Rule, ...] = (
    Rule("new_rep", "onboarding", N_("Onboarding: how the ramp-up is going and what would help, no judgement yet"),
         (N_("What has been hardest to learn so far?"), N_("Which deal would you like me to join this month?")),
         _new, _new_evidence, needs_data=False, exclusive=True),
    Rule("busy_low_win_rate", "attention", N_("Qualification and closing"),
         (N_("Walk through the last deals you lost: where did they stall?"),
          N_("Which open deals have a confirmed budget, decision maker and timeline?")),
         _busy_losing, lambda c: (_vs(c, "activities", c.thresholds.high_activity),
                                  _vs(c, "win_rate", c.thresholds.low_win_rate))),
    Rule("low_activity_normal_conversion", "attention", N_("Capacity or motivation: a talk, not a skills drill"),
         (N_("How is your workload outside selling?"), N_("What would make more conversations worth your time?")),
         _quiet_converting, lambda c: (_vs(c, "activities", c.thresholds.low_activity),
                                       _vs(c, "win_rate", c.thresholds.normal_win_rate))),
    Rule("long_cycle_or_stale", "attention", N_("Next-step discipline"),
         (N_("For each stale deal: what is the next step and its date?"),
          N_("Which deals should we close out as lost?")),
         _slow, _slow_evidence),
    Rule("thin_pipeline", "attention", N_("Prospecting"),
         (N_("Where will next quarter's pipeline come from?"),
          N_("Which new accounts will you open this month?")),
         _thin_pipeline, _thin_evidence),
    Rule("low_potential_focus", "attention", N_("Account planning: call frequency by account potential"),
         (N_("Which high-potential accounts have you not visited lately, and why?"),
          N_("Which small accounts could move to email or a partner?")),
         _low_potential, _low_potential_evidence),
    Rule("top_performer", "praise", N_("Praise: recognise the results and ask them to share how they work"),
         (N_("What worked best for you this period?"), N_("Would you show the team how you ran your best deal?")),
         _top, _top_evidence,
         suggestion=N_("Give them a shout-out in the team channel, naming the result and how they got it")),
)


def diagnose(*, person_id: int, kpis: Kpis, medians: Kpis, tenure_days: int | None,
             thresholds: Thresholds = DEFAULTS, rules: Sequence[Rule] = RULES) -> Diagnosis:
    """The findings of every rule that applies, in rule order; none at all on too little data."""
    closed = int((kpis.deals_won or 0) + (kpis.deals_lost or 0))
    case = Case(kpis, medians, thresholds, tenure_days, closed)
    enough = closed >= thresholds.min_closed_deals
    findings: list[Finding] = []
    for rule in rules:
        if (rule.needs_data and not enough) or not rule.applies(case):
            continue
        findings.append(Finding(rule.id, rule.kind, rule.focus, rule.topics, rule.evidence(case), rule.suggestion))
        if rule.exclusive:
            break
    kinds = {f.kind for f in findings}
    status = "onboarding" if "onboarding" in kinds else "diagnosed" if enough else "too_little_data"
    return Diagnosis(person_id, status, closed, tuple(findings))
