"""What one person's App Home shows, gathered by bot.home.publish and drawn by bot.home.views."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from coaching.followups.accounts import AccountNudgeItem
from coaching.followups.rules import Followup
from coaching.one_on_ones.meetings import Agenda, Pair
from coaching.performance.digest import Digest, RepView
from coaching.recognition.shout_outs import KudosHistory
from storage.health import Health
from surveys.focus import Focus
from surveys.ports import Member, RoundInfo
from surveys.results import RoundSummary


@dataclass
class HomeData:
    """Everything one person's App Home shows; sections a person may not see stay empty."""

    member: Member | None
    now: datetime
    language: str | None = None  # the person's own choice, None when they follow Slack's locale
    open_rounds: list[tuple[RoundInfo, bool]] = field(default_factory=list)  # (round, answered everything)
    followups: list[Followup] = field(default_factory=list)
    accounts: list[AccountNudgeItem] = field(default_factory=list)  # accounts not to leave quiet, as in the DM
    numbers: RepView | None = None
    kudos: KudosHistory | None = None
    snapshot: Digest | None = None
    results: list[tuple[str, date, RoundSummary]] = field(default_factory=list)  # team, round date, summary
    focuses: list[tuple[Focus, str]] = field(default_factory=list)  # open focuses of teams they manage, team names
    one_on_ones: list[tuple[Pair, Agenda | None]] = field(default_factory=list)
    names: dict[int, str] = field(default_factory=dict)
    kudos_names: dict[str, str] = field(default_factory=dict)  # people kudos messages name, by Slack id
    health: Health | None = None
    jobs: list[tuple[str, datetime | None, str]] = field(default_factory=list)
