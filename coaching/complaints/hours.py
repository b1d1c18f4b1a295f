"""Working-hours arithmetic for complaint due times: add working hours to a moment, and count the working hours
between two moments, in one person's time zone, working time and holidays."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, date, datetime, timedelta

from surveys.availability import DEFAULT_WORKING_TIME, WorkingTime
from surveys.cadence import zone

MAX_DAYS = 400  # a search for working time gives up after this many calendar days


def add_working_hours(start: datetime, hours: float, *, tz: str, holidays: Collection[date] = (),
                      working: WorkingTime = DEFAULT_WORKING_TIME) -> datetime:
    """The UTC moment `hours` working hours after `start` there: time outside working hours, weekends and holidays
    does not count (a complaint at 17:30 on Friday with 4 hours is due on Monday at 12:30 with 09:00-18:00)."""
    if hours < 0:
        raise ValueError(f"hours must be 0 or more, got {hours}")
    place, left = zone(tz), timedelta(hours=hours)
    at = working.next_moment(start.astimezone(UTC), tz, holidays).astimezone(UTC)
    for _ in range(MAX_DAYS):
        ends = datetime.combine(at.astimezone(place).date(), working.end, tzinfo=place).astimezone(UTC)
        if left <= ends - at:
            return at + left
        left -= ends - at
        at = working.next_moment(ends, tz, holidays).astimezone(UTC)
    raise ValueError(f"no {hours} working hours within {MAX_DAYS} days")


def working_hours_between(start: datetime, end: datetime, *, tz: str, holidays: Collection[date] = (),
                          working: WorkingTime = DEFAULT_WORKING_TIME) -> float:
    """Working hours from `start` to `end` there (0 when `end` is not after `start`; at most MAX_DAYS are
    counted)."""
    if end <= start:
        return 0.0
    place = zone(tz)
    day, last = start.astimezone(place).date(), end.astimezone(place).date()
    total = timedelta()
    for _ in range(MAX_DAYS):
        if day > last:
            break
        if working.is_working_day(day, holidays):
            opens = datetime.combine(day, working.start, tzinfo=place).astimezone(UTC)
            closes = datetime.combine(day, working.end, tzinfo=place).astimezone(UTC)
            overlap = min(closes, end) - max(opens, start)
            if overlap > timedelta():
                total += overlap
        day += timedelta(days=1)
    return total.total_seconds() / 3600


def midway(start: datetime, due: datetime, *, tz: str, holidays: Collection[date] = (),
           working: WorkingTime = DEFAULT_WORKING_TIME) -> datetime:
    """Half the working time from `start` to `due`: when the owner is nudged."""
    half = working_hours_between(start, due, tz=tz, holidays=holidays, working=working) / 2
    return add_working_hours(start, half, tz=tz, holidays=holidays, working=working)
