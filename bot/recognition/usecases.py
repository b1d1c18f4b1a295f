"""Recognition as the bot runs it: one transaction around one coaching.recognition.service call, the asker's reply
rendered in their language, and the outbox keys to send now (listeners, jobs, the webhook and the CLI)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from bot.bootstrap import Services, Unit
from bot.i18n import Translator
from bot.recognition.messages import mentioned, translator_for
from bot.recognition.messenger import RecognitionOutbox
from bot.recognition.views import (
    field_errors,
    history_message,
    kudos_help,
    kudos_sent,
    kudos_view,
    refusal,
    reply,
    win_view,
)
from bot.recognition.webhook_auth import TOLERANCE, Delivery
from coaching.recognition import service as recognition
from coaching.recognition.kudos import CompanyValue, Kudos, KudosError, value_name
from coaching.recognition.records import Colleague
from coaching.recognition.wins import WebhookDeal, Win, WinError
from storage.teams import TeamError


@dataclass(frozen=True)
class Submitted:
    """A modal's outcome: the outbox keys to send, or the errors to show on the modal (nothing recorded)."""

    keys: list[str]
    errors: dict[str, str] | None = None


def _outbox(services: Services, u: Unit) -> RecognitionOutbox:
    store = u.recognition
    return RecognitionOutbox(u.messenger, currency=services.settings.currency,
                             values=lambda: recognition.company_values(store), names=lambda ids: names(u, ids),
                             templates=u.messenger.template)


def names(u: Unit, slack_ids: Collection[str]) -> dict[str, str]:
    """Roster names by Slack id: how a kudos message shows the people it names besides its own (no ping)."""
    return {slack_id: c.name for slack_id, c in u.recognition.colleagues_by_slack(slack_ids).items()}


def _translator(u: Unit, slack_user: str) -> Translator:
    person = u.recognition.colleagues_by_slack([slack_user]).get(slack_user)
    return translator_for(person.locale if person else None, person.tz if person else None)


def _person_id(u: Unit, slack_user: str) -> int | None:
    """Whom a reply, modal or DM to this Slack user is for (None: not in the roster)."""
    member = u.people.by_slack_id(slack_user)
    return member.person_id if member else None


def kudos_command(services: Services, *, slack_user: str, text: str, response_url: str,
                  trigger_id: str) -> list[str]:
    """`/kudos …` gives kudos (recorded once per trigger id), `/kudos` alone opens the form, `/kudos history`
    and `/kudos help` answer the asker only."""
    verb = text.split(maxsplit=1)[0].lower() if text.strip() else ""
    with services.unit() as u:
        t = _translator(u, slack_user)
        if verb == "":
            u.messenger.open_view(trigger_id, kudos_view(t, recognition.company_values(u.recognition)),
                                  for_user=slack_user, person_id=_person_id(u, slack_user))
            return u.messenger.enqueued
        try:
            if verb == "history":
                history = recognition.kudos_history(u.recognition, person=slack_user)
                answer = history_message(t, history, names(u, mentioned([*history.received, *history.given])))
            elif verb == "help":
                answer = kudos_help(t, recognition.company_values(u.recognition))
            else:
                outcome = recognition.give_kudos(u.recognition, _outbox(services, u), giver=slack_user, text=text,
                                                 key=f"trigger:{trigger_id}", now=u.now,
                                                 cap=services.settings.kudos_cap)
                answer = kudos_sent(t, outcome.kudos, outcome.allowance)
        except KudosError as refused:
            answer = reply(refusal(t, refused))
        u.messenger.respond(f"kudos-reply:{trigger_id}", response_url, *answer, person_id=_person_id(u, slack_user))
        return u.messenger.enqueued


def open_kudos_form(services: Services, *, slack_user: str, trigger_id: str) -> list[str]:
    """The kudos modal, from the global shortcut or the App Home button."""
    with services.unit() as u:
        u.messenger.open_view(trigger_id, kudos_view(_translator(u, slack_user),
                                                     recognition.company_values(u.recognition)), for_user=slack_user,
                              person_id=_person_id(u, slack_user))
        return u.messenger.enqueued


def submit_kudos(services: Services, *, slack_user: str, view_id: str, receivers: list[str], value: str | None,
                 message: str) -> Submitted:
    """The kudos modal: recorded once per view; the giver gets a DM saying what is left of their week."""
    with services.unit() as u:
        t = _translator(u, slack_user)
        try:
            outcome = recognition.give_kudos_from_modal(
                u.recognition, _outbox(services, u), giver=slack_user, receivers=receivers, value=value,
                message=message, key=f"view:{view_id}", now=u.now, cap=services.settings.kudos_cap)
        except KudosError as refused:
            return Submitted([], field_errors(t, refused))
        if not outcome.duplicate:
            u.messenger.post(f"{outcome.kudos.key}:sent", slack_user, *kudos_sent(t, outcome.kudos, outcome.allowance),
                             person_id=_person_id(u, slack_user))
        return Submitted(u.messenger.enqueued)


