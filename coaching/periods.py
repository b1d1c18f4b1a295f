"""Reporting periods: ISO weeks, months and quarters, parsed from keys ('2017-W27', '2017-07', '2017-Q3') or words.

Words ('this month', 'last quarter', 'this week') are read against an injected `today`; nothing reads the clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

KINDS = ("week", "month", "quarter")

_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$")
_WORDS = re.compile(r"^(this|current|last|previous)\s+(week|month|quarter)$")
EXPECTED = "a period such as 2017-Q3, 2017-07, 2017-W27, 'this month' or 'last quarter'"


class PeriodError(ValueError):
    """A period key or phrase that cannot be read; the message says what is allowed, on one line."""


@dataclass(frozen=True, order=True)
class Period:
    """Days from `start` (included) to `end` (excluded); `kind` is one of KINDS."""

    start: date
    end: date
    kind: str

    @property
    def key(self) -> str:
        """The stable key: '2017-W27' (ISO week), '2017-07' or '2017-Q3'."""
        if self.kind == "week":
            year, week, _ = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        if self.kind == "month":
            return f"{self.start.year}-{self.start.month:02d}"
        return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    def contains(self, day: date) -> bool:
        return self.start <= day < self.end

    def previous(self) -> Period:
        """The period of the same kind just before this one."""
        return period_of(self.kind, self.start - timedelta(days=1))

    def following(self) -> Period:
        return period_of(self.kind, self.end)

    def months(self) -> tuple[date, ...]:
        """The first day of every month this period touches (a week may straddle two)."""
        firsts = []
        month = self.start.replace(day=1)
        while month < self.end:
            firsts.append(month)
            month = _add_months(month, 1)
        return tuple(firsts)

    def __str__(self) -> str:
        return self.key


def _add_months(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_of(kind: str, day: date) -> Period:
    """The week (Monday to Sunday), month or quarter that contains `day`."""
    if kind == "week":
        start = day - timedelta(days=day.weekday())
        return Period(start, start + timedelta(days=7), kind)
    if kind == "month":
        start = day.replace(day=1)
        return Period(start, _add_months(start, 1), kind)
    if kind == "quarter":
        start = date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
        return Period(start, _add_months(start, 3), kind)
    raise PeriodError(f"'{kind}' is not a kind of period; expected one of {', '.join(KINDS)}")


def last_periods(period: Period, *, count: int) -> list[Period]:
    """`count` periods of `period`'s kind, oldest first, ending with `period`."""
    found = [period]
    while len(found) < count:
        found.insert(0, found[0].previous())
    return found


def parse_period(text: str, *, today: date) -> Period:
    """A period from its key or from words relative to `today`; raises PeriodError with what is allowed."""
    cleaned = " ".join(text.strip().split())
    if match := _WORDS.match(cleaned.lower()):
        current = period_of(match.group(2), today)
        return current if match.group(1) in ("this", "current") else current.previous()
    try:
        period = _from_key(cleaned.upper())
    except ValueError:  # a week 53 that the year lacks, month 13, year 0
        raise PeriodError(f"'{text}' names no such period; expected {EXPECTED}") from None
    if period is None:
        raise PeriodError(f"'{text}' is not a period; expected {EXPECTED}")
    return period


def _from_key(key: str) -> Period | None:
    if match := _WEEK.match(key):
        start = date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
        return Period(start, start + timedelta(days=7), "week")
    if match := _MONTH.match(key):
        return period_of("month", date(int(match.group(1)), int(match.group(2)), 1))
    if match := _QUARTER.match(key):
        return period_of("quarter", date(int(match.group(1)), (int(match.group(2)) - 1) * 3 + 1, 1))
    return None
