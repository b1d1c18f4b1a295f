"""One-on-one use cases over a fake store: /oneonone for own reports only, agenda items from either side,
Held carries talking points over, and a re-run of the nudge job sends nothing twice."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import pytest

from coaching.access import NotAllowed
from coaching.one_on_ones.meetings import AgendaItem, Meeting, OneOnOneError, Pair
from coaching.one_on_ones.prep import build_prep
from coaching.one_on_ones.service import (
    add_item,
    agenda_of,
    complete_item,
    record_outcome,
    send_one_on_one_nudges,
    send_recognition_gaps,
    set_one_on_one,
)
from coaching.timing import Person

MANAGER, REP, OTHER_MANAGER, OTHER_REP = 1, 2, 3, 4
PEOPLE = [Person(MANAGER, 1, "America/Los_Angeles", role="manager"),
          Person(REP, 1, "Pacific/Auckland", manager_id=MANAGER),
          Person(OTHER_MANAGER, 2, "Pacific/Kiritimati", role="manager"),
          Person(OTHER_REP, 2, "America/Los_Angeles", manager_id=OTHER_MANAGER)]
SET_AT = datetime(2026, 11, 17, 18, 0, tzinfo=UTC)  # Tuesday 17 November, 10:00 in Los Angeles


class FakeOneOnOneStore:
    def __init__(self) -> None:
        self.pairs_by_id: dict[int, Pair] = {}
        self.held: dict[tuple[int, date], Meeting] = {}
        self.items: dict[int, AgendaItem] = {}
        self.origins: dict[str, int] = {}
        self.log: dict[str, datetime] = {}
        self.recognised: dict[int, date | None] = {}
        self.first_seen: dict[int, date] = {}

    def people(self):
        return list(PEOPLE)

    def person(self, person_id):
        return next((p for p in PEOPLE if p.person_id == person_id), None)

    def holidays(self):
        return {}

    def sent_keys(self, *, since):
        return {k for k, at in self.log.items() if at >= since}

    def record_sent(self, *, person_id, local_date, key, now, deal_id=None):
        return self.log.setdefault(key, now) == now

    def pairs(self):
        return list(self.pairs_by_id.values())

    def pair(self, pair_id):
        return self.pairs_by_id.get(pair_id)

    def pair_of(self, *, manager_id, rep_id):
        return next((p for p in self.pairs_by_id.values() if (p.manager_id, p.rep_id) == (manager_id, rep_id)), None)

    def set_pair(self, *, manager_id, rep_id, cadence, now):
        found = self.pair_of(manager_id=manager_id, rep_id=rep_id)
        pair = Pair(found.id if found else len(self.pairs_by_id) + 1, manager_id, rep_id, cadence)
        self.pairs_by_id[pair.id] = pair
        return pair

    def meetings(self, *, pair_ids):
        return [m for m in self.held.values() if m.pair_id in pair_ids]

    def record_meeting(self, *, pair_id, day, outcome, moved_to, recorded_by, now, action_ts=None):
        self.held[(pair_id, day)] = Meeting(pair_id, day, outcome, moved_to, action_ts)

    def agenda_items(self, *, pair_ids):
        return [i for i in self.items.values() if i.pair_id in pair_ids and not i.done]

    def item(self, item_id):
        return self.items.get(item_id)

    def add_item(self, *, pair_id, author_id, text, kind, owner_id, due, now, origin=None):
        if origin in self.origins:
            return self.items[self.origins[origin]]
        new = AgendaItem(len(self.items) + 1, pair_id, author_id, text, kind, now, owner_id, due)
        self.items[new.id] = new
        if origin:
            self.origins[origin] = new.id
        return new

    def complete_item(self, *, item_id, now):
        self.items[item_id] = replace(self.items[item_id], done=True)

    def mark_carried(self, *, item_ids):
        for item_id in item_ids:
            self.items[item_id] = replace(self.items[item_id], carried=True)

    def last_recognised(self, *, rep_ids):
        return {r: self.recognised.get(r) for r in rep_ids}

    def started_on(self, *, rep_ids):
        return {r: d for r, d in self.first_seen.items() if r in rep_ids}


class FakeMessenger:
    def __init__(self) -> None:
        self.sent: list[tuple[str, int, object, object]] = []

    def send_one_on_one_reminder(self, person, reminder, agenda, prep) -> None:
        self.sent.append(("reminder", person.person_id, agenda, prep))

    def ask_one_on_one_outcome(self, manager, prompt) -> None:
        self.sent.append(("outcome", manager.person_id, prompt, None))

    def send_one_on_one_overdue(self, manager, overdue) -> None:
        self.sent.append(("overdue", manager.person_id, overdue, None))

    def send_recognition_gap(self, manager, gap) -> None:
        self.sent.append(("gap", manager.person_id, gap, None))


class FakePrep:
    def __init__(self) -> None:
        self.asked: list[tuple[int, int, date | None]] = []

    def prep(self, *, rep_id, manager_id, since, today):
        self.asked.append((rep_id, manager_id, since))
        return build_prep(rep_id=rep_id, since=since, today=today, kpis={}, stale_deals=0, recent_wins=0,
                          recent_kudos=0, last_recognised_on=None, team_sentiment=None)


@pytest.fixture
def store() -> FakeOneOnOneStore:
    return FakeOneOnOneStore()


def test_a_manager_sets_a_cadence_for_their_own_report_in_their_time_zone(store):
    pair = set_one_on_one(store, manager_id=MANAGER, rep_id=REP, cadence="Weekly", weekday="monday", at="16:00",
                          now=SET_AT)
    assert (pair.cadence.kind, pair.cadence.weekday, pair.cadence.at, pair.cadence.anchor) == (
        "weekly", 0, time(16, 0), date(2026, 11, 17))
    again = set_one_on_one(store, manager_id=MANAGER, rep_id=REP, cadence="biweekly", weekday="tue", at="9:30",
                           now=SET_AT)
    assert again.id == pair.id and again.cadence.kind == "biweekly"


@pytest.mark.parametrize(("kwargs", "error"), [
    ({"rep_id": OTHER_REP}, NotAllowed),
    ({"cadence": "daily"}, OneOnOneError),
    ({"weekday": "someday"}, OneOnOneError),
    ({"at": "4pm"}, OneOnOneError),
])
def test_setting_a_cadence_refuses_other_managers_reports_and_bad_values(store, kwargs, error):
    values = {"manager_id": MANAGER, "rep_id": REP, "cadence": "weekly", "weekday": "mon", "at": "16:00", **kwargs}
    with pytest.raises(error):
        set_one_on_one(store, now=SET_AT, **values)
    assert store.pairs_by_id == {}


def test_either_side_adds_items_and_a_retried_button_adds_nothing_twice(store):
    set_one_on_one(store, manager_id=MANAGER, rep_id=REP, cadence="weekly", weekday="mon", at="16:00", now=SET_AT)
    point = add_item(store, author_id=REP, other_id=MANAGER, text="  pricing   question ", now=SET_AT, origin="v1")
    again = add_item(store, author_id=REP, other_id=MANAGER, text="pricing question", now=SET_AT, origin="v1")
    action = add_item(store, author_id=MANAGER, other_id=REP, text="send deck", kind="action", owner_id=REP,
                      due=date(2026, 11, 20), now=SET_AT)
    assert point == again and point.text == "pricing question" and len(store.items) == 2
    assert (action.owner_id, action.due) == (REP, date(2026, 11, 20))
    with pytest.raises(OneOnOneError, match="no one-on-one"):
        add_item(store, author_id=OTHER_REP, other_id=MANAGER, text="hi", now=SET_AT)
    with pytest.raises(OneOnOneError, match="owned by"):
        add_item(store, author_id=MANAGER, other_id=REP, text="x", kind="action", owner_id=OTHER_REP, now=SET_AT)
    with pytest.raises(NotAllowed):
        complete_item(store, item_id=action.id, person_id=OTHER_REP, now=SET_AT)


def test_held_carries_open_talking_points_and_action_items_stay_until_done(store):
    pair = set_one_on_one(store, manager_id=MANAGER, rep_id=REP, cadence="weekly", weekday="mon", at="16:00",
                          now=SET_AT)
    point = add_item(store, author_id=REP, other_id=MANAGER, text="pricing", now=SET_AT)
    action = add_item(store, author_id=MANAGER, other_id=REP, text="deck", kind="action", owner_id=REP, now=SET_AT)
    record_outcome(store, pair_id=pair.id, meeting_on=date(2026, 11, 16), outcome="held", person_id=MANAGER,
                   now=SET_AT + timedelta(hours=7))
    fresh = add_item(store, author_id=MANAGER, other_id=REP, text="hiring", now=SET_AT + timedelta(days=1))
    agenda = agenda_of(store, pair_id=pair.id, person_id=REP, now=SET_AT + timedelta(days=1))
    assert agenda is not None and agenda.meeting_on == date(2026, 11, 23)
    assert ([i.id for i in agenda.carried], [i.id for i in agenda.added], [i.id for i in agenda.actions]) == (
        [point.id], [fresh.id], [action.id])
    complete_item(store, item_id=action.id, person_id=REP, now=SET_AT + timedelta(days=2))
    later = agenda_of(store, pair_id=pair.id, person_id=MANAGER, now=SET_AT + timedelta(days=2))
    assert later is not None and later.actions == ()
    with pytest.raises(OneOnOneError, match="outcome is one of"):
        record_outcome(store, pair_id=pair.id, meeting_on=date(2026, 11, 23), outcome="cancelled", person_id=MANAGER,
                       now=SET_AT)


def test_a_rerun_nudge_job_sends_each_reminder_prompt_and_overdue_nudge_once(store):
    set_one_on_one(store, manager_id=MANAGER, rep_id=REP, cadence="weekly", weekday="mon", at="16:00", now=SET_AT)
    messenger, prep = FakeMessenger(), FakePrep()
    friday = datetime(2026, 11, 20, 17, 0, tzinfo=UTC)  # 09:00 Friday in Los Angeles
    for now in (friday, friday + timedelta(minutes=1), friday + timedelta(hours=3)):
        send_one_on_one_nudges(store, messenger, prep, now=now)
    assert [(kind, person, data is not None) for kind, person, _, data in messenger.sent] == [
        ("reminder", MANAGER, True)]
    assert prep.asked == [(REP, MANAGER, None)]
    auckland_monday = datetime(2026, 11, 22, 20, 0, tzinfo=UTC)
    for now in (auckland_monday, auckland_monday + timedelta(hours=1)):
        send_one_on_one_nudges(store, messenger, prep, now=now)
    assert [(kind, person) for kind, person, _, _ in messenger.sent][1:] == [("reminder", REP)]
    assert messenger.sent[1][3] is None  # the rep's reminder carries no data prep
    after_slot = datetime(2026, 11, 24, 0, 30, tzinfo=UTC)
    for now in (after_slot, after_slot + timedelta(minutes=5)):
        send_one_on_one_nudges(store, messenger, prep, now=now)
    assert [(kind, person) for kind, person, _, _ in messenger.sent][2:] == [("outcome", MANAGER)]


def test_the_overdue_nudge_and_recognition_gap_go_to_the_manager_once_a_week(store):
    set_one_on_one(store, manager_id=MANAGER, rep_id=REP, cadence="weekly", weekday="mon", at="16:00", now=SET_AT)
    store.recognised = {REP: date(2026, 9, 1), OTHER_REP: date(2026, 11, 1)}
    messenger = FakeMessenger()
    friday = datetime(2026, 11, 27, 17, 30, tzinfo=UTC)  # 10 days after the anchor: not yet
    send_one_on_one_nudges(store, messenger, FakePrep(), now=friday)
    assert [kind for kind, *_ in messenger.sent if kind == "overdue"] == []
    monday = datetime(2026, 11, 30, 17, 30, tzinfo=UTC)  # 13 days, none held
    for now in (monday, monday + timedelta(hours=1)):
        send_one_on_one_nudges(store, messenger, FakePrep(), now=now)
        send_recognition_gaps(store, messenger, now=now)
    kinds = [(kind, person) for kind, person, _, _ in messenger.sent if kind in ("overdue", "gap")]
    assert kinds == [("overdue", MANAGER), ("gap", MANAGER)]
    gap = next(value for kind, _, value, _ in messenger.sent if kind == "gap")
    assert (gap.rep_id, gap.days, gap.key) == (REP, 90, "recognition-gap:1:2:2026-W49")  # type: ignore[attr-defined]
