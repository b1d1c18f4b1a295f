"""When a person may be asked: working days, holidays admins configure, and out-of-office Slack statuses."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property

from surveys.cadence import zone

DEFAULT_AWAY_EMOJI = (":palm_tree:", ":airplane:", ":beach_with_umbrella:", ":desert_island:",
                      ":face_with_thermometer:", ":sick:", ":baby_bottle:")
DEFAULT_AWAY_WORDS = ("out of office", "ooo", "vacation", "vacationing", "holiday", "on leave", "leave", "sick",
                      "cuti", "休假", "请假", "atostogos", "mrkhsi", "مرخصی")


@dataclass(frozen=True)
class AwayRule:
    """Which Slack statuses mean "out": any of these emoji, or any of these words in the status text."""

    emoji: tuple[str, ...] = DEFAULT_AWAY_EMOJI
    words: tuple[str, ...] = DEFAULT_AWAY_WORDS

    def is_away(self, *, text: str | None, emoji: str | None, until: datetime | None, now: datetime) -> bool:
        if until is not None and until <= now:
            return False  # the status has expired
        if emoji and emoji in self._emoji:
            return True
        if not text:
            return False  # most people have no status text
        verdicts = self._verdicts
        verdict = verdicts.get(text)
        if verdict is None:
            if len(verdicts) >= 4096:  # statuses repeat ("In a meeting"); a sweep reads each one once
                verdicts.clear()
            verdict = verdicts[text] = self._words_pattern.search(f" {text.lower()} ") is not None
        return verdict

    @cached_property
    def _emoji(self) -> frozenset[str]:
        return frozenset(self.emoji)

    @cached_property
    def _verdicts(self) -> dict[str, bool]:
        """Status texts already read, and whether they say "out"."""
        return {}

    @cached_property
    def _words_pattern(self) -> re.Pattern[str]:
        """Any of the words: a Latin-script word between spaces or punctuation; other scripts anywhere in the text,
        as they have no spaces between words."""
        return re.compile("|".join(f"[ (-]{re.escape(word)}[ )!.,:-]" if word.isascii() else re.escape(word)
                                   for word in self.words) or "(?!)")


@dataclass(frozen=True)
class WorkingTime:
    """Local working hours on working days (Monday to Friday unless said otherwise), minus holidays."""

    start: time = time(9, 0)
    end: time = time(18, 0)
    weekdays: frozenset[int] = frozenset(range(5))

    def is_working_day(self, day: date, holidays: Collection[date]) -> bool:
        return day.weekday() in self.weekdays and day not in holidays

    def on_or_after(self, day: date, holidays: Collection[date]) -> date:
        """The first working day from `day` on (a survey due on a holiday goes out the next working day)."""
        for _ in range(366):
            if self.is_working_day(day, holidays):
                return day
            day += timedelta(days=1)
        raise ValueError("no working day within a year")

    def is_working_moment(self, now: datetime, tz: str, holidays: Collection[date]) -> bool:
        local = now.astimezone(zone(tz))
        return self.is_working_day(local.date(), holidays) and self.start <= local.time() < self.end

    def next_moment(self, now: datetime, tz: str, holidays: Collection[date]) -> datetime:
        """`now` if it is a working moment there, else when the next working day starts (results wait for it)."""
        if self.is_working_moment(now, tz, holidays):
            return now
        local = now.astimezone(zone(tz))
        day = local.date() if local.time() < self.start else local.date() + timedelta(days=1)
        opens = datetime.combine(self.on_or_after(day, holidays), self.start, tzinfo=zone(tz))
        return opens.astimezone(now.tzinfo)

    def last_moment_by(self, before: datetime, tz: str, holidays: Collection[date]) -> datetime | None:
        """The latest working moment at or before `before` there (within two weeks), or None."""
        place = zone(tz)
        local, day = before.astimezone(place), before.astimezone(place).date()
        for _ in range(14):
            if self.is_working_day(day, holidays):
                opens = datetime.combine(day, self.start, tzinfo=place)
                last = min(datetime.combine(day, self.end, tzinfo=place) - timedelta(minutes=1), local)
                if last >= opens:
                    return last.astimezone(before.tzinfo)
            day -= timedelta(days=1)
        return None


DEFAULT_WORKING_TIME = WorkingTime()
DEFAULT_AWAY = AwayRule()
