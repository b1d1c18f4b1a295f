"""Reminders that don't nag: at most two, only to people who have not answered, in their working hours."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property

from surveys.availability import DEFAULT_AWAY, DEFAULT_WORKING_TIME, AwayRule, WorkingTime
from surveys.ports import Member

DEFAULT_OFFSETS = (timedelta(hours=24), timedelta(hours=72))
MAX_REMINDERS = 2
LAST_CALL = timedelta(hours=24)


@dataclass(frozen=True)
class ReminderPolicy:
    offsets: Sequence[timedelta] = DEFAULT_OFFSETS
    working: WorkingTime = DEFAULT_WORKING_TIME
    away: AwayRule = DEFAULT_AWAY

    def next_reminder(self, *, member: Member, invited_at: datetime, sent: int, responded: bool,
                      closes_at: datetime, now: datetime, holidays: frozenset) -> int | None:
        """The number of the reminder due now (1 or 2), or None.

        None when they answered, had every reminder, the round has closed, the next offset has not passed,
        they are out of office, or it is outside their local working hours or on a holiday.
        """
        if responded:
            return None
        number = self.number_due(invited_at=invited_at, sent=sent, closes_at=closes_at, now=now)
        if number is None:
            return None
        if self.away.is_away(text=member.status_text, emoji=member.status_emoji, until=member.status_until,
                             now=now):
            return None
        if not self.working.is_working_moment(now, member.tz, holidays):
            return None
        return number

    def number_due(self, *, invited_at: datetime, sent: int, closes_at: datetime, now: datetime) -> int | None:
        """The number of the reminder whose time has come (1 or 2), whoever it is for; None if none has."""
        offsets = self._offsets
        if sent >= len(offsets) or now >= closes_at or now < self.due_at(offsets, sent, invited_at, closes_at):
            return None
        return sent + 1

    @cached_property
    def _offsets(self) -> tuple[timedelta, ...]:
        return tuple(self.offsets)[:MAX_REMINDERS]

    @staticmethod
    def due_at(offsets: Sequence[timedelta], sent: int, invited_at: datetime, closes_at: datetime) -> datetime:
        """The offset after the invitation, pulled in to a day before the close so it still helps,
        but never earlier than half a day after the reminder before it was due."""
        due = min(invited_at + offsets[sent], closes_at - LAST_CALL)
        if sent:
            due = max(due, invited_at + offsets[sent - 1] + timedelta(hours=12))
        return due


DEFAULT_POLICY = ReminderPolicy()
