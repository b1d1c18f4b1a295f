"""One-on-ones: a cadence per manager-rep pair, the next meeting, the agenda, reminders the day before,
the Held/Moved/Skipped prompt after the slot, and the manager's nudge when none has been held for too long.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from coaching.timing import (
    DEFAULT_MORNING,
    Holidays,
    Person,
    at_local,
    iso_week,
    local_date,
    may_reach_now,
    morning_due,
    working_day_before,
)
from surveys.availability import DEFAULT_AWAY, DEFAULT_WORKING_TIME, AwayRule, WorkingTime
from surveys.cadence import is_cycle_date

CADENCES = ("weekly", "biweekly", "monthly")
CADENCE_DAYS = {"weekly": 7, "biweekly": 14, "monthly": 30}
OUTCOMES = ("held", "moved", "skipped")
ITEM_KINDS = ("talking_point", "action")
OVERDUE_FACTOR = 1.5
OUTCOME_AFTER = timedelta(minutes=30)  # ask how it went this long after the slot began
OUTCOME_WITHIN = timedelta(days=7)  # and no longer than this after it


class OneOnOneError(ValueError):
    """A request the one-on-one rules refuse; the message says what is allowed."""


@dataclass(frozen=True)
class Cadence:
    """Weekly, biweekly (counted from the anchor) or monthly (the first such weekday of the month), at a local
    time in the manager's time zone."""

    kind: str
    weekday: int  # 0 = Monday
    at: time
    anchor: date  # the day the cadence was set; no meeting before it

    def __post_init__(self) -> None:
        if self.kind not in CADENCES:
            raise OneOnOneError(f"cadence {self.kind!r} is not one of {', '.join(CADENCES)}")
        if not 0 <= self.weekday <= 6:
            raise OneOnOneError(f"weekday {self.weekday} is not 0 (Monday) to 6 (Sunday)")

    def is_meeting_day(self, day: date) -> bool:
        return is_cycle_date(self.kind, self.weekday, self.anchor, day)

    @property
    def days(self) -> int:
        return CADENCE_DAYS[self.kind]


@dataclass(frozen=True)
class Pair:
    id: int
    manager_id: int
    rep_id: int
    cadence: Cadence


@dataclass(frozen=True)
class Meeting:
    """What became of one scheduled day (in the manager's calendar); a moved meeting may name its new day."""

    pair_id: int
    day: date
    outcome: str  # one of OUTCOMES
    moved_to: date | None = None
    action_ts: str | None = None  # Slack's time of the click that recorded it (coaching.clicks)


@dataclass(frozen=True)
class AgendaItem:
    """A talking point or an action item (with an owner and a due date); open until marked done.

    `carried` is set on the talking points still open when a meeting was held.
    """

    id: int
    pair_id: int
    author_id: int
    text: str
    kind: str  # one of ITEM_KINDS
    created_at: datetime
    owner_id: int | None = None
    due: date | None = None
    done: bool = False
    carried: bool = False


@dataclass(frozen=True)
class Agenda:
    pair_id: int
    meeting_on: date
    carried: tuple[AgendaItem, ...]  # open talking points carried over from last time
    added: tuple[AgendaItem, ...]  # talking points either side added since
    actions: tuple[AgendaItem, ...]  # open action items, earliest due first; they carry forward until done


def meeting_days(pair: Pair, meetings: Iterable[Meeting], *, start: date, end: date) -> list[date]:
    """Days in [start, end) with a meeting still to come: cadence days and days moved to, minus the days that
    already have an outcome."""
    own = [m for m in meetings if m.pair_id == pair.id]
    recorded = {m.day for m in own}
    days = {start + timedelta(days=n) for n in range((end - start).days)}
    found = {d for d in days if pair.cadence.is_meeting_day(d)}
    found |= {m.moved_to for m in own if m.moved_to is not None and start <= m.moved_to < end}
    return sorted(found - recorded)


def next_meeting(pair: Pair, meetings: Iterable[Meeting], *, today: date) -> date | None:
    """The next meeting day on or after `today` (the manager's local date), within two months."""
    days = meeting_days(pair, meetings, start=today, end=today + timedelta(days=62))
    return days[0] if days else None


def starts_at(pair: Pair, day: date, *, manager: Person) -> datetime:
    """The UTC instant a meeting day's slot begins, in the manager's time zone (DST-aware)."""
    return at_local(day, pair.cadence.at, manager.tz)


def build_agenda(*, pair: Pair, items: Iterable[AgendaItem], meeting_on: date) -> Agenda:
    open_items = sorted((i for i in items if i.pair_id == pair.id and not i.done), key=lambda i: (i.created_at, i.id))
    talking = [i for i in open_items if i.kind == "talking_point"]
    actions = sorted((i for i in open_items if i.kind == "action"), key=lambda i: (i.due or date.max, i.id))
    return Agenda(pair.id, meeting_on, tuple(i for i in talking if i.carried),
                  tuple(i for i in talking if not i.carried), tuple(actions))


