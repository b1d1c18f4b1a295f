"""Diagnosis rules, held as data: each compares a rep's KPIs with the median of peers in the same sales role,
says which roles it applies to, and names a coaching focus and the one reason in plain words.

A rep is never both praised and under attention: the one set aside becomes a one-on-one topic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from coaching.performance.definitions import DEFAULT_ROLE, KPI_BY_NAME, N_, ROLE_KPIS
from coaching.performance.findings import (
    DEFAULTS,
    Case,
    Diagnosis,
    Evidence,
    Finding,
    Rule,
    Thresholds,
    enough_data,
)
from coaching.performance.kpis import Kpis

__all__ = ["DEFAULTS", "N_", "RULES", "Diagnosis", "Evidence", "Finding", "Rule", "Thresholds", "diagnose"]
HISTORY = 3  # periods of the rep's own history that "most improved" compares with


def at_least(value: float | None, median: float | None, factor: float) -> bool:
    return value is not None and median is not None and median > 0 and value >= median * factor


def at_most(value: float | None, median: float | None, factor: float) -> bool:
    return value is not None and median is not None and median > 0 and value <= median * factor


def _vs(c: Case, name: str, factor: float | None = None) -> Evidence:
    median = c.medians.value(name)
    limit = None if factor is None or median is None else median * factor
    return Evidence(name, c.kpis.value(name), median, limit)


# Each predicate reads a Case; `k` the rep's KPIs, `m` the peers' medians, `t` the thresholds.
def _busy_losing(c: Case) -> bool:
    k, m, t = c.kpis, c.medians, c.thresholds
    return at_least(k.activities, m.activities, t.high_activity) and at_most(k.win_rate, m.win_rate, t.low_win_rate)


def _quiet_converting(c: Case) -> bool:
    k, m, t = c.kpis, c.medians, c.thresholds
    return (at_most(k.activities, m.activities, t.low_activity)
            and at_least(k.win_rate, m.win_rate, t.normal_win_rate))


def _long_cycle(c: Case) -> bool:
    return at_least(c.kpis.cycle_days, c.medians.cycle_days, c.thresholds.long_cycle)


def _stale(c: Case) -> bool:
    t, stale = c.thresholds, c.kpis.stale_deals or 0
    return stale >= t.min_stale_deals and stale >= (c.medians.stale_deals or 0) * t.many_stale


def _stale_evidence(c: Case) -> tuple[Evidence, ...]:
    t, median = c.thresholds, c.medians.stale_deals
    return (Evidence("stale_deals", c.kpis.stale_deals, median, max(t.min_stale_deals, (median or 0) * t.many_stale)),)


def _coverage_needed(k: Kpis) -> float | None:
    return 1 / k.win_rate if k.win_rate else None


def _thin_pipeline(c: Case) -> bool:
    k, needed = c.kpis, _coverage_needed(c.kpis)
    return k.pipeline_coverage is not None and needed is not None and k.pipeline_coverage < needed


def _few_new(c: Case) -> bool:
    share = c.kpis.new_business_share
    return share is not None and share < c.thresholds.new_business_target


def _low_potential(c: Case) -> bool:
    """Most effort on low-potential accounts, more than peers, while high-potential accounts get less effort
    than their share of the rep's own deals (or than peers give them)."""
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
    if c.role == "sdr":
        return at_least(k.lead_conversion, m.lead_conversion, t.top_lead_conversion)
    hit = (k.quota_attainment >= t.top_attainment if k.quota_attainment is not None
           else at_least(k.revenue_won, m.revenue_won, t.top_revenue))
    converts = k.win_rate is None or m.win_rate is None or k.win_rate >= m.win_rate
    return hit and converts


def _top_evidence(c: Case) -> tuple[Evidence, ...]:
    k, t = c.kpis, c.thresholds
    if c.role == "sdr":
        return (_vs(c, "lead_conversion", t.top_lead_conversion),)
    if k.quota_attainment is not None:
        return (Evidence("quota_attainment", k.quota_attainment, c.medians.quota_attainment, t.top_attainment),
                _vs(c, "win_rate"))
    return (_vs(c, "revenue_won", t.top_revenue), _vs(c, "win_rate"))


