"""When a nudge may reach a person: their local morning on a working day, not a holiday, not while away.

Every nudge planner (follow-ups, one-on-ones, recognition gaps) asks these helpers, with an injected `now`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Protocol

from surveys.availability import DEFAULT_AWAY, DEFAULT_WORKING_TIME, AwayRule, WorkingTime
from surveys.cadence import local_due, parse_send_time, zone

DEFAULT_MORNING = "09:00"
Holidays = Mapping[int, Collection[date]]  # by team id: the team's holidays plus everyone's


@dataclass(frozen=True)
class Person:
    """Someone a nudge may reach: a rep or a manager, with their Slack time zone and status as last seen."""

    person_id: int
    team_id: int
    tz: str
    manager_id: int | None = None
    role: str = "rep"
    status_text: str | None = None
    status_emoji: str | None = None
    status_until: datetime | None = None


def local_date(person: Person, now: datetime) -> date:
    return now.astimezone(zone(person.tz)).date()


def iso_week(day: date) -> str:
    """The ISO week of a day, as in idempotency keys: 2026-W48."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def is_away(person: Person, *, now: datetime, away: AwayRule = DEFAULT_AWAY) -> bool:
    return away.is_away(text=person.status_text, emoji=person.status_emoji, until=person.status_until, now=now)


def morning_due(person: Person, *, now: datetime, holidays: Holidays, morning: str = DEFAULT_MORNING,
                working: WorkingTime = DEFAULT_WORKING_TIME, away: AwayRule = DEFAULT_AWAY) -> date | None:
    """The person's local date when a morning nudge may go out now, else None.

    Due from the local morning time until the end of working hours, on a working day that is not one of
    their team's holidays, while their Slack status does not say they are out.
    """
    day = _morning_of(now, person.tz, morning, working.end, working.weekdays)
    if day is None or day in holidays.get(person.team_id, ()):  # most are not in a working morning now
        return None
    if (person.status_text or person.status_emoji) and away.is_away(
            text=person.status_text, emoji=person.status_emoji, until=person.status_until, now=now):
        return None
    return day


def mornings_due(people: Iterable[Person], *, now: datetime, holidays: Holidays, morning: str = DEFAULT_MORNING,
                 working: WorkingTime = DEFAULT_WORKING_TIME, away: AwayRule = DEFAULT_AWAY) -> dict[int, date]:
    """morning_due for many people at once, by person id (only those due): grouped by time zone first, so a zone
    not in its working morning costs its people nothing more; holidays asked once per team, away once per status."""
    by_zone: dict[str, list[Person]] = {}
    for person in people:
        group = by_zone.get(person.tz)
        if group is None:
            by_zone[person.tz] = [person]
        else:
            group.append(person)
    due: dict[int, date] = {}
    statuses: dict[tuple[str | None, str | None], bool] = {}
    for tz, group in by_zone.items():
        day = _morning_of(now, tz, morning, working.end, working.weekdays)
        if day is None:
            continue
        off = {team for team, days in holidays.items() if day in days}
        for person in group:
            if person.team_id in off:
                continue
            if person.status_text or person.status_emoji:
                if person.status_until is not None:  # a status that expires: asked for this person alone
                    if away.is_away(text=person.status_text, emoji=person.status_emoji, until=person.status_until,
                                    now=now):
                        continue
                else:
                    status = (person.status_text, person.status_emoji)
                    out = statuses.get(status)
                    if out is None:
                        out = statuses[status] = away.is_away(text=status[0], emoji=status[1], until=None, now=now)
                    if out:
                        continue
            due[person.person_id] = day
    return due


@lru_cache(maxsize=1024)
def _morning_of(now: datetime, tz: str, morning: str, end: time, weekdays: frozenset[int]) -> date | None:
    """The local date in a zone if it is a working weekday there and its clock is between the morning time and
    `end` now, else None: a sweep asks once per zone, not once per person (holidays are the caller's to check)."""
    local = now.astimezone(zone(tz))
    day = local.date()
    return day if parse_send_time(morning) <= local.time() < end and day.weekday() in weekdays else None


def may_reach_now(person: Person, *, now: datetime, holidays: Holidays, working: WorkingTime = DEFAULT_WORKING_TIME,
                  away: AwayRule = DEFAULT_AWAY) -> bool:
    """Inside the person's local working hours on a working day, and not away."""
    return (working.is_working_moment(now, person.tz, holidays.get(person.team_id, ()))
            and not is_away(person, now=now, away=away))


def working_day_before(day: date, *, holidays: Collection[date], working: WorkingTime = DEFAULT_WORKING_TIME) -> date:
    """The last working day before `day` (a Monday meeting is announced on Friday); the day before if none."""
    for back in range(1, 15):
        candidate = day - timedelta(days=back)
        if working.is_working_day(candidate, holidays):
            return candidate
    return day - timedelta(days=1)


def at_local(day: date, at: time | str, tz: str) -> datetime:
    """The UTC instant of a local time on a local day (DST-aware); `at` as a time or HH:MM."""
    return local_due(day, at if isinstance(at, time) else parse_send_time(at), tz)


class NudgeLog(Protocol):
    """Who may be nudged, their holidays, and which idempotency keys were already sent."""

    def people(self) -> list[Person]:
        """Every active person, in id order."""
        ...

    def person(self, person_id: int) -> Person | None: ...

    def holidays(self) -> dict[int, frozenset[date]]:
        """By team id: the team's own holidays plus everyone's."""
        ...

    def sent_keys(self, *, since: datetime) -> set[str]:
        """The keys recorded since this moment."""
        ...

    def record_sent(self, *, person_id: int, local_date: date, key: str, now: datetime,
                    deal_id: int | None = None) -> bool:
        """Record a key once; True when this call added it."""
        ...
