"""One-on-one use cases: set a cadence, add and complete agenda items, record Held/Moved/Skipped, and send the
reminders, outcome prompts, overdue nudges and recognition gaps due now (each once, under its key). Every use
checks the pair against the org chart as it is now: a pair whose rep moved to another manager has ended.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from coaching.access import NotAllowed, OrgEntry, pair_stands
from coaching.clicks import check_order
from coaching.one_on_ones.meetings import (
    ITEM_KINDS,
    OUTCOMES,
    Agenda,
    AgendaItem,
    Cadence,
    OneOnOneError,
    Pair,
    build_agenda,
    last_held,
    next_meeting,
    plan_outcome_prompts,
    plan_overdue,
    plan_reminders,
    to_carry,
)
from coaching.one_on_ones.ports import OneOnOneMessenger, OneOnOneStore, PrepSource
from coaching.one_on_ones.prep import RECOGNITION_GAP_DAYS, RecognitionGap, plan_recognition_gaps
from coaching.timing import DEFAULT_MORNING, Person, local_date
from surveys.availability import DEFAULT_AWAY, AwayRule
from surveys.cadence import WEEKDAYS, parse_send_time

LOOK_BACK = timedelta(days=8)
MAX_ITEM_TEXT = 500


@dataclass(frozen=True)
class Sent:
    reminders: int = 0
    outcome_prompts: int = 0
    overdue: int = 0


def set_one_on_one(store: OneOnOneStore, *, manager_id: int, rep_id: int, cadence: str, weekday: str, at: str,
                   now: datetime) -> Pair:
    """/oneonone: a cadence (weekly, biweekly or monthly), a weekday and a local time in the manager's time zone,
    for a manager and one of their direct reports; setting it again replaces it."""
    manager, rep = store.person(manager_id), store.person(rep_id)
    if manager is None or rep is None:
        raise OneOnOneError("both people must be active in the roster")
    if rep.manager_id != manager_id:
        raise NotAllowed(f"person {rep_id} does not report to person {manager_id}")
    if weekday.strip().lower()[:3] not in WEEKDAYS:
        raise OneOnOneError(f"day {weekday!r} is not one of {', '.join(WEEKDAYS)}")
    try:
        local_time = parse_send_time(at.strip())
    except ValueError:
        raise OneOnOneError(f"time {at!r} is not a local time HH:MM such as 10:30") from None
    chosen = Cadence(cadence.strip().lower(), WEEKDAYS.index(weekday.strip().lower()[:3]), local_time,
                     local_date(manager, now))
    return store.set_pair(manager_id=manager_id, rep_id=rep_id, cadence=chosen, now=now)


def org_of(people: Iterable[Person]) -> dict[int, OrgEntry]:
    """The org chart as it is now, from the active people."""
    return {p.person_id: OrgEntry(p.manager_id, p.role, p.team_id) for p in people}


def stands(store: OneOnOneStore, pair: Pair) -> bool:
    """Whether the pair still stands: both active, and the rep reports directly to its manager now."""
    return pair_stands(pair.manager_id, pair.rep_id, org=org_of(
        p for p in (store.person(pair.manager_id), store.person(pair.rep_id)) if p is not None))


def standing_pairs(store: OneOnOneStore, *, person_id: int | None = None) -> list[Pair]:
    """Every pair that stands now (one person's, with `person_id`), in id order."""
    org = org_of(store.people())
    return [p for p in store.pairs() if pair_stands(p.manager_id, p.rep_id, org=org)
            and (person_id is None or person_id in (p.manager_id, p.rep_id))]


def pair_between(store: OneOnOneStore, *, person_id: int, other_id: int) -> Pair:
    """The standing pair of two people, whichever of them is the manager; OneOnOneError when they have none."""
    pair = store.pair_of(manager_id=person_id, rep_id=other_id) or store.pair_of(manager_id=other_id, rep_id=person_id)
    if pair is None or not stands(store, pair):
        raise OneOnOneError("these two have no one-on-one yet; the manager sets one with /oneonone")
    return pair


def pair_for(store: OneOnOneStore, *, pair_id: int, person_id: int) -> Pair:
    """The pair, for one of its two people while it stands; OneOnOneError or NotAllowed otherwise."""
    return _check_side(store, store.pair(pair_id), person_id)


def add_item(store: OneOnOneStore, *, author_id: int, other_id: int, text: str, now: datetime,
             kind: str = "talking_point", owner_id: int | None = None, due: date | None = None,
             origin: str | None = None) -> AgendaItem:
    """/oneonone add @person text (or a button): a talking point, or an action item with owner and due date."""
    pair = pair_between(store, person_id=author_id, other_id=other_id)
    text = " ".join(text.split())
    if kind not in ITEM_KINDS:
        raise OneOnOneError(f"an agenda item is one of {', '.join(ITEM_KINDS)}, not {kind!r}")
    if not 1 <= len(text) <= MAX_ITEM_TEXT:
        raise OneOnOneError(f"an agenda item has 1 to {MAX_ITEM_TEXT} characters, got {len(text)}")
    if kind == "action" and owner_id not in (pair.manager_id, pair.rep_id):
        raise OneOnOneError("an action item is owned by the manager or the rep of this one-on-one")
    return store.add_item(pair_id=pair.id, author_id=author_id, text=text, kind=kind,
                          owner_id=owner_id if kind == "action" else None, due=due if kind == "action" else None,
                          now=now, origin=origin)


def complete_item(store: OneOnOneStore, *, item_id: int, person_id: int, now: datetime) -> AgendaItem:
    item = store.item(item_id)
    if item is None:
        raise OneOnOneError(f"agenda item {item_id} does not exist")
    _check_side(store, store.pair(item.pair_id), person_id)
    if not item.done:
        store.complete_item(item_id=item_id, now=now)
    return item


def record_outcome(store: OneOnOneStore, *, pair_id: int, meeting_on: date, outcome: str, person_id: int,
                   now: datetime, moved_to: date | None = None, action_ts: str | None = None) -> None:
    """Held, Moved (optionally to a day) or Skipped; on Held the open talking points carry over to the next.
    A late copy of a click older than the one recorded raises coaching.clicks.StaleClick."""
    pair = _check_side(store, store.pair(pair_id), person_id)
    recorded = next((m for m in store.meetings(pair_ids=[pair.id]) if m.day == meeting_on), None)
    check_order(action_ts, recorded.action_ts if recorded else None)
    if outcome not in OUTCOMES:
        raise OneOnOneError(f"an outcome is one of {', '.join(OUTCOMES)}, not {outcome!r}")
    if moved_to is not None and (outcome != "moved" or moved_to == meeting_on):
        raise OneOnOneError("only a moved one-on-one takes a new day, and a day other than its own")
    store.record_meeting(pair_id=pair.id, day=meeting_on, outcome=outcome, moved_to=moved_to, recorded_by=person_id,
                         now=now, action_ts=action_ts)
    if outcome == "held":
        store.mark_carried(item_ids=to_carry(store.agenda_items(pair_ids=[pair.id]), pair_id=pair.id))


def agenda_of(store: OneOnOneStore, *, pair_id: int, person_id: int, now: datetime) -> Agenda | None:
    """The agenda of the pair's next one-on-one, for either side; None when none is scheduled."""
    pair = _check_side(store, store.pair(pair_id), person_id)
    manager = store.person(pair.manager_id)
    today = local_date(manager, now) if manager else now.date()
    day = next_meeting(pair, store.meetings(pair_ids=[pair.id]), today=today)
    if day is None:
        return None
    return build_agenda(pair=pair, items=store.agenda_items(pair_ids=[pair.id]), meeting_on=day)


def send_one_on_one_nudges(store: OneOnOneStore, messenger: OneOnOneMessenger, prep: PrepSource, *, now: datetime,
                           morning: str = DEFAULT_MORNING, away: AwayRule = DEFAULT_AWAY) -> Sent:
    """Reminders (with agenda, and data prep for the manager), outcome prompts and overdue nudges due now."""
    people = {p.person_id: p for p in store.people()}
    pairs = standing_pairs(store)  # a rep who moved: their old manager gets no reminder, prep, prompt or nudge
    meetings = store.meetings(pair_ids=[p.id for p in pairs])
    items = store.agenda_items(pair_ids=[p.id for p in pairs])
    sent, holidays = store.sent_keys(since=now - LOOK_BACK), store.holidays()
    by_id = {p.id: p for p in pairs}
    reminders = plan_reminders(pairs=pairs, meetings=meetings, people=people, sent=sent, now=now, holidays=holidays,
                               morning=morning, away=away)
    for reminder in reminders:
        pair, person = by_id[reminder.pair_id], people[reminder.person_id]
        agenda = build_agenda(pair=pair, items=items, meeting_on=reminder.meeting_on)
        data = None
        if reminder.for_manager:
            data = prep.prep(rep_id=pair.rep_id, manager_id=pair.manager_id, since=last_held(pair, meetings),
                             today=local_date(person, now))
        messenger.send_one_on_one_reminder(person, reminder, agenda, data)
        _record(store, person, reminder.key, now)
    prompts = plan_outcome_prompts(pairs=pairs, meetings=meetings, people=people, sent=sent, now=now,
                                   holidays=holidays, away=away)
    for prompt in prompts:
        messenger.ask_one_on_one_outcome(people[prompt.manager_id], prompt)
        _record(store, people[prompt.manager_id], prompt.key, now)
    overdue = plan_overdue(pairs=pairs, meetings=meetings, people=people, sent=sent, now=now, holidays=holidays,
                           morning=morning, away=away)
    for late in overdue:
        messenger.send_one_on_one_overdue(people[late.manager_id], late)
        _record(store, people[late.manager_id], late.key, now)
    return Sent(len(reminders), len(prompts), len(overdue))


def send_recognition_gaps(store: OneOnOneStore, messenger: OneOnOneMessenger, *, now: datetime,
                          threshold_days: int = RECOGNITION_GAP_DAYS,
                          morning: str = DEFAULT_MORNING, away: AwayRule = DEFAULT_AWAY) -> list[RecognitionGap]:
    """Nudge managers about direct reports not recognised for more than `threshold_days`, once a week each."""
    people = store.people()
    reps = [p.person_id for p in people if p.role == "rep" and p.manager_id is not None]
    gaps = plan_recognition_gaps(people=people, last_recognised=store.last_recognised(rep_ids=reps),
                                 started_on=store.started_on(rep_ids=reps), sent=store.sent_keys(since=now - LOOK_BACK),
                                 now=now, holidays=store.holidays(), threshold_days=threshold_days, morning=morning,
                                 away=away)
    by_id = {p.person_id: p for p in people}
    for gap in gaps:
        messenger.send_recognition_gap(by_id[gap.manager_id], gap)
        _record(store, by_id[gap.manager_id], gap.key, now)
    return gaps


def _record(store: OneOnOneStore, person: Person, key: str, now: datetime) -> None:
    store.record_sent(person_id=person.person_id, local_date=local_date(person, now), key=key, now=now)


def _check_side(store: OneOnOneStore, pair: Pair | None, person_id: int) -> Pair:
    if pair is None:
        raise OneOnOneError("this one-on-one does not exist (any more)")
    if person_id not in (pair.manager_id, pair.rep_id):
        raise NotAllowed(f"person {person_id} is not part of one-on-one {pair.id}")
    if not stands(store, pair):
        raise OneOnOneError("this one-on-one has ended: the rep no longer reports to this manager")
    return pair
