"""What recognition needs from the outside world: a store of wins, kudos, values and the org chart, and a messenger
that posts."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import Protocol

from coaching.access import OrgEntry
from coaching.recognition.kudos import CompanyValue, Kudos
from coaching.recognition.quiet import QuietNote
from coaching.recognition.records import Colleague, RecognitionTeam
from coaching.recognition.shout_outs import KudosHistory, ShoutOut
from coaching.recognition.wins import LoggedWin, Milestone, QuotaProgress, WebhookDeal, Win


class RecognitionStore(Protocol):
    # people and teams
    def colleagues_by_slack(self, slack_ids: Collection[str]) -> dict[str, Colleague]:
        """Active people with these Slack ids (unknown ids are left out)."""
        ...

    def colleagues(self, person_ids: Collection[int]) -> dict[int, Colleague]:
        """These people by id (unknown ids are left out)."""
        ...

    def team(self, team_id: int) -> RecognitionTeam | None: ...
    def teams(self) -> list[RecognitionTeam]: ...

    def org_chart(self) -> dict[int, OrgEntry]:
        """The org chart as it is now: every active person's manager, role and team."""
        ...

    # company values
    def company_values(self) -> list[CompanyValue]:
        """The values admins stored (active or not), by name; empty until they store one."""
        ...

    def save_company_value(self, value: CompanyValue, *, now: datetime) -> None: ...

    # kudos
    def add_kudos(self, *, key: str, giver_id: int, receiver_ids: Sequence[int], value: str | None, message: str,
                  now: datetime) -> Kudos | None:
        """Record a kudos under `key` (e.g. the Slack trigger id); None when that key was recorded already."""
        ...

    def kudos_with_key(self, key: str) -> Kudos | None: ...

    def receivers_given(self, *, giver_id: int, since: datetime, until: datetime) -> int:
        """How many receivers the giver's kudos named from `since` to `until` (what the cap counts)."""
        ...

    def kudos_between(self, *, since: datetime, until: datetime, team_id: int | None = None) -> list[Kudos]:
        """Kudos given in the window (to someone in the team, when given), oldest first."""
        ...

    def kudos_history(self, person: Colleague, *, limit: int) -> KudosHistory: ...

    def last_kudos_received(self, person_ids: Collection[int]) -> dict[int, datetime]: ...

    # wins
    def record_imported_wins(self, *, since: datetime, now: datetime) -> list[Win]:
        """Record a win for every 'won' deal event since `since` whose deal has no win yet; the new ones."""
        ...

    def apply_webhook_deal(self, deal: WebhookDeal, *, now: datetime) -> Win | None:
        """Upsert the deal as a one-row deals import would; the win recorded if this made it newly won.
        Raises DealRefused when the owner is not in the roster."""
        ...

    def take_signature(self, signature: str, *, accepted_until: datetime) -> bool:
        """Note a webhook request's signature; False when it was taken already (the same request again)."""
        ...

    def add_logged_win(self, *, rep_id: int, win: LoggedWin, origin: str, now: datetime,
                       currency: str | None = None) -> Win | None:
        """Record a /win under `origin` (the view id); None when that origin was recorded already."""
        ...

    def win_with_origin(self, origin: str) -> Win | None: ...

    def quota_progress(self, wins: Sequence[Win]) -> list[QuotaProgress]:
        """For each rep and month or quarter the wins fall in and the rep has a target for: quota and won."""
        ...

    def wins_between(self, *, since: datetime, until: datetime, team_id: int | None = None) -> list[Win]:
        """Wins recorded in the window (by reps of the team, when given), oldest first."""
        ...

    def last_win(self, person_ids: Collection[int]) -> dict[int, date]: ...

    # the weekly shout-out
    def claim_shout_out(self, team_id: int, week_start: date) -> bool:
        """True once per team and week: the first caller posts that week's shout-out."""
        ...


class RecognitionMessenger(Protocol):
    """Posts recognition; the bot renders each one and puts it in the outbox under the record's key."""

    def post_win(self, win: Win, *, channel: str, locale: str) -> None: ...
    def post_milestone(self, milestone: Milestone, *, channel: str, locale: str) -> None: ...
    def post_kudos(self, kudos: Kudos, *, channel: str, locale: str) -> None: ...
    def dm_kudos(self, kudos: Kudos, *, receiver: Colleague) -> None: ...
    def post_shout_out(self, shout_out: ShoutOut, *, channel: str, locale: str) -> None: ...
    def dm_quiet_note(self, note: QuietNote) -> None:
        """Privately to note.manager, in their language: who nobody has thanked lately."""
        ...
