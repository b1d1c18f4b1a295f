"""What follow-up nudges need from the outside world, as Protocols: a store of deals and holds, and a messenger."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from typing import Protocol

from coaching.followups.rules import DealState, FollowupDigest, Mute, RepNudge, Snooze, Threshold
from coaching.timing import NudgeLog, Person


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


class NudgeMessenger(Protocol):
    """Delivers follow-up nudges; the bot renders each one and puts it in the outbox under the value's key."""

    def send_rep_nudge(self, rep: Person, nudge: RepNudge) -> None: ...
    def send_followup_digest(self, manager: Person, digest: FollowupDigest) -> None: ...
