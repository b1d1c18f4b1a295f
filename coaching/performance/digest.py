"""The manager digest: team overview with trends and medians, who needs attention and why, who to praise,
and one-on-one topics per rep; plus the single-rep view behind `/coach @rep` and `/coach me`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import cached_property

from coaching.performance.diagnosis import DEFAULTS, N_, Diagnosis, Evidence, Finding, Thresholds, diagnose
from coaching.performance.kpis import KPI_NAMES, KPIS, Kpis, RepFigures, kpis_of, medians, total, trend_of
from coaching.periods import Period

DEFAULT_TOPICS = (N_("Walk through the open pipeline: the next step and its date for each deal"),)
TOO_LITTLE_DATA_TOPICS = (N_("Too little closed business to judge this period: review activity and pipeline"),)


@dataclass(frozen=True)
class KpiLine:
    """One KPI as shown: value, team median and previous period, with the trend arrow ('up', 'down', 'flat',
    None when unknown) and whether the move is good news (None when neither way is)."""

    name: str
    unit: str
    value: float | None
    median: float | None
    previous: float | None
    arrow: str | None
    good: bool | None


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
    attention: tuple[Diagnosis, ...]  # most findings first
    praise: tuple[Diagnosis, ...]
    onboarding: tuple[Diagnosis, ...]
    too_little_data: tuple[int, ...]
    views: Mapping[int, RepView]

    def line(self, name: str) -> KpiLine:
        return self.overview[KPI_NAMES.index(name)]

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
        out.append(KpiLine(kpi.name, kpi.unit, value, mid, old, trend.arrow, trend.good))
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
    """A rep's KPIs for the period and the one before, worked out once and shared by every digest they are in."""

    figures: RepFigures
    previous_figures: RepFigures | None
    kpis: Kpis
    previous: Kpis | None

    @classmethod
    def of(cls, figures: RepFigures, previous: RepFigures | None) -> RepKpis:
        return cls(figures, previous, kpis_of(figures, previous=previous),
                   None if previous is None else kpis_of(previous))


def rep_kpis(current: Sequence[RepFigures], previous: Sequence[RepFigures]) -> dict[int, RepKpis]:
    before = {f.person_id: f for f in previous}
    return {f.person_id: RepKpis.of(f, before.get(f.person_id)) for f in current}


def build_views(*, period: Period, reps: Sequence[RepKpis], today: date,
                thresholds: Thresholds = DEFAULTS) -> dict[int, RepView]:
    """Every rep's view, in person id order, against the medians over all of `reps` (their team)."""
    return _views(period, reps, medians(r.kpis for r in reps), today, thresholds)


def _views(period: Period, reps: Sequence[RepKpis], team: Kpis, today: date,
           thresholds: Thresholds) -> dict[int, RepView]:
    views = {}
    for rep in sorted(reps, key=lambda r: r.figures.person_id):
        person_id = rep.figures.person_id
        diagnosis = diagnose(person_id=person_id, kpis=rep.kpis, medians=team,
                             tenure_days=tenure_days(rep.figures.first_seen, today), thresholds=thresholds)
        views[person_id] = RepView(person_id, period, rep.kpis, rep.previous, team, diagnosis, topics_of(diagnosis))
    return views


def build_digest(*, manager_id: int, period: Period, reps: Sequence[RepKpis], today: date,
                 thresholds: Thresholds = DEFAULTS) -> Digest:
    """The digest over `reps` (see rep_kpis): the team pooled, its median rep, attention, praise and topics."""
    team = medians(r.kpis for r in reps)
    views = _views(period, reps, team, today, thresholds)
    earlier = [r.previous_figures for r in reps if r.previous_figures is not None]
    before = total(earlier) if earlier else None
    overview = lines_of(kpis_of(total([r.figures for r in reps]), previous=before),
                        None if before is None else kpis_of(before), team)
    diagnoses = [v.diagnosis for v in views.values()]
    attention = sorted((d for d in diagnoses if d.attention), key=lambda d: (-len(d.attention), d.person_id))
    praise = sorted((d for d in diagnoses if d.praise),
                    key=lambda d: (-(views[d.person_id].kpis.revenue_won or 0), d.person_id))
    return Digest(
        manager_id=manager_id, period=period, reps=tuple(views), overview=overview, attention=tuple(attention),
        praise=tuple(praise), onboarding=tuple(d for d in diagnoses if d.status == "onboarding"),
        too_little_data=tuple(d.person_id for d in diagnoses if d.status == "too_little_data"), views=views,
    )


def without_medians(view: RepView) -> RepView:
    """The view with every team median (and every limit derived from one) left out, for a rep looking at
    themselves in a team too small for its median not to give a colleague's figure away."""
    def strip(finding: Finding) -> Finding:
        return replace(finding, evidence=tuple(Evidence(e.name, e.value) for e in finding.evidence))

    diagnosis = replace(view.diagnosis, findings=tuple(strip(f) for f in view.diagnosis.findings))
    return replace(view, medians=None, diagnosis=diagnosis)
