"""Complaints: logged for an account (by Slack, a cases import or the webhook), owned by one person, due within
working hours; the owner told at once (or when their working time starts) and nudged at half the time, their
manager told when it is overdue, each once; Resolve and Snooze by the owner only; the digest's figures."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from statistics import median
from typing import Literal, Protocol

from coaching.access import NotAllowed
from coaching.clicks import StaleClick, check_order
from coaching.complaints.hours import add_working_hours, midway, working_hours_between
from coaching.timing import Holidays, Person
from surveys.availability import DEFAULT_WORKING_TIME, WorkingTime

DEFAULT_HOURS = 4.0  # working hours to answer a complaint (SALESCOACH_COMPLAINT_HOURS)
SNOOZE_HOURS = (1, 2, 4)  # working hours a snooze adds: at most one more default answer time
MAX_TEXT = 3000  # characters of a complaint's text
Source = Literal["slack", "import", "webhook"]
Refusal = Literal["no_account", "no_owner", "text_empty", "text_too_long", "not_owner"]


class ComplaintError(ValueError):
    """A complaint or an action the rules refuse; `reason` names the rule (bot/ says it in the person's language)."""

    def __init__(self, reason: Refusal, detail: str = "") -> None:
        super().__init__(detail or reason)
        self.reason = reason


@dataclass(frozen=True)
class Complaint:
    id: int
    account_id: int | None
    owner_id: int | None  # None once the owner was erased
    logged_by: int | None  # None for imports and the webhook, and once the person who logged it was erased
    text: str
    source: str
    opened_at: datetime
    due_at: datetime
    half_at: datetime | None  # when the owner is nudged next (None: no nudge pending)
    halves_sent: int = 0
    rearmed: bool = False  # a snooze re-armed the half-time nudge (once)
    overdue_told_at: datetime | None = None
    resolved_at: datetime | None = None
    snoozes: int = 0
    external_id: str | None = None

    @property
    def open(self) -> bool:
        return self.resolved_at is None

    def overdue(self, now: datetime) -> bool:
        return self.open and now >= self.due_at

    @property
    def half_key(self) -> str:
        """The outbox key of the half-time nudge pending (the first, or the one a snooze re-armed)."""
        return f"complaint:{self.id}:half" if not self.halves_sent else f"complaint:{self.id}:half:{self.halves_sent}"


@dataclass(frozen=True)
class Account:
    id: int
    name: str
    owner_id: int | None


@dataclass(frozen=True)
class Case:
    """A complaint as a cases import or the webhook brings it (owner None: the account's owner)."""

    external_id: str
    account_id: int
    owner_id: int | None
    opened_at: datetime
    text: str
    resolved_at: datetime | None = None


@dataclass(frozen=True)
class ComplaintCounts:
    """A manager's reports' complaints: open now, of them overdue, and the median working hours to resolve those
    resolved in the period, at one decimal (None when none was)."""

    open: int
    overdue: int
    resolved: int
    median_hours: float | None


class ComplaintStore(Protocol):
    def account(self, account_id: int) -> Account | None: ...
    def person(self, person_id: int) -> Person | None:
        """An active person with their time zone and team; None when gone or inactive."""
        ...

    def holidays(self) -> dict[int, frozenset[date]]: ...
    def manager_of(self, person_id: int) -> int | None: ...
    def complaint(self, complaint_id: int, *, lock: bool = False) -> Complaint | None: ...
    def by_origin(self, origin: str) -> Complaint | None: ...
    def by_external_id(self, external_id: str) -> Complaint | None: ...
    def add(self, complaint: Complaint, *, origin: str | None) -> Complaint:
        """Store a new complaint (its id is ignored) and give it back with its id."""
        ...

    def save(self, complaint: Complaint, *, action_ts: str | None = None) -> None: ...
    def last_click(self, complaint_id: int) -> str | None:
        """Slack's action_ts of the last click recorded on it."""
        ...

    def due(self, now: datetime) -> list[Complaint]:
        """Open complaints with a half-time nudge due, or overdue and their manager not yet told."""
        ...


class ComplaintMessenger(Protocol):
    def tell_owner(self, complaint: Complaint, *, owner: Person, not_before: datetime, key: str | None = None) -> None:
        """The owner's DM under `key` (default complaint:{id}; complaint:{id}:owner:{person} for a new owner)."""
        ...
    def nudge_owner(self, complaint: Complaint, *, owner: Person, key: str, not_before: datetime) -> None: ...
    def tell_manager(self, complaint: Complaint, *, manager: Person, not_before: datetime) -> None: ...


def _due_times(store: ComplaintStore, owner_id: int | None, opened_at: datetime, hours: float,
               working: WorkingTime, holidays: Holidays | None = None) -> tuple[datetime, datetime | None]:
    """The due time and the half-time nudge's, in the owner's time zone and working time (UTC and no nudge when
    there is no owner to count for)."""
    owner = store.person(owner_id) if owner_id is not None else None
    tz, team = (owner.tz, owner.team_id) if owner is not None else ("UTC", -1)
    days = (holidays if holidays is not None else store.holidays()).get(team, frozenset())
    due = add_working_hours(opened_at, hours, tz=tz, holidays=days, working=working)
    half = add_working_hours(opened_at, hours / 2, tz=tz, holidays=days, working=working)
    return due, half if owner is not None else None


def log_complaint(store: ComplaintStore, messenger: ComplaintMessenger, *, account_id: int | None, text: str,
                  owner_id: int | None, logged_by: int, now: datetime, origin: str,
                  hours: float = DEFAULT_HOURS, working: WorkingTime = DEFAULT_WORKING_TIME) -> Complaint:
    """A complaint logged in Slack: for an account, owned by `owner_id`, else the account's owner, else the
    person logging it; the owner told once. The same modal submitted again (`origin`) gives back what it added."""
    earlier = store.by_origin(origin)
    if earlier is not None:
        if earlier.logged_by != logged_by:
            raise NotAllowed("a complaint logged by someone else")
        return earlier
    account = store.account(account_id) if account_id is not None else None
    if account is None:
        raise ComplaintError("no_account", "a complaint is about one stored account")
    text = text.strip()
    if not text:
        raise ComplaintError("text_empty", "a complaint says what the customer complained about")
    if len(text) > MAX_TEXT:
        raise ComplaintError("text_too_long", f"a complaint has at most {MAX_TEXT} characters, got {len(text)}")
    candidates = [owner_id] if owner_id is not None else [account.owner_id, logged_by]  # the account's, else theirs
    owner = next((p for p in candidates if p is not None and store.person(p) is not None), None)
    if owner is None:
        raise ComplaintError("no_owner", "the owner is not an active person of the roster")
    due, half = _due_times(store, owner, now, hours, working)
    added = store.add(Complaint(0, account.id, owner, logged_by, text, "slack", now, due, half), origin=origin)
    _tell(store, messenger, added, now=now, working=working)
    return added


def receive_cases(store: ComplaintStore, messenger: ComplaintMessenger, cases: Sequence[Case], *, source: Source,
                  now: datetime, hours: float = DEFAULT_HOURS,
                  working: WorkingTime = DEFAULT_WORKING_TIME) -> tuple[int, int, int]:
    """Cases from an import or the webhook, by external id: a new one added (its open owner told), a known one
    updated (never a second complaint). (added, updated, unchanged)."""
    holidays = store.holidays()
    added = updated = unchanged = 0
    for case in cases:
        account = store.account(case.account_id)
        owner = case.owner_id or (account.owner_id if account is not None else None)
        before = store.by_external_id(case.external_id)
        if before is None:
            due, half = _due_times(store, owner, case.opened_at, hours, working, holidays)
            closed = case.resolved_at is not None
            complaint = store.add(Complaint(0, case.account_id, owner, None, case.text, source, case.opened_at, due,
                                            None if closed else half, resolved_at=case.resolved_at,
                                            external_id=case.external_id), origin=None)
            added += 1
            if complaint.open:
                _tell(store, messenger, complaint, now=now, working=working)
            continue
        after = replace(before, account_id=case.account_id, owner_id=owner, text=case.text,
                        resolved_at=before.resolved_at if case.resolved_at is None else case.resolved_at)
        if (after.opened_at, after.owner_id) != (case.opened_at, before.owner_id):
            due, half = _due_times(store, owner, case.opened_at, hours, working, holidays)
            after = replace(after, opened_at=case.opened_at, due_at=due,
                            half_at=half if not before.halves_sent else before.half_at)
        if after == before:
            unchanged += 1
            continue
        store.save(after)
        updated += 1
        if after.open and after.owner_id != before.owner_id and after.owner_id is not None:
            _tell(store, messenger, after, now=now, working=working, key=f"complaint:{after.id}:owner:{owner}")
    return added, updated, unchanged


def _tell(store: ComplaintStore, messenger: ComplaintMessenger, complaint: Complaint, *, now: datetime,
          working: WorkingTime, key: str | None = None) -> None:
    owner = store.person(complaint.owner_id) if complaint.owner_id is not None else None
    if owner is None:
        return
    days = store.holidays().get(owner.team_id, frozenset())
    messenger.tell_owner(complaint, owner=owner, not_before=working.next_moment(now, owner.tz, days), key=key)


def _owned(store: ComplaintStore, complaint_id: int, person_id: int, action_ts: str | None) -> Complaint:
    complaint = store.complaint(complaint_id, lock=True)
    if complaint is None or complaint.owner_id != person_id:
        raise ComplaintError("not_owner", "only the complaint's owner may resolve or snooze it")
    check_order(action_ts, store.last_click(complaint_id))
    return complaint


def resolve(store: ComplaintStore, *, complaint_id: int, person_id: int, now: datetime,
            action_ts: str | None = None) -> Complaint:
    """The owner resolves it (once: resolving it again changes nothing and raises StaleClick)."""
    complaint = _owned(store, complaint_id, person_id, action_ts)
    if not complaint.open:
        raise StaleClick("resolved already")
    done = replace(complaint, resolved_at=now, half_at=None)
    store.save(done, action_ts=action_ts)
    return done


def snooze(store: ComplaintStore, *, complaint_id: int, person_id: int, hours: int, now: datetime,
           action_ts: str | None = None, working: WorkingTime = DEFAULT_WORKING_TIME) -> Complaint:
    """The owner moves the due time by `hours` working hours (one of SNOOZE_HOURS) from the due time, or from now
    when it is past; the half-time nudge moves to half the new time, and a nudge already sent is re-armed once."""
    if hours not in SNOOZE_HOURS:
        raise ValueError(f"a snooze is one of {SNOOZE_HOURS} working hours, not {hours}")
    complaint = _owned(store, complaint_id, person_id, action_ts)
    if not complaint.open:
        raise StaleClick("resolved already")
    owner = store.person(person_id)
    tz, team = (owner.tz, owner.team_id) if owner is not None else ("UTC", -1)
    days = store.holidays().get(team, frozenset())
    due = add_working_hours(max(complaint.due_at, now), hours, tz=tz, holidays=days, working=working)
    half = midway(now, due, tz=tz, holidays=days, working=working)
    pending, rearm = complaint.half_at is not None, complaint.half_at is None and not complaint.rearmed
    moved = replace(complaint, due_at=due, snoozes=complaint.snoozes + 1, half_at=half if pending or rearm else None,
                    rearmed=complaint.rearmed or rearm)
    store.save(moved, action_ts=action_ts)
    return moved


def send_due(store: ComplaintStore, messenger: ComplaintMessenger, *, now: datetime,
             working: WorkingTime = DEFAULT_WORKING_TIME) -> tuple[int, int]:
    """The `complaints` job: each half-time nudge and each overdue word due now, once; (nudges, overdue)."""
    holidays = store.holidays()
    nudged = told = 0
    for complaint in store.due(now):
        owner = store.person(complaint.owner_id) if complaint.owner_id is not None else None
        after = complaint
        if complaint.half_at is not None and complaint.half_at <= now:
            if owner is not None and now < complaint.due_at:
                days = holidays.get(owner.team_id, frozenset())
                messenger.nudge_owner(complaint, owner=owner, key=complaint.half_key,
                                      not_before=working.next_moment(now, owner.tz, days))
                nudged += 1
            after = replace(after, half_at=None, halves_sent=complaint.halves_sent + 1)
        if complaint.overdue_told_at is None and now >= complaint.due_at:
            manager_id = store.manager_of(complaint.owner_id) if complaint.owner_id is not None else None
            manager = store.person(manager_id) if manager_id is not None else None
            if manager is not None:
                days = holidays.get(manager.team_id, frozenset())
                messenger.tell_manager(complaint, manager=manager,
                                       not_before=working.next_moment(now, manager.tz, days))
                told += 1
            after = replace(after, overdue_told_at=now, half_at=None)
        if after != complaint:
            store.save(after)
    return nudged, told


def counts(complaints: Sequence[Complaint], owners: dict[int, Person], *, start: datetime, now: datetime,
           holidays: Holidays, working: WorkingTime = DEFAULT_WORKING_TIME) -> ComplaintCounts:
    """Of these complaints: open now, overdue now, resolved in [start, now) and their median working hours from
    opened to resolved, in each owner's working time."""
    opened = [c for c in complaints if c.open]
    hours = []
    for c in complaints:
        if c.resolved_at is not None and start <= c.resolved_at < now:
            owner = owners.get(c.owner_id) if c.owner_id is not None else None
            tz, days = (owner.tz, holidays.get(owner.team_id, frozenset())) if owner else ("UTC", frozenset[date]())
            hours.append(working_hours_between(c.opened_at, c.resolved_at, tz=tz, holidays=days, working=working))
    return ComplaintCounts(len(opened), sum(1 for c in opened if c.overdue(now)), len(hours),
                           _one_decimal(median(hours)) if hours else None)


def _one_decimal(value: float) -> float:
    return int(value * 10 + 0.5 + 1e-9) / 10
