"""A round's focus, each one transaction: the modal (themes' figures from the visibility function only), saving it
(and its "You said / we will" post), Mark done (and its "Done" post), the reminder a week before its date, and the
open focuses a manager's App Home lists."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.bootstrap import Services, Unit
from bot.followups.messenger import translator
from bot.i18n import Translator
from bot.surveys.access import audience_of, survey_teams
from bot.surveys.focus_views import (
    chosen_view,
    done_message,
    focus_view,
    notice_view,
    reminder_message,
    shared_message,
    theme_label,
)
from surveys import focus as domain
from surveys.availability import DEFAULT_WORKING_TIME
from surveys.focus import Focus, FocusError, ThemeScore
from surveys.ports import Member, Plan
from surveys.visibility import what_may_see

DUE_IN = timedelta(days=28)  # the date the modal starts with


@dataclass
class Outcome:
    keys: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  # the modal's errors by block id
    view: dict[str, Any] | None = None


def refusal(t: Translator, reason: str) -> str:
    return {
        "no_theme": t.gettext("Pick one of this round's themes."),
        "no_action": t.gettext("Write the one thing you will do."),
        "action_too_long": t.gettext("Keep the action under 300 characters."),
        "past_date": t.gettext("Pick a date after today."),
        "no_channel": t.gettext("The team has no channel to share it in; ask your admin to set one."),
        "done": t.gettext("This focus is done already."),
        "not_allowed": t.gettext("Only the team's managers choose and close its focus."),
        "no_scores": t.gettext("This round asked no agreement question, so there is no theme to focus on."),
        "withheld": t.gettext("This round's results are withheld (too few answered), so there is no figure to choose "
                              "a focus by. Choose one after a round with enough answers."),
        "chosen": t.gettext("This round has its focus already; it is on your App Home."),
    }[reason]


@dataclass(frozen=True)
class _Round:
    plan: Plan
    scores: list[ThemeScore]
    withheld: bool  # the round's results are withheld as a whole


def _round(u: Unit, services: Services, member: Member, round_id: int) -> _Round | None:
    """The round's plan and its themes' scores, as this person may see them; None when they may not."""
    info = u.surveys.round(round_id)
    plan = u.surveys.plan(info.survey_id) if info is not None else None
    if info is None or plan is None or info.closed_at is None or \
            plan.team_name.lower() not in {name.lower() for name in survey_teams(u, member)}:
        return None
    visible = what_may_see(u.surveys, audience_of(u, member), threshold=services.settings.anonymity_threshold)
    disclosed = [d for d in visible.rounds if d.round.survey_id == plan.id]
    upto = next((n for n, d in enumerate(disclosed) if d.round.id == round_id), None)
    if upto is None:
        return None
    summaries = [d.summary for d in disclosed[:upto + 1]]
    return _Round(plan, domain.theme_scores(summaries, u.surveys.bank()), summaries[-1].withheld)


def open_form(services: Services, *, slack_user: str, trigger_id: str, round_id: int) -> list[str]:
    with services.unit() as u:
        member = u.people.by_slack_id(slack_user)
        if member is None:
            return []
        t = translator(member)
        found = _round(u, services, member, round_id)
        if found is None:
            view = notice_view(t, refusal(t, "not_allowed"))
        elif u.focuses.of_round(round_id) is not None:
            view = notice_view(t, refusal(t, "chosen"))
        elif not found.scores:
            view = notice_view(t, refusal(t, "withheld" if found.withheld else "no_scores"))
        else:
            suggested = domain.suggest(found.scores)
            today = u.now.astimezone(ZoneInfo(t.tz)).date()
            view = focus_view(t, round_id=round_id, team=found.plan.team_name, scores=found.scores,
                              suggested=suggested.theme if suggested else None, due=today + DUE_IN,
                              channel=u.surveys.team_channel(found.plan.team_id) is not None)
        u.messenger.open_view(trigger_id, view, for_user=slack_user, person_id=member.person_id)
        return u.messenger.enqueued


def submit(services: Services, *, slack_user: str, view_id: str, round_id: int, theme: str | None, action: str,
           due: date | None, share: bool) -> Outcome:
    """Save the focus (once per modal) and, when asked, post "You said / we will" to the team's channel."""
    with services.unit() as u:
        member = u.people.by_slack_id(slack_user)
        t = translator(member)
        found = _round(u, services, member, round_id) if member is not None else None
        if member is None or found is None:
            return Outcome(errors={"theme": refusal(t, "not_allowed")})
        channel = u.surveys.team_channel(found.plan.team_id)
        today = u.now.astimezone(ZoneInfo(t.tz)).date()
        try:
            focus = domain.choose_focus(
                u.focuses, team_id=found.plan.team_id, survey_id=found.plan.id, round_id=round_id,
                themes=[s.theme for s in found.scores], theme=theme or "", action=action, due=due or today,
                today=today, share=share, channel=channel is not None, manager_id=member.person_id, now=u.now,
                origin=f"view:{view_id}")
        except FocusError as refused:
            block = {"no_theme": "theme", "past_date": "due", "no_channel": "share", "chosen": "theme",
                     "not_allowed": "theme"}.get(refused.reason, "action")
            return Outcome(errors={block: refusal(t, refused.reason)})
        team_t = Translator.for_person(u.focuses.team_locale(found.plan.team_id))  # the next round asks, once
        u.focuses.add_follow_up(focus_id=focus.id, now=u.now, text=team_t.gettext(
            "Has “{theme}” improved since the last survey?", theme=theme_label(team_t, focus.theme, plain=True)))
        if focus.shared and channel is not None:
            score = next((s for s in found.scores if s.theme == focus.theme), None)
            text, blocks = shared_message(Translator.for_person(channel[1]), focus, score, team=found.plan.team_name)
            u.messenger.post(f"focus:{focus.id}:shared", channel[0], text, blocks, person_id=None)
        outcome = Outcome(keys=u.messenger.enqueued, view=chosen_view(t, focus))
    services.refresh_home_later(slack_user)  # once committed: App Home lists it
    return outcome