def improvement(c: Case) -> Evidence | None:
    """The role KPI most improved against the rep's own average of the last HISTORY periods, by at least
    `improved_by` of that average in the KPI's better direction; None when none is (or history is short)."""
    best: tuple[float, Evidence] | None = None
    for name in (*ROLE_KPIS[c.role], "revenue_won"):
        past = [h.value(name) for h in c.history[:HISTORY]]
        value = c.kpis.value(name)
        if value is None or len(past) < HISTORY or any(p is None for p in past):
            continue
        average = sum(p for p in past if p is not None) / HISTORY
        if average <= 0:
            continue
        gain = (value - average) / average * (1 if KPI_BY_NAME[name].better == "higher" else -1)
        if gain >= c.thresholds.improved_by and (best is None or gain > best[0]):
            best = (gain, Evidence(name, value, c.medians.value(name), own_average=average))
    return None if best is None else best[1]


def _new(c: Case) -> bool:
    return not enough_data(c) and (c.tenure_days is None or c.tenure_days < c.thresholds.new_rep_days)


def _new_evidence(c: Case) -> tuple[Evidence, ...]:
    return (Evidence("tenure_days", c.tenure_days, None, c.thresholds.new_rep_days),
            Evidence("closed_deals", c.closed_deals, None, c.thresholds.min_closed_deals))


SELLERS = ("ae", "am")
OUTRANK_ATTENTION = {"top_performer"}  # praise that sets attention aside (improvement praise does not)
RULES: tuple[Rule, ...] = (
    Rule("new_rep", "onboarding", N_("Onboarding: how the ramp-up is going and what would help, no judgement yet"),
         N_("started {value} days ago"),
         (N_("What has been hardest to learn so far?"), N_("Which deal would you like me to join this month?")),
         _new, _new_evidence, needs_data=False, exclusive=True),
    Rule("busy_low_win_rate", "attention", N_("Qualification and closing"),
         N_("win rate {value} where peers reach {median}, despite more activity than most"),
         (N_("Walk through the last deals you lost: where did they stall?"),
          N_("Which open deals have a confirmed budget, decision maker and timeline?")),
         _busy_losing, lambda c: (_vs(c, "win_rate", c.thresholds.low_win_rate),
                                  _vs(c, "activities", c.thresholds.high_activity)), roles=SELLERS),
    Rule("low_activity_normal_conversion", "attention", N_("Capacity or motivation: a talk, not a skills drill"),
         N_("{value} activities where peers log {median}, while converting as well as they do"),
         (N_("How is your workload outside selling?"), N_("What would make more conversations worth your time?")),
         _quiet_converting, lambda c: (_vs(c, "activities", c.thresholds.low_activity),
                                       _vs(c, "win_rate", c.thresholds.normal_win_rate)), roles=SELLERS),
    Rule("long_cycle", "attention", N_("Next-step discipline"),
         N_("deals take {value} to close where peers take {median}"),
         (N_("For each open deal: what is the next step and its date?"),
          N_("Which deals should we close out as lost?")),
         _long_cycle, lambda c: (_vs(c, "cycle_days", c.thresholds.long_cycle),), roles=SELLERS),
    Rule("stale_deals", "attention", N_("Next-step discipline"),
         N_("{value} open deals untouched for 30 days"),
         (N_("For each stale deal: what is the next step and its date?"),
          N_("Which deals should we close out as lost?")),
         _stale, _stale_evidence, roles=SELLERS),
    Rule("thin_pipeline", "attention", N_("Prospecting"),
         N_("coverage {value} where {limit} is needed to reach quota at this win rate"),
         (N_("Where will next quarter's pipeline come from?"), N_("Which new accounts will you open this month?")),
         _thin_pipeline, lambda c: (Evidence("pipeline_coverage", c.kpis.pipeline_coverage,
                                             c.medians.pipeline_coverage, _coverage_needed(c.kpis)),
                                    _vs(c, "win_rate")), roles=("ae",)),
    Rule("few_new_customers", "attention", N_("Prospecting"),
         N_("{value} of revenue from new customers where the aim is {limit}"),
         (N_("Which new accounts will you open this month?"),),
         _few_new, lambda c: (Evidence("new_business_share", c.kpis.new_business_share,
                                       c.medians.new_business_share, c.thresholds.new_business_target),),
         roles=("ae",)),
    Rule("low_potential_focus", "attention", N_("Account planning: call frequency by account potential"),
         N_("{value} of account activity on low-potential accounts, above {limit}"),
         (N_("Which high-potential accounts have you not visited lately, and why?"),
          N_("Which small accounts could move to email or a partner?")),
         _low_potential, _low_potential_evidence, roles=SELLERS),
    Rule("low_lead_conversion", "attention", N_("Lead qualification"),
         N_("lead conversion {value} where peers reach {median}"),
         (N_("Which leads did you drop this month, and at what step?"),
          N_("What do the leads that became customers have in common?")),
         lambda c: at_most(c.kpis.lead_conversion, c.medians.lead_conversion, c.thresholds.low_lead_conversion),
         lambda c: (_vs(c, "lead_conversion", c.thresholds.low_lead_conversion),), roles=("sdr",)),
    Rule("few_meetings", "attention", N_("Booking meetings"),
         N_("{value} meetings booked where peers book {median}"),
         (N_("Which outreach gets you a meeting most often?"), N_("What stops a conversation becoming a meeting?")),
         lambda c: at_most(c.kpis.meetings, c.medians.meetings, c.thresholds.few_meetings),
         lambda c: (_vs(c, "meetings", c.thresholds.few_meetings),), roles=("sdr",)),
    Rule("high_churn", "attention", N_("Customer retention"),
         N_("churn {value} where peers lose {median}"),
         (N_("Which customers are at risk this quarter, and what is the plan for each?"),
          N_("What did the customers we lost have in common?")),
         lambda c: at_least(c.kpis.churn_rate, c.medians.churn_rate, c.thresholds.high_churn),
         lambda c: (_vs(c, "churn_rate", c.thresholds.high_churn),), roles=("am",)),
    Rule("top_performer", "praise", N_("Praise: recognise the results and ask them to share how they work"),
         N_("{kpi} {value}"),
         (N_("What worked best for you this period?"), N_("Would you show the team how you ran your best deal?")),
         _top, _top_evidence,
         suggestion=N_("Give them a shout-out in the team channel, naming the result and how they got it")),
    Rule("most_improved", "praise", N_("Praise the improvement, even where the target is not met yet"),
         N_("{kpi} {value}, better than their own average of {own_average}"),
         (N_("What did you change this period?"), N_("What would help you keep it up?")),
         lambda c: improvement(c) is not None, lambda c: tuple(e for e in (improvement(c),) if e is not None),
         suggestion=N_("Send them kudos for the step up, naming what changed")),
)


