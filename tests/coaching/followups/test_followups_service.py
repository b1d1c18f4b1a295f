"""Follow-up nudge use cases over a fake store: a re-run sends nothing twice, a nudged deal stays quiet until its
snooze ends or its state changes, Done logs an activity on the rep's local date, Not relevant mutes for good."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from coaching.access import NotAllowed
from coaching.followups.rules import DealState, Mute, Snooze, Threshold
from coaching.followups.service import NudgeError, mark_done, mute, send_followup_digests, send_rep_nudges, snooze
from coaching.timing import Person

REP, OTHER_REP, MANAGER, OTHER_MANAGER = 1, 2, 9, 8


class FakeNudgeStore:
    def __init__(self, people: list[Person], deals: list[DealState]) -> None:
        self.everyone = people
        self.deals = {d.deal_id: d for d in deals}
        self.snoozed: dict[tuple[int, str], Snooze] = {}
        self.muted: set[tuple[int, str]] = set()
        self.log: dict[str, datetime] = {}
        self.activities: list[tuple[int, date]] = []
        self.days_off: dict[int, frozenset[date]] = {}
        self.settings: list[Threshold] = []
        self.clicks: dict[tuple[int, str], str | None] = {}

    def people(self) -> list[Person]:
        return list(self.everyone)

    def person(self, person_id: int) -> Person | None:
        return next((p for p in self.everyone if p.person_id == person_id), None)

    def holidays(self) -> dict[int, frozenset[date]]:
        return self.days_off

    def sent_keys(self, *, since: datetime) -> set[str]:
        return {k for k, at in self.log.items() if at >= since}

    def record_sent(self, *, person_id, local_date, key, now, deal_id=None) -> bool:
        added = key not in self.log
        self.log.setdefault(key, now)
        return added

    def open_deals(self, *, owner_ids):
        return [d for d in self.deals.values() if d.owner_id in owner_ids and d.outcome == "open"]

    def deal(self, deal_id):
        return self.deals.get(deal_id)

    def snoozes(self, *, deal_ids):
        return [s for (d, _), s in self.snoozed.items() if d in deal_ids]

    def mutes(self, *, deal_ids):
        return [Mute(d, r) for d, r in self.muted if d in deal_ids]

    def hold(self, *, deal_id, rule, fingerprint, until, now, action_ts=None) -> None:
        self.snoozed[(deal_id, rule)] = Snooze(deal_id, rule, fingerprint, until)
        self.clicks[(deal_id, rule)] = action_ts

    def mute(self, *, deal_id, rule, now, action_ts=None) -> None:
        self.muted.add((deal_id, rule))
        self.clicks[(deal_id, rule)] = action_ts

    def last_click(self, *, deal_id, rules):
        stamps = [self.clicks.get((deal_id, r)) for r in rules]
        return max((s for s in stamps if s), key=float, default=None)

    def log_activity(self, *, deal_id, day, now):
        self.activities.append((deal_id, day))
        deal = self.deals[deal_id]
        self.deals[deal_id] = replace(deal, last_activity_on=max(day, deal.last_activity_on or day))
        return self.deals[deal_id]

    def thresholds(self):
        return self.settings


class FakeMessenger:
    def __init__(self) -> None:
        self.sent: list[tuple[str, int, object]] = []

    def send_rep_nudge(self, rep, nudge) -> None:
        self.sent.append(("nudge", rep.person_id, nudge))

    def send_followup_digest(self, manager, digest) -> None:
        self.sent.append(("digest", manager.person_id, digest))

    def items(self) -> list[tuple[int, int, tuple[str, ...]]]:
        return [(person, i.deal.deal_id, i.rules) for kind, person, n in self.sent if kind == "nudge"
                for i in n.items]  # type: ignore[attr-defined]


PEOPLE = [Person(REP, 1, "Pacific/Kiritimati", manager_id=MANAGER), Person(OTHER_REP, 2, "America/Los_Angeles",
                                                                            manager_id=OTHER_MANAGER),
          Person(MANAGER, 1, "Pacific/Auckland", role="manager"),
          Person(OTHER_MANAGER, 2, "America/Los_Angeles", role="manager")]
OLD = date(2026, 10, 1)
# Monday 23 November 2026, 09:30 in Kiritimati (UTC+14)
MONDAY = datetime(2026, 11, 22, 19, 30, tzinfo=UTC)


def deal(deal_id: int, owner: int = REP, amount: float = 1000.0, **fields) -> DealState:
    values = {"stage": "Proposal", "last_activity_on": OLD, "stage_changed_on": date(2026, 11, 20), **fields}
    return DealState(deal_id, f"D-{deal_id}", owner, "Acme", amount, **values)


def for_rep(store: FakeNudgeStore, now: datetime, **kwargs) -> list:
    """The nudges to REP (in Kiritimati) a run at `now` sends; the Los Angeles rep's go their own way."""
    return [n for n in send_rep_nudges(store, FakeMessenger(), now=now, **kwargs) if n.rep_id == REP]


