"""Complaints over SQL, on SQLite and PostgreSQL, through the domain use cases: due in the owner's working hours,
the owner told and nudged at half time, the manager told when overdue, each once; Resolve and Snooze by the owner
only, a late click changing nothing; cases by external id never duplicated; the digest's figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from conftest import seed_team

from coaching.access import NotAllowed
from coaching.clicks import StaleClick
from coaching.complaints import service
from coaching.complaints.service import Case, Complaint, ComplaintError
from coaching.timing import Person
from storage.complaints.repository import ComplaintRepository
from storage.crm.models import CrmAccount
from storage.db import make_engine, make_sessions

FRIDAY = datetime(2026, 12, 11, 15, 30, tzinfo=UTC)  # Friday 17:30 in Vilnius (the manager UMGR, rep UREP2)


@dataclass
class Told:
    sent: list[tuple[str, int, int, datetime]] = field(default_factory=list)  # (what, complaint, person, not before)

    def tell_owner(self, complaint: Complaint, *, owner: Person, not_before: datetime, key: str | None = None) -> None:
        self.sent.append(("told" if key is None else "new owner", complaint.id, owner.person_id, not_before))

    def nudge_owner(self, complaint: Complaint, *, owner: Person, key: str, not_before: datetime) -> None:
        self.sent.append((key.split(":", 2)[2], complaint.id, owner.person_id, not_before))

    def tell_manager(self, complaint: Complaint, *, manager: Person, not_before: datetime) -> None:
        self.sent.append(("overdue", complaint.id, manager.person_id, not_before))


@pytest.fixture
def sessions(migrated_database_url):
    engine = make_engine(migrated_database_url)
    yield make_sessions(engine)
    engine.dispose()


@pytest.fixture
def ids(sessions) -> dict[str, int]:
    with sessions.begin() as session:
        ids = seed_team(session)
        account = CrmAccount(name="Acme", owner_id=ids["UREP2"])
        session.add_all([account, CrmAccount(name="Globex")])
        session.flush()
        return {**ids, "acme": account.id}


def at(now: datetime, sessions):
    class Unit:
        def __enter__(self) -> ComplaintRepository:
            self.ctx = sessions.begin()
            store = ComplaintRepository(self.ctx.__enter__())
            store.now = now
            return store

        def __exit__(self, *exc) -> None:
            self.ctx.__exit__(*exc)
    return Unit()


def test_a_friday_evening_complaint_is_due_monday_and_nudges_owner_then_manager_once(sessions, ids):
    told = Told()
    with at(FRIDAY, sessions) as store:
        complaint = service.log_complaint(store, told, account_id=ids["acme"], text="Invoice wrong", owner_id=None,
                                          logged_by=ids["UMGR"], now=FRIDAY, origin="view:V1")
    assert complaint.owner_id == ids["UREP2"]  # the account's owner
    assert complaint.due_at == datetime(2026, 12, 14, 10, 30, tzinfo=UTC)  # Monday 12:30 in Vilnius
    assert told.sent == [("told", complaint.id, ids["UREP2"], FRIDAY)]  # inside working time: at once
    monday_half = datetime(2026, 12, 14, 8, 30, tzinfo=UTC)  # 10:30, two working hours on
    for now in (monday_half - timedelta(minutes=5), monday_half, monday_half + timedelta(minutes=5)):
        with at(now, sessions) as store:
            service.send_due(store, told, now=now)
    assert told.sent[1:] == [("half", complaint.id, ids["UREP2"], monday_half)]
    due = complaint.due_at
    for now in (due, due + timedelta(minutes=5)):
        with at(now, sessions) as store:
            service.send_due(store, told, now=now)
    assert told.sent[2:] == [("overdue", complaint.id, ids["UMGR"], due)]


def test_only_the_owner_resolves_or_snoozes_and_a_late_click_changes_nothing(sessions, ids):
    told = Told()
    with at(FRIDAY, sessions) as store:
        complaint = service.log_complaint(store, told, account_id=ids["acme"], text="Late delivery",
                                          owner_id=ids["UREP0"], logged_by=ids["UREP0"], now=FRIDAY, origin="v:1")
        again = service.log_complaint(store, told, account_id=ids["acme"], text="Late delivery",
                                      owner_id=ids["UREP0"], logged_by=ids["UREP0"], now=FRIDAY, origin="v:1")
        assert again.id == complaint.id and len(told.sent) == 1  # the same modal again adds nothing
        saturday = FRIDAY + timedelta(days=1)  # outside working time: told when the owner's Monday starts
        service.log_complaint(store, told, account_id=ids["acme"], text="Weekend outage", owner_id=ids["UREP2"],
                              logged_by=ids["UREP0"], now=saturday, origin="v:sat")
        assert told.sent[-1][3] == datetime(2026, 12, 14, 7, 0, tzinfo=UTC)  # 09:00 in Vilnius
        with pytest.raises(ComplaintError):
            service.snooze(store, complaint_id=complaint.id, person_id=ids["UREP1"], hours=1, now=FRIDAY)
        with pytest.raises(NotAllowed):
            service.log_complaint(store, told, account_id=ids["acme"], text="x", owner_id=None,
                                  logged_by=ids["UREP1"], now=FRIDAY, origin="v:1")
        moved = service.snooze(store, complaint_id=complaint.id, person_id=ids["UREP0"], hours=2, now=FRIDAY,
                               action_ts="100.2")
        assert moved.due_at > complaint.due_at and moved.snoozes == 1
        with pytest.raises(StaleClick):  # an older copy of a click arriving late
            service.resolve(store, complaint_id=complaint.id, person_id=ids["UREP0"], now=FRIDAY, action_ts="100.1")
        done = service.resolve(store, complaint_id=complaint.id, person_id=ids["UREP0"], now=FRIDAY,
                               action_ts="100.3")
        assert done.resolved_at == FRIDAY
        with pytest.raises(StaleClick):
            service.snooze(store, complaint_id=complaint.id, person_id=ids["UREP0"], hours=1, now=FRIDAY,
                           action_ts="100.4")


def test_a_snooze_after_the_half_time_nudge_re_arms_it_once(sessions, ids):
    told = Told()
    with at(FRIDAY, sessions) as store:
        complaint = service.log_complaint(store, told, account_id=ids["acme"], text="Broken part", owner_id=None,
                                          logged_by=ids["UREP2"], now=FRIDAY, origin="v:2")
    half = datetime(2026, 12, 14, 8, 30, tzinfo=UTC)
    with at(half, sessions) as store:
        service.send_due(store, told, now=half)
        service.snooze(store, complaint_id=complaint.id, person_id=ids["UREP2"], hours=4, now=half)
        assert store.complaint(complaint.id).due_at == datetime(2026, 12, 14, 14, 30, tzinfo=UTC)  # 12:30 + 4 h
    later = datetime(2026, 12, 14, 11, 30, tzinfo=UTC)  # half of 10:30 to 16:30
    with at(later, sessions) as store:
        service.send_due(store, told, now=later)
        service.snooze(store, complaint_id=complaint.id, person_id=ids["UREP2"], hours=1, now=later)
    due = datetime(2026, 12, 14, 15, 30, tzinfo=UTC)  # 16:30 + 1 h in Vilnius
    with at(due, sessions) as store:
        service.send_due(store, told, now=due)
    assert [s[0] for s in told.sent] == ["told", "half", "half:1", "overdue"]  # no third nudge


def test_cases_by_external_id_are_added_once_and_updated_after(sessions, ids):
    told = Told()
    opened = FRIDAY - timedelta(days=1)
    cases = [Case("C-1", ids["acme"], None, opened, "Wrong invoice"),
             Case("C-2", ids["acme"], ids["UREP1"], opened, "Old one", resolved_at=opened + timedelta(hours=3))]
    with at(FRIDAY, sessions) as store:
        assert service.receive_cases(store, told, cases, source="import", now=FRIDAY) == (2, 0, 0)
        assert service.receive_cases(store, told, cases, source="import", now=FRIDAY) == (0, 0, 2)
        fixed = [Case("C-1", ids["acme"], None, opened, "Wrong invoice", resolved_at=FRIDAY)]
        assert service.receive_cases(store, told, fixed, source="import", now=FRIDAY) == (0, 1, 0)
        assert store.by_external_id("C-1").resolved_at == FRIDAY
        moved = [Case("C-3", ids["acme"], None, opened, "Open"), Case("C-3", ids["acme"], ids["UREP0"], opened, "Open")]
        assert service.receive_cases(store, told, moved[:1], source="import", now=FRIDAY) == (1, 0, 0)
        assert service.receive_cases(store, told, moved[1:], source="import", now=FRIDAY) == (0, 1, 0)
    assert [(s[0], s[2]) for s in told.sent] == [("told", ids["UREP2"]), ("told", ids["UREP2"]),
                                                 ("new owner", ids["UREP0"])]  # open cases' owners, once each


def test_digest_counts_open_overdue_and_the_median_working_hours_to_resolve(sessions, ids):
    with at(FRIDAY, sessions) as store:
        owners = store.people_of([ids["UREP2"]])
        monday = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)  # 10:00 in Vilnius
        complaints = [
            Complaint(1, None, ids["UREP2"], None, "a", "slack", monday, monday + timedelta(hours=4), None,
                      resolved_at=monday + timedelta(hours=1)),
            Complaint(2, None, ids["UREP2"], None, "b", "slack", monday, monday + timedelta(hours=4), None,
                      resolved_at=monday + timedelta(hours=3)),
            Complaint(3, None, ids["UREP2"], None, "c", "slack", monday, monday + timedelta(hours=4), None),
        ]
        got = service.counts(complaints, owners, start=FRIDAY - timedelta(days=7), now=FRIDAY,
                             holidays=store.holidays())
    assert got == service.ComplaintCounts(open=1, overdue=1, resolved=2, median_hours=2.0)
    assert service.counts([], {}, start=FRIDAY, now=FRIDAY, holidays={}).median_hours is None
