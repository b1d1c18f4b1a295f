"""When a survey is due: cycle dates per cadence, and each respondent's local send time as UTC."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

CADENCES = ("weekly", "biweekly", "monthly", "quarterly")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def is_cycle_date(cadence: str, weekday: int, anchor: date, day: date) -> bool:
    """True when `day` is a send date of this cadence (weekday, on or after the anchor)."""
    if day < anchor or day.weekday() != weekday:
        return False
    if cadence == "weekly":
        return True
    if cadence == "biweekly":
        first = anchor + timedelta(days=(weekday - anchor.weekday()) % 7)
        return (day - first).days % 14 == 0
    first_of_month = day.day <= 7
    if cadence == "monthly":
        return first_of_month
    if cadence == "quarterly":
        return first_of_month and day.month in (1, 4, 7, 10)
    raise ValueError(f"unknown cadence {cadence!r}")


def recent_cycle_dates(cadence: str, weekday: int, anchor: date, on_or_before: date, count: int = 2) -> list[date]:
    """The `count` latest cycle dates on or before a day, newest first."""
    found: list[date] = []
    day = on_or_before
    while len(found) < count and day >= anchor:
        if is_cycle_date(cadence, weekday, anchor, day):
            found.append(day)
            day -= timedelta(days=7)
        else:
            day -= timedelta(days=1)
    return found


@lru_cache(maxsize=1024)
def zone(tz: str) -> ZoneInfo:
    """A time zone by its IANA name, held for the process. ZoneInfo keeps only the last 8 it made, so a sweep over
    people in more zones than that would otherwise read each zone's file again for every person."""
    return ZoneInfo(tz)


def local_due(day: date, at: time, tz: str) -> datetime:
    """The UTC instant of `at` on `day` in the person's time zone."""
    return datetime.combine(day, at, tzinfo=zone(tz)).astimezone(UTC)


def local_send_times(zones: Mapping[int, str], day: date, at: time) -> dict[int, datetime]:
    """Each person's UTC instant of `at` on `day` in their time zone (`zones`: time zone by person id), worked out
    once per time zone."""
    by_zone: dict[str, datetime] = {}
    times = {}
    for person, tz in zones.items():
        due = by_zone.get(tz)
        if due is None:
            due = by_zone[tz] = local_due(day, at, tz)
        times[person] = due
    return times


@lru_cache(maxsize=64)
def parse_send_time(text: str) -> time:
    hours, _, minutes = text.partition(":")
    if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2):
        raise ValueError(text)
    return time(int(hours), int(minutes))