def done(services: Services, *, slack_user: str, focus_id: int) -> list[str]:
    """Mark done, once, by one of the team's managers; "Done: …" in the channel if it was shared."""
    with services.unit() as u:
        member = u.people.by_slack_id(slack_user)
        focus = u.focuses.focus(focus_id)
        if member is None or focus is None or not _manages(u, member, focus):
            return []
        try:
            closed = domain.mark_done(u.focuses, focus_id=focus_id, now=u.now)
        except FocusError:
            return []  # done already: a second click or a retry
        channel = u.surveys.team_channel(closed.team_id)
        if closed.shared and channel is not None:
            text, blocks = done_message(Translator.for_person(channel[1]), closed,
                                        team=u.people.team_name(closed.team_id))
            u.messenger.post(f"focus:{closed.id}:done", channel[0], text, blocks, person_id=None)
        keys = u.messenger.enqueued
    services.refresh_home_later(slack_user)  # once committed: App Home no longer lists it
    return keys


def _manages(u: Unit, member: Member, focus: Focus) -> bool:
    return u.people.team_name(focus.team_id).lower() in {name.lower() for name in survey_teams(u, member)}


def open_focuses(u: Unit, member: Member) -> list[tuple[Focus, str]]:
    """The open focuses of the teams this person manages (App Home), with each team's name."""
    names = {name.lower() for name in survey_teams(u, member)}
    teams = {team_id: name for team_id, name in u.people.team_names().items() if name.lower() in names}
    return [(f, teams[f.team_id]) for f in u.focuses.of_teams(teams, open_only=True)]


def send_reminders(services: Services, now: datetime) -> int:
    """Each open focus's manager (who chose it), once, a week before its date, in their working hours."""
    sent = 0
    with services.unit(now) as u:
        for focus in u.focuses.of_teams(u.people.team_names(), open_only=True):
            manager = u.people.members([focus.created_by]).get(focus.created_by) if focus.created_by else None
            if manager is None or not manager.slack_id:
                continue
            t, key = translator(manager), f"focus:{focus.id}:reminder"
            if not domain.reminder_due(focus, today=now.astimezone(ZoneInfo(t.tz)).date()) or \
                    u.outbox.existing([key]) or not _manages(u, manager, focus):  # the org chart only when due
                continue
            at = DEFAULT_WORKING_TIME.next_moment(now, manager.tz, u.surveys.holidays_of(manager.team_id))
            text, blocks = reminder_message(t, focus, team=u.people.team_name(focus.team_id))
            u.messenger.post(key, manager.slack_id, text, blocks, person_id=manager.person_id, not_before=at)
            sent += 1
    return sent
