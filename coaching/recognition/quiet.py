"""Who nobody has thanked lately, said privately to the manager who leads the team and never in its channel; and
who that manager is, read from the org chart at the moment of use (coaching.access)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from coaching.access import OrgChart, can_see, reports_of, teams_in_view
from coaching.periods import Period
from coaching.recognition.kudos import Kudos
from coaching.recognition.records import Colleague, RecognitionTeam

DEFAULT_QUIET_DAYS = 30  # a member without kudos for this long is named to their manager


@dataclass(frozen=True)
class QuietNote:
    """A direct message to `manager`: the members of `team` nobody has thanked in `quiet_days` days, never thanked
    first, then the longest waiting."""

    team: RecognitionTeam
    week: Period  # the shout-out's week: one note per team and week
    manager: Colleague
    people: tuple[Colleague, ...]
    quiet_days: int

    @property
    def key(self) -> str:
        return f"shoutout:{self.team.id}:{self.week.key}:quiet"


def team_manager(team_id: int, *, org: OrgChart) -> int | None:
    """The manager who leads the team: of the managers coaching.access.teams_in_view lets see it (every one its
    reps report to, directly or further up), the closest to the reps, whom the others manage. None for a team
    without reps or whose reps no one manager has in common (an admin's, by that same rule)."""
    leaders = [p for p, entry in org.items()
               if entry.role == "manager" and team_id in teams_in_view(p, org=org, teams=[team_id])]
    return min(leaders, key=lambda p: (len(reports_of(p, org=org)), p), default=None)


def quiet_members(team: RecognitionTeam, *, until: datetime, kudos: Sequence[Kudos],
                  last_kudos: Mapping[int, datetime], quiet_days: int = DEFAULT_QUIET_DAYS) -> tuple[Colleague, ...]:
    """Members who received no kudos in `kudos` and none in the `quiet_days` days up to `until` (`last_kudos`: when
    each last did), never thanked first, then the longest waiting, then by name."""
    thanked = {r.person_id for k in kudos for r in k.receivers}
    quiet_since = until - timedelta(days=quiet_days)
    quiet = (m for m in team.members if m.person_id not in thanked
             and (last_kudos.get(m.person_id) is None or last_kudos[m.person_id] < quiet_since))
    return tuple(sorted(quiet, key=lambda m: (last_kudos.get(m.person_id) is not None,
                                              last_kudos.get(m.person_id) or until, m.name, m.person_id)))


def build_quiet_note(*, team: RecognitionTeam, week: Period, until: datetime, kudos: Sequence[Kudos],
                     last_kudos: Mapping[int, datetime], manager: Colleague | None, org: OrgChart,
                     quiet_days: int = DEFAULT_QUIET_DAYS) -> QuietNote | None:
    """The note for `manager` (team_manager's Colleague), or None: no manager, none on Slack, one the org chart
    does not let see the team (teams_in_view), or nobody quiet. The manager is not told about themselves, nor about
    a member whose figures they may not see (can_see)."""
    if manager is None or not manager.slack_id or team.id not in teams_in_view(manager.person_id, org=org,
                                                                               teams=[team.id]):
        return None
    people = tuple(m for m in quiet_members(team, until=until, kudos=kudos, last_kudos=last_kudos,
                                            quiet_days=quiet_days)
                   if m.person_id != manager.person_id and can_see(manager.person_id, m.person_id, org=org))
    return QuietNote(team, week, manager, people, quiet_days) if people else None
