"""What follow-up nudges need from the outside world, as Protocols: a store of deals and holds, a store of the
accounts not to leave quiet and their holds, and a messenger."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from typing import Protocol

from coaching.followups.accounts import AccountFacts, AccountHold, AccountState, QuietThreshold, WonDeal
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


class AccountStore(Protocol):
    def account_facts(self, *, owner_ids: Collection[int], since: date) -> AccountFacts:
        """These owners' tiered accounts with their latest activity, their deals won on or after `since`, and
        accounts whose every contact left on or after `since`."""
        ...

    def account(self, account_id: int) -> AccountState | None: ...
    def won_deal(self, deal_id: int) -> WonDeal | None: ...
    def account_holds(self, *, account_ids: Collection[int]) -> list[AccountHold]: ...

    def hold_account(self, *, account_id: int, rule: str, subject: str, fingerprint: str, until: datetime | None,
                     person_id: int, now: datetime, action_ts: str | None = None) -> None:
        """Keep an account item quiet (replacing any snooze of it, never a mute), for `person_id`."""
        ...

    def mute_account(self, *, account_id: int, rule: str, subject: str, person_id: int, now: datetime,
                     action_ts: str | None = None) -> None: ...

    def last_account_click(self, *, account_id: int, refs: Collection[tuple[str, str]]) -> str | None: ...

    def log_account_activity(self, *, account_id: int, person_id: int, day: date, now: datetime) -> None:
        """Done on an account item: an activity by this person on the account that day (once a day)."""
        ...

    def quiet_thresholds(self) -> list[QuietThreshold]: ...


class NudgeMessenger(Protocol):
    """Delivers follow-up nudges; the bot renders each one and puts it in the outbox under the value's key."""

    def send_rep_nudge(self, rep: Person, nudge: RepNudge) -> None: ...
    def send_followup_digest(self, manager: Person, digest: FollowupDigest) -> None: ...
