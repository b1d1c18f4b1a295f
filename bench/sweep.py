"""The due-time sweep for 10,000 people, as a ratio to a bare zoneinfo loop over the same people and `now`.

Run: `python -m bench.sweep [--people 10000 --times 7]`. The product runs the domain code the jobs run each tick:
survey send times (open_due_rounds), reminders (send_due_reminders with ReminderPolicy) and the nudge morning
(coaching.timing.mornings_due); the baseline converts `now` to each time zone once, then compares each person's
local time with 09:00. Each figure is the best of `--times`. Prints the figures, then the slowest sweep's ratio last.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from typing import Any
from zoneinfo import ZoneInfo

from coaching.timing import Person, mornings_due
from surveys.cadence import local_send_times
from surveys.ports import Member, RoundInfo
from surveys.service import send_due_reminders

NOW = datetime(2026, 11, 24, 7, 30, tzinfo=UTC)  # a Tuesday: a morning somewhere, working hours elsewhere
SEND_AT = clock_time(9, 0)
ZONES = ("Asia/Kuala_Lumpur", "Asia/Shanghai", "Europe/Vilnius", "Asia/Tehran", "America/Los_Angeles",
         "Pacific/Auckland", "Europe/London", "America/New_York", "Asia/Kolkata", "Asia/Tokyo", "Europe/Berlin",
         "America/Sao_Paulo", "Australia/Sydney", "Africa/Lagos", "Asia/Dubai", "America/Chicago",
         "Asia/Singapore", "Europe/Madrid", "Asia/Kathmandu", "America/St_Johns", "Pacific/Chatham",
         "Asia/Jakarta", "Europe/Istanbul", "America/Denver")
STATUSES = (("", ""), ("In a meeting", ":calendar:"), ("", ":palm_tree:"), ("Vacationing in Bali", ""),
            ("commuting", ":bus:"), ("cuti sampai Isnin", ""))


def people(count: int) -> list[Member]:
    """Reps across 24 zones (half-hour and 45-minute offsets too); every sixth one with each kind of status."""
    return [Member(i, f"Rep {i}", f"rep{i}@example.com", "rep", ZONES[i % len(ZONES)], "en-US", f"U{i:06d}",
                   team_id=1 + i % 20, status_text=STATUSES[i % len(STATUSES)][0],
                   status_emoji=STATUSES[i % len(STATUSES)][1]) for i in range(count)]


def baseline(members: list[Member]) -> int:
    """The least the sweep must do: the local time now once per time zone, then each person's against the send
    time. (Converting once per person, the floor before, times zoneinfo rather than the sweep.)"""
    local: dict[str, clock_time] = {}
    for tz in {m.tz for m in members}:
        local[tz] = NOW.astimezone(ZoneInfo(tz)).time()
    return sum(local[m.tz] >= SEND_AT for m in members)


def per_person(members: list[Member]) -> int:
    """The floor before: each person's local time, converted for each person (zones held; shown, not compared)."""
    zones: dict[str, ZoneInfo] = {}
    return sum(NOW.astimezone(zones.get(m.tz) or zones.setdefault(m.tz, ZoneInfo(m.tz))).time() >= SEND_AT
               for m in members)


def naive(members: list[Member]) -> int:
    """The same loop calling ZoneInfo(tz) for each person with nothing holding the zones (shown, not compared)."""
    return sum(NOW.astimezone(ZoneInfo(m.tz)).time() >= SEND_AT for m in members)


def survey_send_times(members: list[Member]) -> int:
    """open_due_rounds' recipient selection: everyone's local 09:00 today as UTC, and who has reached it."""
    dues = local_send_times({m.person_id: m.tz for m in members}, NOW.date(), SEND_AT)
    return sum(due <= NOW for due in dues.values())


class Candidates:
    """The store's side of send_due_reminders: everyone invited 30 hours ago, not answered, not reminded."""

    def __init__(self, members: list[Member]) -> None:
        round_ = RoundInfo(1, 1, "Bench", date(2026, 11, 23), ("enps",), NOW - timedelta(hours=30),
                           NOW + timedelta(hours=42), None)
        self.rows = [(round_, m, NOW - timedelta(hours=30), 0) for m in members]
        self.reminded = 0

    def reminder_candidates(self, now: datetime) -> list[tuple[RoundInfo, Member, datetime, int]]:
        return self.rows

    def holidays_of(self, team_id: int) -> frozenset[date]:
        return frozenset({date(2026, 12, 25)})

    def mark_reminded(self, round_id: int, person_ids: Sequence[int], count: int) -> None:
        self.reminded += len(person_ids)

    def send_reminders(self, round: RoundInfo, members: Sequence[Member], number: int) -> None:
        """The messenger's side: nothing to render here."""


def reminders(store: Candidates) -> int:
    return send_due_reminders(store, store, now=NOW)  # type: ignore[arg-type]


def nudge_mornings(persons: list[Person]) -> int:
    """The follow-up planner's question for each rep (coaching.timing.mornings_due): is it their nudge morning now?"""
    holidays = {team: {date(2026, 12, 25)} for team in range(1, 21)}
    return len(mornings_due(persons, now=NOW, holidays=holidays))


def best(run: Callable[[Any], int], given: Any, times: int) -> tuple[float, int]:
    """The fastest of `times` runs in milliseconds, and what the run counted; `given` is made before the clock
    starts, as the store would hand it over."""
    fastest, result = float("inf"), 0
    for _ in range(times):
        started = time.perf_counter()
        result = run(given)
        fastest = min(fastest, (time.perf_counter() - started) * 1000)
    return fastest, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--times", type=int, default=7)
    args = parser.parse_args()
    members = people(args.people)
    bare, reached = best(baseline, members, args.times)
    print(f"people: {args.people:,} in {len(ZONES)} time zones, now {NOW.isoformat()}, best of {args.times}")
    print(f"baseline (now.astimezone(zone) once per zone, each person against 09:00): {bare:.2f} ms, "
          f"{reached:,} past 09:00")
    print(f"  (converted once per person, zones held: {best(per_person, members, args.times)[0]:.1f} ms)")
    print(f"  (ZoneInfo(tz) for each person, zones not held: {best(naive, members, args.times)[0]:.1f} ms)")
    ratios = {}
    persons = [Person(m.person_id, m.team_id, m.tz, status_text=m.status_text, status_emoji=m.status_emoji)
               for m in members]
    sweeps: list[tuple[str, Callable[[Any], int], Any]] = [
        ("survey send times", survey_send_times, members), ("reminders", reminders, Candidates(members)),
        ("nudge mornings", nudge_mornings, persons)]
    for name, run, given in sweeps:
        took, due = best(run, given, args.times)
        ratios[name] = took / bare
        print(f"{name}: {took:.2f} ms, {due:,} due, {ratios[name]:.2f}x")
    slowest = max(ratios, key=ratios.__getitem__)
    print(f"ratio: {ratios[slowest]:.2f}x ({slowest}, the slowest sweep, against the baseline; goal: at most 2x)")


if __name__ == "__main__":
    main()