def diagnose(*, person_id: int, kpis: Kpis, medians: Kpis, tenure_days: int | None,
             thresholds: Thresholds = DEFAULTS, role: str | None = None, history: Sequence[Kpis] = (),
             rules: Sequence[Rule] = RULES) -> Diagnosis:
    """The findings of every rule for the rep's role that applies, in rule order (the first attention finding
    is the one reason that matters most); none on too little data. Nobody is both praised and under attention:
    top results set attention aside as one-on-one topics; otherwise attention sets improvement praise aside."""
    closed = int((kpis.deals_won or 0) + (kpis.deals_lost or 0))
    case = Case(kpis, medians, thresholds, tenure_days, closed, role or DEFAULT_ROLE, tuple(history))
    enough = enough_data(case)
    findings: list[Finding] = []
    for rule in rules:
        if case.role not in rule.roles or (rule.needs_data and not enough) or not rule.applies(case):
            continue
        findings.append(Finding(rule.id, rule.kind, rule.focus, rule.reason, rule.topics, rule.evidence(case),
                                rule.suggestion))
        if rule.exclusive:
            break
    if any(f.rule_id in OUTRANK_ATTENTION for f in findings):
        findings = [replace(f, kind="topic") if f.kind == "attention" else f for f in findings]
    elif any(f.kind == "attention" for f in findings):
        findings = [replace(f, kind="topic") if f.kind == "praise" else f for f in findings]
    kinds = {f.kind for f in findings}
    status = "onboarding" if "onboarding" in kinds else "diagnosed" if enough else "too_little_data"
    return Diagnosis(person_id, status, closed, tuple(findings), case.role)
