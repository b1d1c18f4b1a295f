"""The manager's data prep for a one-on-one, and recognition gaps: reps not recognised (kudos or a posted win)
for too long. Team sentiment arrives already anonymised (None when the anonymity rules withhold it).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from coaching.timing import DEFAULT_MORNING, Holidays, Person, iso_week, morning_due
from surveys.availability import DEFAULT_AWAY, DEFAULT_WORKING_TIME, AwayRule, WorkingTime

RECOGNITION_GAP_DAYS = 60


@dataclass(frozen=True)
class KpiChange:
    name: str
    before: float | None  # at the last one-on-one
    now: float | None
    change: float | None  # now - before; None when either is unknown


@dataclass(frozen=True)
class Prep:
    """For the manager only: what changed for the rep since the last one-on-one."""

    rep_id: int
    since: date | None  # the last held one-on-one
    kpi_changes: tuple[KpiChange, ...]
    stale_deals: int
    recent_wins: int
    recent_kudos: int
    days_since_recognised: int | None  # None: never recognised as far as we know
    team_sentiment: float | None  # a team aggregate, None when withheld under the anonymity threshold


def build_prep(*, rep_id: int, since: date | None, today: date, kpis: Mapping[str, tuple[float | None, float | None]],
               stale_deals: int, recent_wins: int, recent_kudos: int, last_recognised_on: date | None,
               team_sentiment: float | None) -> Prep:
    """A Prep from plain figures; KPI changes keep the caller's order (name -> (before, now))."""
    changes = tuple(KpiChange(name, before, now, None if before is None or now is None else now - before)
                    for name, (before, now) in kpis.items())
    gap = None if last_recognised_on is None else (today - last_recognised_on).days
    return Prep(rep_id, since, changes, stale_deals, recent_wins, recent_kudos, gap, team_sentiment)


@dataclass(frozen=True)
class RecognitionGap:
    manager_id: int
    rep_id: int
    days: int  # since the last recognition, or since the rep started when never recognised
    last_recognised_on: date | None
    key: str  # recognition-gap:{manager}:{rep}:{iso week}


def plan_recognition_gaps(*, people: Sequence[Person], last_recognised: Mapping[int, date | None],
                          started_on: Mapping[int, date], sent: Collection[str], now: datetime, holidays: Holidays,
                          threshold_days: int = RECOGNITION_GAP_DAYS, morning: str = DEFAULT_MORNING,
                          working: WorkingTime = DEFAULT_WORKING_TIME,
                          away: AwayRule = DEFAULT_AWAY) -> list[RecognitionGap]:
    """Each manager's direct reports not recognised for more than `threshold_days`, at the manager's local
    morning, at most once an ISO week per rep. A rep never recognised counts from `started_on`; with neither
    date the rep is left out (a gap cannot be told from a new hire)."""
    gaps = []
    for manager in sorted(people, key=lambda p: p.person_id):
        reps = sorted((p for p in people if p.manager_id == manager.person_id and p.role == "rep"),
                      key=lambda p: p.person_id)
        if not reps:
            continue
        today = morning_due(manager, now=now, holidays=holidays, morning=morning, working=working, away=away)
        if today is None:
            continue
        for rep in reps:
            last = last_recognised.get(rep.person_id)
            counted_from = last or started_on.get(rep.person_id)
            key = f"recognition-gap:{manager.person_id}:{rep.person_id}:{iso_week(today)}"
            if counted_from is None or key in sent:
                continue
            days = (today - counted_from).days
            if days > threshold_days:
                gaps.append(RecognitionGap(manager.person_id, rep.person_id, days, last, key))
    return gaps