def to_carry(items: Iterable[AgendaItem], *, pair_id: int) -> list[int]:
    """When a meeting is held: the ids of the open talking points that carry over to the next one."""
    return [i.id for i in items if i.pair_id == pair_id and i.kind == "talking_point" and not i.done
            and not i.carried]


@dataclass(frozen=True)
class Reminder:
    pair_id: int
    meeting_on: date  # in the manager's calendar
    starts_at: datetime
    person_id: int
    for_manager: bool  # the manager's reminder carries the data prep
    key: str  # 1on1:{pair}:{meeting date}:reminder:{person}


def plan_reminders(*, pairs: Sequence[Pair], meetings: Sequence[Meeting], people: Mapping[int, Person],
                   sent: Collection[str], now: datetime, holidays: Holidays, morning: str = DEFAULT_MORNING,
                   working: WorkingTime = DEFAULT_WORKING_TIME, away: AwayRule = DEFAULT_AWAY) -> list[Reminder]:
    """Reminders due now: from each side's local morning on the working day before their local meeting date
    until the meeting starts, inside their working hours, while they are not away; once per key."""
    due = []
    for pair in pairs:
        manager, rep = people.get(pair.manager_id), people.get(pair.rep_id)
        if manager is None or rep is None:
            continue
        today = local_date(manager, now)
        for day in meeting_days(pair, meetings, start=today - timedelta(days=1), end=today + timedelta(days=16)):
            start = starts_at(pair, day, manager=manager)
            if start <= now:
                continue
            for person in (manager, rep):
                key = f"1on1:{pair.id}:{day}:reminder:{person.person_id}"
                local_meeting = start.astimezone(ZoneInfo(person.tz)).date()
                remind_on = working_day_before(local_meeting, holidays=holidays.get(person.team_id, ()),
                                               working=working)
                if (key not in sent and at_local(remind_on, morning, person.tz) <= now
                        and may_reach_now(person, now=now, holidays=holidays, working=working, away=away)):
                    due.append(Reminder(pair.id, day, start, person.person_id, person is manager, key))
    return due


@dataclass(frozen=True)
class OutcomePrompt:
    pair_id: int
    meeting_on: date
    manager_id: int
    key: str  # 1on1:{pair}:{meeting date}:outcome


def plan_outcome_prompts(*, pairs: Sequence[Pair], meetings: Sequence[Meeting], people: Mapping[int, Person],
                         sent: Collection[str], now: datetime, holidays: Holidays,
                         working: WorkingTime = DEFAULT_WORKING_TIME,
                         away: AwayRule = DEFAULT_AWAY) -> list[OutcomePrompt]:
    """Held, Moved or Skipped? Asked of the manager once a slot has begun and has no outcome yet, in their
    working hours, for up to a week."""
    prompts = []
    for pair in pairs:
        manager = people.get(pair.manager_id)
        if manager is None or not may_reach_now(manager, now=now, holidays=holidays, working=working, away=away):
            continue
        today = local_date(manager, now)
        for day in meeting_days(pair, meetings, start=today - timedelta(days=8), end=today + timedelta(days=1)):
            start = starts_at(pair, day, manager=manager)
            key = f"1on1:{pair.id}:{day}:outcome"
            if start + OUTCOME_AFTER <= now < start + OUTCOME_WITHIN and key not in sent:
                prompts.append(OutcomePrompt(pair.id, day, pair.manager_id, key))
    return prompts


def last_held(pair: Pair, meetings: Iterable[Meeting]) -> date | None:
    held = [m.day for m in meetings if m.pair_id == pair.id and m.outcome == "held"]
    return max(held) if held else None


@dataclass(frozen=True)
class Overdue:
    pair_id: int
    manager_id: int
    rep_id: int
    days: int  # since the last held meeting, or since the cadence was set
    allowed_days: int
    last_held_on: date | None
    key: str  # 1on1-overdue:{pair}:{iso week}


def plan_overdue(*, pairs: Sequence[Pair], meetings: Sequence[Meeting], people: Mapping[int, Person],
                 sent: Collection[str], now: datetime, holidays: Holidays, morning: str = DEFAULT_MORNING,
                 factor: float = OVERDUE_FACTOR, working: WorkingTime = DEFAULT_WORKING_TIME,
                 away: AwayRule = DEFAULT_AWAY) -> list[Overdue]:
    """Managers to nudge, at most once an ISO week per pair: no meeting held for more than `factor` times the
    cadence (counted from the cadence's anchor when none was ever held)."""
    found = []
    for pair in pairs:
        manager = people.get(pair.manager_id)
        if manager is None:
            continue
        today = morning_due(manager, now=now, holidays=holidays, morning=morning, working=working, away=away)
        if today is None:
            continue
        held = last_held(pair, meetings)
        days = (today - (held or pair.cadence.anchor)).days
        allowed = int(factor * pair.cadence.days)
        key = f"1on1-overdue:{pair.id}:{iso_week(today)}"
        if days > allowed and key not in sent:
            found.append(Overdue(pair.id, pair.manager_id, pair.rep_id, days, allowed, held, key))
    return found
