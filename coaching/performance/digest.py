"""The manager digest: three headline KPIs against last period, at most a few people who need attention with
the one reason that matters most, who to praise, and every rep's view (for the pack); plus the single-rep view
behind `/coach @rep` and `/coach me`. Each rep is compared with peers of the same sales role."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import cached_property

from coaching.performance.definitions import DEFAULT_ROLE, KPI_NAMES, KPIS
from coaching.performance.diagnosis import DEFAULTS, N_, RULES, Diagnosis, Evidence, Finding, Thresholds, diagnose
from coaching.performance.kpis import Kpis, RepFigures, kpis_of, medians, total, trend_of
from coaching.periods import Period

DEFAULT_TOPICS = (N_("Walk through the open pipeline: the next step and its date for each deal"),)
TOO_LITTLE_DATA_TOPICS = (N_("Too little closed business to judge this period: review activity and pipeline"),)
HEADLINES = {  # the team's three KPIs against last period, by the role most of its reps have
    "ae": ("revenue_won", "win_rate", "pipeline_coverage"),
    "sdr": ("leads", "meetings", "lead_conversion"),
    "am": ("renewals", "churn_rate", "expansion_revenue"),
}
MAX_ATTENTION = 3


@dataclass(frozen=True)
class KpiLine:
    """One KPI as shown: value, peers' median and previous period, with the one trend marker: 'better',
    'worse' or 'same' by the KPI's direction (None when unknown, or when neither direction is good news)."""

    name: str
    unit: str
    value: float | None
    median: float | None
    previous: float | None
    verdict: str | None


@dataclass(frozen=True)
class RepView:
    """One rep's KPIs against the team median and their previous period, their diagnosis and topics."""

    person_id: int
    period: Period
    kpis: Kpis
    previous: Kpis | None
    medians: Kpis | None  # None when withheld from this viewer
    diagnosis: Diagnosis
    topics: tuple[str, ...]
    sources: frozenset[str] | None = None  # the imported sources behind the figures (RepFigures.known)

    @cached_property
    def lines(self) -> tuple[KpiLine, ...]:
        """Every KPI in KPI_NAMES order, worked out when first asked for (a weekly digest does not need them)."""
        return lines_of(self.kpis, self.previous, self.medians)

    def line(self, name: str) -> KpiLine:
        return self.lines[KPI_NAMES.index(name)]


@dataclass(frozen=True)
class Digest:
    """A manager's digest for one period over `reps` (their reps, all the way down)."""

    manager_id: int
    period: Period
    reps: tuple[int, ...]
    overview: tuple[KpiLine, ...]  # the team's pooled value, the median rep, the team's previous value
    attention: tuple[Diagnosis, ...]  # by the rule order of their first finding (the most pressing first)
    praise: tuple[Diagnosis, ...]
    onboarding: tuple[Diagnosis, ...]
    too_little_data: tuple[int, ...]
    views: Mapping[int, RepView]
    sources: frozenset[str] | None = None  # the imported sources behind the figures (RepFigures.known)

    def line(self, name: str) -> KpiLine:
        return self.overview[KPI_NAMES.index(name)]

    @property
    def headlines(self) -> tuple[str, ...]:
        """The three headline KPIs for the role most of the reps have (ties: account executives first)."""
        roles = [v.diagnosis.role for v in self.views.values()]
        main = max(HEADLINES, key=lambda role: (roles.count(role), role == DEFAULT_ROLE))
        return HEADLINES[main]

    @property
    def topics(self) -> dict[int, tuple[str, ...]]:
        return {person_id: view.topics for person_id, view in self.views.items()}


def lines_of(current: Kpis, previous: Kpis | None, median: Kpis | None) -> tuple[KpiLine, ...]:
    values = current.row()
    before = previous.row() if previous is not None else (None,) * len(KPI_NAMES)
    middle = median.row() if median is not None else (None,) * len(KPI_NAMES)
    out = []
    for kpi, value, old, mid in zip(KPIS, values, before, middle, strict=True):
        trend = trend_of(kpi.name, value, old)
        out.append(KpiLine(kpi.name, kpi.unit, value, mid, old, trend.verdict))
    return tuple(out)


def topics_of(diagnosis: Diagnosis) -> tuple[str, ...]:
    if diagnosis.status == "too_little_data":
        return TOO_LITTLE_DATA_TOPICS
    topics = tuple(dict.fromkeys(t for f in diagnosis.findings for t in f.topics))
    return topics or DEFAULT_TOPICS


def tenure_days(first_seen: date | None, today: date) -> int | None:
    return None if first_seen is None else max(0, (today - first_seen).days)


