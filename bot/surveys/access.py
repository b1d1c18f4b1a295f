"""Which teams' surveys a person may see, create and close: coaching.access.teams_in_view over the org chart as it
is now, the same chart that decides coaching visibility. Every survey surface asks here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from coaching.access import teams_in_view
from surveys.ports import Member
from surveys.visibility import Audience

if TYPE_CHECKING:
    from bot.bootstrap import Unit


def survey_teams(u: Unit, member: Member | None) -> list[str]:
    """The names of the teams whose surveys `member` may see, create and close, in name order."""
    if member is None:
        return []
    names = u.people.team_names()
    allowed = teams_in_view(member.person_id, org=u.performance.org_chart(), teams=names)
    return sorted((names[t] for t in allowed), key=str.lower)


def may_survey(u: Unit, member: Member | None, team: str) -> bool:
    return team.strip().lower() in {t.lower() for t in survey_teams(u, member)}


def audience_of(u: Unit, member: Member | None) -> Audience:
    """Whose survey results this person may see (surveys.visibility decides how much): the org chart's teams;
    admins see every team and the organisation roll-up."""
    if member is None:
        return Audience(frozenset())
    if member.role == "admin":
        return Audience.admin()
    return Audience(frozenset(t.lower() for t in survey_teams(u, member)))