def open_win_form(services: Services, *, slack_user: str, trigger_id: str, account: str = "") -> list[str]:
    with services.unit() as u:
        u.messenger.open_view(trigger_id, win_view(_translator(u, slack_user), account=account), for_user=slack_user,
                              person_id=_person_id(u, slack_user))
        return u.messenger.enqueued


def submit_win(services: Services, *, slack_user: str, view_id: str, account: str, amount: str | None,
               notes: str | None) -> Submitted:
    """/win's modal: the win is recorded once per view and posted as logged by the rep; without a recognition
    channel for their team the rep is told so by DM."""
    with services.unit() as u:
        t = _translator(u, slack_user)
        try:
            win = recognition.log_win(u.recognition, _outbox(services, u), rep=slack_user, account=account,
                                      amount=amount, notes=notes, origin=f"view:{view_id}", now=u.now)
        except WinError as refused:
            return Submitted([], field_errors(t, refused))
        team = u.recognition.team(win.rep.team_id)
        if team is None or not team.channel:
            u.messenger.post(f"{win.key}:no-channel", slack_user, *reply(t.gettext(
                "Your win is recorded, but your team has no recognition channel yet. Ask an admin to set one "
                "with `salescoach team recognition-channel`.")), person_id=win.rep.person_id)
        return Submitted(u.messenger.enqueued)


def take_deal(services: Services, *, deal: WebhookDeal, delivery: Delivery) -> tuple[str, list[str]]:
    """A verified webhook deal: 'won', 'recorded' or 'duplicate' (a replay, nothing written), and the keys to
    send. DealRefused rolls the whole request back."""
    with services.unit() as u:
        status = recognition.receive_deal(u.recognition, _outbox(services, u), deal=deal, signature=delivery.key,
                                          accepted_until=delivery.accepted_until, now=u.now)
        return status, u.messenger.enqueued


# ---- jobs --------------------------------------------------------------------------------------------------

def announce_wins(services: Services, now: datetime) -> str:
    """Post each deal an import turned won, once."""
    with services.unit(now) as u:
        wins = recognition.announce_wins(u.recognition, _outbox(services, u), now=now)
        queued = len(u.messenger.enqueued)
    services.delivery.wake()
    return f"announced {len(wins)} win(s), queued {queued} post(s)"


def forget_webhook_signatures(services: Services, now: datetime) -> str:
    """Empty the webhook's replay store of signatures whose timestamps the webhook no longer accepts, a
    tolerance later still (replicas' clocks may differ by that much)."""
    with services.unit(now) as u:
        forgotten = u.recognition.forget_signatures(accepted_before=now - TOLERANCE)
    return f"forgot {forgotten} webhook signature(s)"


def post_shout_outs(services: Services, now: datetime) -> str:
    with services.unit(now) as u:
        posted = recognition.post_shout_outs(u.recognition, _outbox(services, u), now=now)
    services.delivery.wake()
    return f"posted {len(posted)} shout-out(s)"


# ---- company values (admins, from the CLI) -----------------------------------------------------------------

def values(services: Services) -> tuple[CompanyValue, ...]:
    with services.unit() as u:
        return recognition.company_values(u.recognition)


def add_value(services: Services, *, name: str, description: str | None) -> CompanyValue:
    with services.unit() as u:
        return recognition.set_company_value(u.recognition, name=name, description=description, now=u.now)


def remove_value(services: Services, *, name: str) -> CompanyValue:
    """Retire a value: kudos already tagged keep it; new kudos cannot use it."""
    with services.unit() as u:
        known = {v.name for v in recognition.company_values(u.recognition)}
        if value_name(name) not in known:
            raise KudosError("unknown_value", "#{value} is not a company value; use one of {allowed}.",
                             value=value_name(name), allowed=", ".join(f"#{v}" for v in sorted(known)))
        return recognition.set_company_value(u.recognition, name=name, active=False, now=u.now)


# ---- the export --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Report:
    """What `salescoach export recognition` writes: kudos and wins in the window, and the people to rank."""

    kudos: list[Kudos]
    wins: list[Win]
    people: list[Colleague]
    teams: dict[int, str]


def report(services: Services, *, team: str | None, since: datetime, until: datetime) -> Report:
    """Everyone's recognition, or one team's (kudos to its members, wins by its reps)."""
    with services.unit() as u:
        teams = u.recognition.teams()
        chosen = None
        if team is not None:
            chosen = next((t for t in teams if t.name.lower() == team.strip().lower()), None)
            if chosen is None:
                raise TeamError(f"team {team!r} is not in the roster")
        team_id = chosen.id if chosen else None
        return Report(u.recognition.kudos_between(since=since, until=until, team_id=team_id),
                      u.recognition.wins_between(since=since, until=until, team_id=team_id),
                      [m for t in ([chosen] if chosen else teams) for m in t.members], {t.id: t.name for t in teams})
