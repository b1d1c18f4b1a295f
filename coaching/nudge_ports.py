"""What follow-up nudges, one-on-ones and recognition gaps need from the outside world, as Protocols."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from typing import Protocol

from coaching.followups import DealState, FollowupDigest, Mute, RepNudge, Snooze, Threshold
from coaching.nudge_timing import Person
from coaching.one_on_ones import Agenda, AgendaItem, Cadence, Meeting, OutcomePrompt, Overdue, Pair, Reminder
from coaching.one_on_ones_prep import Prep, RecognitionGap


class NudgeLog(Protocol):
    """Who may be nudged, their holidays, and which idempotency keys were already sent."""

    def people(self) -> list[Person]:
        """Every active person, in id order."""
        ...

    def person(self, person_id: int) -> Person | None: ...

    def holidays(self) -> dict[int, frozenset[date]]:
        """By team id: the team's own holidays plus everyone's."""
        ...

    def sent_keys(self, *, since: datetime) -> set[str]:
        """The keys recorded since this moment."""
        ...

    def record_sent(self, *, person_id: int, local_date: date, key: str, now: datetime,
                    deal_id: int | None = None) -> bool:
        """Record a key once; True when this call added it."""
        ...


class NudgeStore(NudgeLog, Protocol):
    def open_deals(self, *, owner_ids: Collection[int]) -> list[DealState]:
        """Open deals of these owners; last activity is the later of the CRM's date and logged activities."""
        ...

    def deal(self, deal_id: int) -> DealState | None: ...
    def snoozes(self, *, deal_ids: Collection[int]) -> list[Snooze]: ...
    def mutes(self, *, deal_ids: Collection[int]) -> list[Mute]: ...

    def hold(self, *, deal_id: int, rule: str, fingerprint: str, until: datetime | None, now: datetime,
             action_ts: str | None = None) -> None:
        """Keep a deal and rule quiet (replacing any snooze of it, never a mute)."""
        ...

    def mute(self, *, deal_id: int, rule: str, now: datetime, action_ts: str | None = None) -> None: ...

    def last_click(self, *, deal_id: int, rules: Collection[str]) -> str | None:
        """Slack's time (action_ts) of the latest click recorded on these rules of the deal."""
        ...

    def log_activity(self, *, deal_id: int, day: date, now: datetime) -> DealState | None:
        """Done: an activity by the deal's owner on `day`; the deal as it now stands."""
        ...

    def thresholds(self) -> list[Threshold]: ...


class OneOnOneStore(NudgeLog, Protocol):
    def pairs(self) -> list[Pair]:
        """Every pair of active people, in id order."""
        ...

    def pair(self, pair_id: int) -> Pair | None: ...
    def pair_of(self, *, manager_id: int, rep_id: int) -> Pair | None: ...
    def set_pair(self, *, manager_id: int, rep_id: int, cadence: Cadence, now: datetime) -> Pair: ...
    def meetings(self, *, pair_ids: Collection[int]) -> list[Meeting]: ...

    def record_meeting(self, *, pair_id: int, day: date, outcome: str, moved_to: date | None, recorded_by: int,
                       now: datetime, action_ts: str | None = None) -> None:
        """Record (or change) what became of one meeting day."""
        ...

    def agenda_items(self, *, pair_ids: Collection[int]) -> list[AgendaItem]:
        """The open items of these pairs."""
        ...

    def item(self, item_id: int) -> AgendaItem | None: ...

    def add_item(self, *, pair_id: int, author_id: int, text: str, kind: str, owner_id: int | None, due: date | None,
                 now: datetime, origin: str | None = None) -> AgendaItem:
        """Add an item; with an origin seen before, return that item and add nothing."""
        ...

    def complete_item(self, *, item_id: int, now: datetime) -> None: ...
    def mark_carried(self, *, item_ids: Collection[int]) -> None: ...
    def last_recognised(self, *, rep_ids: Collection[int]) -> dict[int, date | None]: ...

    def started_on(self, *, rep_ids: Collection[int]) -> dict[int, date]:
        """The earliest day the data knows each rep by (absent when it knows nothing)."""
        ...


class PrepSource(Protocol):
    """The manager's data prep, gathered from KPIs, deals, recognition and surveys (anonymised)."""

    def prep(self, *, rep_id: int, manager_id: int, since: date | None, today: date) -> Prep: ...


class NudgeMessenger(Protocol):
    """Delivers follow-up nudges; the bot renders each one and puts it in the outbox under the value's key."""

    def send_rep_nudge(self, rep: Person, nudge: RepNudge) -> None: ...
    def send_followup_digest(self, manager: Person, digest: FollowupDigest) -> None: ...


class OneOnOneMessenger(Protocol):
    """Delivers one-on-one nudges, each under the value's key."""

    def send_one_on_one_reminder(self, person: Person, reminder: Reminder, agenda: Agenda,
                                 prep: Prep | None) -> None: ...
    def ask_one_on_one_outcome(self, manager: Person, prompt: OutcomePrompt) -> None: ...
    def send_one_on_one_overdue(self, manager: Person, overdue: Overdue) -> None: ...
    def send_recognition_gap(self, manager: Person, gap: RecognitionGap) -> None: ...

