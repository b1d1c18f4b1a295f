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
LAST_CALL = timedelta(hours=24)  # no reminder later than this before the close
LAST_WORKING_HOUR = timedelta(hours=1)  # a reminder pulled in to the last working moment may go from an hour before


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
        number = self.number_due(invited_at=invited_at, sent=sent, closes_at=closes_at, now=now, tz=member.tz,
                                 holidays=holidays)
        if number is None:
            return None
        if self.away.is_away(text=member.status_text, emoji=member.status_emoji, until=member.status_until,
                             now=now):
            return None
        if not self.working.is_working_moment(now, member.tz, holidays):
            return None
        return number

    def number_due(self, *, invited_at: datetime, sent: int, closes_at: datetime, now: datetime, tz: str,
                   holidays: frozenset) -> int | None:
        """The number of the reminder whose time has come in zone `tz` (1 or 2), whoever it is for; None if none
        has. None comes later than LAST_CALL before the close; the last is pulled in to the last working hour
        before then."""
        offsets = self._offsets
        if sent >= len(offsets) or now > closes_at - LAST_CALL:
            return None
        latest = self._latest(closes_at - LAST_CALL, tz, holidays)
        if latest is None or now > latest:  # their last working moment a day before the close has passed
            return None
        due = min(self.due_at(offsets, sent, invited_at, closes_at), latest - LAST_WORKING_HOUR)
        if now < due or (sent and due < invited_at + offsets[sent - 1] + timedelta(hours=12)):
            return None
        return sent + 1

    def _latest(self, last_call: datetime, tz: str, holidays: frozenset) -> datetime | None:
        """The last working moment there at least LAST_CALL before the close (worked out once per zone)."""
        key = (last_call, tz, holidays)
        if key not in self._latest_by:
            if len(self._latest_by) > 4096:  # rounds come and go; a long-running process keeps only recent ones
                self._latest_by.clear()
            self._latest_by[key] = self.working.last_moment_by(last_call, tz, holidays)
        return self._latest_by[key]

    @cached_property
    def _latest_by(self) -> dict[tuple[datetime, str, frozenset], datetime | None]:
        return {}

    @cached_property
    def _offsets(self) -> tuple[timedelta, ...]:
        return tuple(self.offsets)[:MAX_REMINDERS]

    @staticmethod
    def due_at(offsets: Sequence[timedelta], sent: int, invited_at: datetime, closes_at: datetime) -> datetime:
        """The offset after the invitation, pulled in to a day before the close so it still helps,
        but never earlier than half a day after the reminder before it was due. `next_reminder` also pulls it
        in to the person's last working moment before then, and sends nothing after it."""
        due = min(invited_at + offsets[sent], closes_at - LAST_CALL)
        if sent:
            due = max(due, invited_at + offsets[sent - 1] + timedelta(hours=12))
        return due


DEFAULT_POLICY = ReminderPolicy()
