"""What one-on-ones and recognition gaps need from the outside world, as Protocols: pairs, meetings and agendas,
the manager's prep, and a messenger."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from typing import Protocol

from coaching.one_on_ones.meetings import Agenda, AgendaItem, Cadence, Meeting, OutcomePrompt, Overdue, Pair, Reminder
from coaching.one_on_ones.prep import Prep, RecognitionGap
from coaching.timing import NudgeLog, Person


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


class OneOnOneMessenger(Protocol):
    """Delivers one-on-one nudges, each under the value's key."""

    def send_one_on_one_reminder(self, person: Person, reminder: Reminder, agenda: Agenda,
                                 prep: Prep | None) -> None: ...
    def ask_one_on_one_outcome(self, manager: Person, prompt: OutcomePrompt) -> None: ...
    def send_one_on_one_overdue(self, manager: Person, overdue: Overdue) -> None: ...
    def send_recognition_gap(self, manager: Person, gap: RecognitionGap) -> None: ...