@dataclass(frozen=True)
class RepKpis:
    """A rep's KPIs for the period, the one before and their own history (most recent first, the period
    before included), and their sales role; worked out once and shared by every digest they are in."""

    figures: RepFigures
    previous_figures: RepFigures | None
    kpis: Kpis
    previous: Kpis | None
    role: str = DEFAULT_ROLE
    history: tuple[Kpis, ...] = ()

    @classmethod
    def of(cls, figures: RepFigures, earlier: Sequence[RepFigures], role: str | None = None) -> RepKpis:
        """`earlier`: the rep's figures of the periods before, most recent first."""
        history = tuple(kpis_of(f, previous=g) for f, g in zip(earlier, (*earlier[1:], None), strict=False))
        previous = earlier[0] if earlier else None
        return cls(figures, previous, kpis_of(figures, previous=previous), history[0] if history else None,
                   role or DEFAULT_ROLE, history)


def rep_kpis(current: Sequence[RepFigures], *earlier: Sequence[RepFigures],
             roles: Mapping[int, str | None] | None = None) -> dict[int, RepKpis]:
    """Each rep's RepKpis from the period's figures and those of the periods before it, most recent first."""
    before = [{f.person_id: f for f in figures} for figures in earlier]
    roles = roles or {}
    return {f.person_id: RepKpis.of(f, [b[f.person_id] for b in before if f.person_id in b], roles.get(f.person_id))
            for f in current}


def peer_medians(reps: Sequence[RepKpis]) -> dict[str, Kpis]:
    """The medians over the reps of each sales role: everyone is compared with peers doing the same job."""
    return {role: medians(r.kpis for r in reps if r.role == role) for role in {r.role for r in reps}}


def build_views(*, period: Period, reps: Sequence[RepKpis], today: date,
                thresholds: Thresholds = DEFAULTS) -> dict[int, RepView]:
    """Every rep's view, in person id order, against the medians of their peers among `reps` (their team)."""
    return _views(period, reps, peer_medians(reps), today, thresholds)


def _views(period: Period, reps: Sequence[RepKpis], peers: Mapping[str, Kpis], today: date,
           thresholds: Thresholds) -> dict[int, RepView]:
    views = {}
    for rep in sorted(reps, key=lambda r: r.figures.person_id):
        person_id, median = rep.figures.person_id, peers[rep.role]
        diagnosis = diagnose(person_id=person_id, kpis=rep.kpis, medians=median, role=rep.role,
                             history=rep.history, tenure_days=tenure_days(rep.figures.first_seen, today),
                             thresholds=thresholds)
        views[person_id] = RepView(person_id, period, rep.kpis, rep.previous, median, diagnosis,
                                   topics_of(diagnosis), rep.figures.known)
    return views


def build_digest(*, manager_id: int, period: Period, reps: Sequence[RepKpis], today: date,
                 thresholds: Thresholds = DEFAULTS, spend: tuple[float | None, float | None] = (None, None)
                 ) -> Digest:
    """The digest over `reps` (see rep_kpis): the team pooled (with the team's `spend` this period and the
    one before, when imported), its median rep, attention, praise and topics."""
    team = medians(r.kpis for r in reps)
    views = _views(period, reps, peer_medians(reps), today, thresholds)
    earlier = [r.previous_figures for r in reps if r.previous_figures is not None]
    before = total(earlier, spend=spend[1]) if earlier else None
    pooled = total([r.figures for r in reps], spend=spend[0])
    overview = lines_of(kpis_of(pooled, previous=before), None if before is None else kpis_of(before), team)
    diagnoses = [v.diagnosis for v in views.values()]
    order = {rule_id: n for n, rule_id in enumerate(r.id for r in RULES)}
    attention = sorted((d for d in diagnoses if d.attention),
                       key=lambda d: (order[d.attention[0].rule_id], d.person_id))
    praise = sorted((d for d in diagnoses if d.praise),
                    key=lambda d: (order[d.praise[0].rule_id], -(views[d.person_id].kpis.revenue_won or 0),
                                   d.person_id))
    return Digest(
        manager_id=manager_id, period=period, reps=tuple(views), overview=overview, attention=tuple(attention),
        praise=tuple(praise), onboarding=tuple(d for d in diagnoses if d.status == "onboarding"),
        too_little_data=tuple(d.person_id for d in diagnoses if d.status == "too_little_data"), views=views,
        sources=pooled.known,
    )


def without_medians(view: RepView) -> RepView:
    """The view with every team median (and every limit derived from one) left out, for a rep looking at
    themselves in a team too small for its median not to give a colleague's figure away."""
    def strip(finding: Finding) -> Finding:
        return replace(finding, evidence=tuple(Evidence(e.name, e.value, own_average=e.own_average)
                                               for e in finding.evidence))

    diagnosis = replace(view.diagnosis, findings=tuple(strip(f) for f in view.diagnosis.findings))
    return replace(view, medians=None, diagnosis=diagnosis)