@pytest.fixture
def store() -> FakeNudgeStore:
    return FakeNudgeStore(PEOPLE, [deal(1, amount=5000), deal(2, amount=100), deal(3, owner=OTHER_REP)])


def test_a_rerun_job_sends_nothing_twice(store):
    messenger = FakeMessenger()
    first = send_rep_nudges(store, messenger, now=MONDAY)
    assert [n.key for n in first] == ["nudge:1:2026-11-23"]
    for minutes in (0, 1, 60):
        assert send_rep_nudges(store, messenger, now=MONDAY + timedelta(minutes=minutes)) == []
    assert messenger.items() == [(REP, 1, ("no_activity",)), (REP, 2, ("no_activity",))]
    assert {"nudge:1:2026-11-23", "nudge:no_activity:1:2026-11-23", "nudge:no_activity:2:2026-11-23"} <= set(store.log)


def test_a_nudged_deal_is_not_nudged_again_until_its_state_changes(store):
    messenger = FakeMessenger()
    send_rep_nudges(store, messenger, now=MONDAY)
    assert for_rep(store, MONDAY + timedelta(days=1)) == []
    store.deals[2] = replace(store.deals[2], next_step_on=date(2026, 11, 20))  # the next CRM import changed it
    [again] = for_rep(store, MONDAY + timedelta(days=2))
    assert again.key == "nudge:1:2026-11-25" and [i.rules for i in again.items] == [("next_step_overdue",
                                                                                      "no_activity")]


def test_the_rest_of_a_long_list_follows_on_later_mornings(store):
    store.deals = {n: deal(n, amount=n * 10.0) for n in range(1, 8)}
    messenger = FakeMessenger()
    first = send_rep_nudges(store, messenger, now=MONDAY, top=5)[0]
    second = send_rep_nudges(store, messenger, now=MONDAY + timedelta(days=1), top=5)[0]
    assert [i.deal.deal_id for i in first.items] == [7, 6, 5, 4, 3] and first.more == 2
    assert [i.deal.deal_id for i in second.items] == [2, 1] and second.more == 0


def test_a_snoozed_deal_comes_back_the_first_working_morning_after_the_snooze_ends(store):
    messenger = FakeMessenger()
    send_rep_nudges(store, messenger, now=MONDAY)
    until = snooze(store, deal_id=1, rules=["no_activity"], days=3, person_id=REP, now=MONDAY + timedelta(hours=1))
    assert until == MONDAY + timedelta(days=3, hours=1)
    assert for_rep(store, MONDAY + timedelta(days=3)) == []  # Thursday 09:30, still snoozed
    [back] = for_rep(store, MONDAY + timedelta(days=3, hours=1))
    assert back.local_date == date(2026, 11, 26) and [i.deal.deal_id for i in back.items] == [1]


