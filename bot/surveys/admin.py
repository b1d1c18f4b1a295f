"""Use cases behind `/pulse list|pause|resume|close|results` and `/enps`, with who-may-see-what checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from bot.bootstrap import Services, Unit
from bot.i18n import N_
from bot.surveys.access import audience_of, survey_teams
from surveys import closing, service
from surveys.ports import Member, Plan
from surveys.questions import STARTER, QuestionBank
from surveys.results import RoundSummary
from surveys.service import SurveyError
from surveys.trends import RollupResult
from surveys.visibility import what_may_see


class NotAllowed(Exception):
    """The person may not do or see this; the message says why, in plain words."""


@dataclass
class TeamHistory:
    team: str
    rounds: list[tuple[date, RoundSummary]] = field(default_factory=list)
    bank: QuestionBank = STARTER
    latest_round: int | None = None  # the id of the last of `rounds` (its results offer "Choose a focus")


def _member(u: Unit, slack_user: str) -> Member:
    member = u.people.by_slack_id(slack_user)
    if member is None:
        raise NotAllowed(N_("You are not in the roster yet. Ask your admin to add you."))
    return member


def _teams(u: Unit, member: Member) -> list[str]:
    teams = survey_teams(u, member)
    if not teams:
        raise NotAllowed(N_("Survey results and controls are for managers and admins; your manager shares "
                            "results with the team."))
    return teams


def list_surveys(services: Services, *, slack_user: str) -> list[Plan]:
    with services.unit() as u:
        allowed = {t.lower() for t in _teams(u, _member(u, slack_user))}
        return [p for p in u.surveys.plans(active_only=False) if p.team_name.lower() in allowed]


def set_active(services: Services, *, slack_user: str, survey_id: int, active: bool) -> Plan:
    with services.unit() as u:
        _check_survey(u, slack_user, survey_id)
        return service.set_active(u.surveys, survey_id=survey_id, active=active)


def close_now(services: Services, *, slack_user: str, survey_id: int) -> list[str]:
    """Close the open round now; returns the outbox keys of the results to send."""
    with services.unit() as u:
        _check_survey(u, slack_user, survey_id)
        closing.close_round_now(u.surveys, u.messenger, survey_id=survey_id, now=u.now,
                                threshold=services.settings.anonymity_threshold)
        return u.messenger.enqueued


def enps_overview(services: Services, *, slack_user: str, team: str | None) -> tuple[list[TeamHistory],
                                                                                     RollupResult | None]:
    """Per-team eNPS trends, plus the organisation roll-up for admins (when no team is named)."""
    with services.unit() as u:
        member = _member(u, slack_user)
        teams = _named(_teams(u, member), team)
        visible = what_may_see(u.surveys, audience_of(u, member), threshold=services.settings.anonymity_threshold)
        bank = u.surveys.bank()
    latest = {d.round.team_name.lower(): d.round.id for d in visible.rounds}  # oldest first: the last one stays
    histories = [TeamHistory(name, visible.history(name), bank=bank, latest_round=latest.get(name.lower()))
                 for name in teams]
    return histories, None if team else visible.rollup


def histories(services: Services, *, slack_user: str, team: str | None) -> list[TeamHistory]:
    """Results over recent rounds for the teams this person may see (one team when named)."""
    return enps_overview(services, slack_user=slack_user, team=team)[0]


def _named(teams: list[str], team: str | None) -> list[str]:
    if not team:
        return teams
    chosen = [t for t in teams if t.lower() == team.strip().lower()]
    if not chosen:
        raise NotAllowed(f"You can see results only for teams you manage; {team!r} is not one of them.")
    return chosen


def _check_survey(u: Unit, slack_user: str, survey_id: int) -> Plan:
    plan = u.surveys.plan(survey_id)
    if plan is None:
        raise SurveyError(f"survey {survey_id} does not exist; see /pulse list")
    if plan.team_name.lower() not in {t.lower() for t in _teams(u, _member(u, slack_user))}:
        raise NotAllowed(N_("You can manage surveys only for teams you manage."))
    return plan