def test_a_snooze_ending_on_a_weekend_waits_for_monday(store):
    messenger = FakeMessenger()
    send_rep_nudges(store, messenger, now=MONDAY)
    friday = MONDAY + timedelta(days=4)
    snooze(store, deal_id=1, rules=["no_activity"], days=1, person_id=REP, now=friday)
    assert for_rep(store, friday + timedelta(days=1, hours=2)) == []  # Saturday
    [back] = for_rep(store, friday + timedelta(days=3))
    assert back.local_date == date(2026, 11, 30) and [i.deal.deal_id for i in back.items] == [1]


def test_done_logs_an_activity_on_the_reps_local_date_and_keeps_the_deal_quiet(store):
    send_rep_nudges(store, FakeMessenger(), now=MONDAY)
    store.deals[1] = replace(store.deals[1], next_step_on=date(2026, 11, 20))  # due for a second reason too
    after = mark_done(store, deal_id=1, rules=["next_step_overdue", "no_activity"], person_id=REP, now=MONDAY)
    assert store.activities == [(1, date(2026, 11, 23))]  # Monday in Kiritimati, Sunday in UTC
    assert after.last_activity_on == date(2026, 11, 23)
    assert for_rep(store, MONDAY + timedelta(days=1)) == []


def test_not_relevant_mutes_that_rule_for_that_deal_for_good(store):
    mute(store, deal_id=1, rules=["no_activity"], person_id=REP, now=MONDAY)
    [nudge] = send_rep_nudges(store, FakeMessenger(), now=MONDAY)
    assert [i.deal.deal_id for i in nudge.items] == [2]
    store.deals[1] = replace(store.deals[1], last_activity_on=date(2026, 10, 2), next_step_on=date(2026, 11, 1))
    [later] = for_rep(store, MONDAY + timedelta(days=1))
    assert [(i.deal.deal_id, i.rules) for i in later.items] == [(1, ("next_step_overdue",))]


def test_only_the_deals_owner_may_press_its_buttons_and_only_with_known_rules_and_days(store):
    with pytest.raises(NotAllowed):
        snooze(store, deal_id=3, rules=["no_activity"], days=1, person_id=REP, now=MONDAY)
    with pytest.raises(NudgeError, match="1, 3, 7"):
        snooze(store, deal_id=1, rules=["no_activity"], days=5, person_id=REP, now=MONDAY)
    with pytest.raises(NudgeError, match="rules must be"):
        mute(store, deal_id=1, rules=["because"], person_id=REP, now=MONDAY)
    with pytest.raises(NudgeError, match="does not exist"):
        mark_done(store, deal_id=99, rules=["no_activity"], person_id=REP, now=MONDAY)
    assert store.snoozed == {} and store.muted == set() and store.activities == []


def test_stored_team_thresholds_decide_what_is_due(store):
    store.deals = {1: deal(1, last_activity_on=date(2026, 11, 16))}  # 7 days without activity
    assert send_rep_nudges(store, FakeMessenger(), now=MONDAY) == []
    store.settings = [Threshold(1, "proposal", stale_after_days=5)]
    assert len(send_rep_nudges(store, FakeMessenger(), now=MONDAY)) == 1


def test_each_manager_is_sent_only_their_own_reports_once_a_week(store):
    messenger = FakeMessenger()
    auckland_monday = datetime(2026, 11, 22, 20, 30, tzinfo=UTC)
    [digest] = send_followup_digests(store, messenger, now=auckland_monday)
    assert digest.manager_id == MANAGER and [r.rep_id for r in digest.reps] == [REP]
    la_monday = datetime(2026, 11, 23, 17, 30, tzinfo=UTC)
    [other] = send_followup_digests(store, messenger, now=la_monday)
    assert other.manager_id == OTHER_MANAGER and [r.rep_id for r in other.reps] == [OTHER_REP]
    assert send_followup_digests(store, messenger, now=la_monday + timedelta(days=1)) == []
    assert [(kind, person) for kind, person, _ in messenger.sent] == [("digest", MANAGER), ("digest", OTHER_MANAGER)]
