"""Follow-up nudges in Slack: the scheduled morning nudges and weekly follow-up digests, and the deal buttons
(Done, Snooze, Not relevant), each one transaction around one coaching.followups.service call."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.availability import away_rule
from bot.bootstrap import Services, Unit
from bot.followups.account_views import (
    AccountAction,
    account_done_status,
    account_muted_status,
    account_snoozed_status,
    settle_account,
)
from bot.followups.messenger import SlackNudges, translator
from bot.followups.views import DealAction, done_status, muted_status, nudge_text, settle, snoozed_status
from bot.i18n import Translator
from coaching.access import NotAllowed
from coaching.clicks import StaleClick
from coaching.followups import service as nudge_service
from coaching.followups.service import NudgeError

VERBS = ("done", "snooze", "mute")


def send_nudges(services: Services, now: datetime) -> str:
    """The `nudges` job: every rep's morning nudge due now, and each manager's weekly follow-up digest."""
    s = services.settings
    with services.unit(now) as u:
        out = SlackNudges(u, currency=s.currency)
        away = away_rule(s)  # SALESCOACH_AWAY_EMOJI / _WORDS, as for surveys
        nudges = nudge_service.send_rep_nudges(u.nudges, out, now=now, morning=s.nudge_at, top=s.nudge_top, away=away,
                                               accounts=u.nudges)
        digests = nudge_service.send_followup_digests(u.nudges, out, now=now, weekday=s.digest_day,
                                                      morning=s.nudge_at, away=away)
    services.delivery.wake()
    return f"queued {len(nudges)} follow-up nudge(s) and {len(digests)} follow-up digest(s)"


def act_on_deal(services: Services, *, slack_user: str, verb: str, value: str, blocks: Sequence[dict[str, Any]],
                response_url: str | None, action_ts: str | None = None) -> list[str]:
    """A deal's button in a nudge DM: record it (a replay records nothing new) and edit the DM to show the deal's
    new state; the outbox keys to send now. A refusal (not your deal, gone) is answered to the clicker only."""
    action = DealAction.parse(value)
    with services.unit() as u:
        member = u.people.by_slack_id(slack_user)
        if member is None or verb not in VERBS:
            return []
        t = translator(member)
        deal, rules, person = action.deal_id, action.rules, member.person_id
        try:
            if verb == "done":
                nudge_service.mark_done(u.nudges, deal_id=deal, rules=rules, person_id=person, now=u.now,
                                        action_ts=action_ts)
                status = done_status(t, u.now.astimezone(ZoneInfo(member.tz)).date())
            elif verb == "snooze":
                status = snoozed_status(t, nudge_service.snooze(u.nudges, deal_id=deal, rules=rules,
                                                                days=action.days or 0, person_id=person, now=u.now,
                                                                action_ts=action_ts))
            else:
                nudge_service.mute(u.nudges, deal_id=deal, rules=rules, person_id=person, now=u.now,
                                   action_ts=action_ts)
                status = muted_status(t)
        except StaleClick:
            return []  # a late copy of an older click: the DM already shows what came after it
        except (NudgeError, NotAllowed):
            return _refuse(u, f"{action.nudge_key}:deal:{action.deal_id}", response_url, person, t.gettext(
                "This deal is no longer yours to follow up, or it is gone from the CRM."))
        return _show(services, u, t, nudge_key=action.nudge_key, subject=f"deal:{action.deal_id}", verb=verb,
                     days=action.days, slack_user=slack_user, person_id=person,
                     fresh=lambda: settle(blocks, action.deal_id, status))


def act_on_account(services: Services, *, slack_user: str, verb: str, value: str, blocks: Sequence[dict[str, Any]],
                   response_url: str | None, action_ts: str | None = None) -> list[str]:
    """An account's button in a nudge DM, as act_on_deal: record it once and edit the DM in place; a refusal (not
    yours, gone, a value we never made) is answered to the clicker only."""
    try:
        action = AccountAction.parse(value)
    except ValueError:
        return []
    with services.unit() as u:
        member = u.people.by_slack_id(slack_user)
        if member is None or verb not in VERBS:
            return []
        t = translator(member)
        account, refs, person = action.account_id, action.refs, member.person_id
        try:
            if verb == "done":
                nudge_service.account_done(u.nudges, u.nudges, account_id=account, refs=refs, person_id=person,
                                           now=u.now, action_ts=action_ts)
                status = account_done_status(t)
            elif verb == "snooze":
                status = account_snoozed_status(t, nudge_service.account_snooze(
                    u.nudges, account_id=account, refs=refs, days=action.days or 0, person_id=person, now=u.now,
                    action_ts=action_ts))
            else:
                nudge_service.account_mute(u.nudges, account_id=account, refs=refs, person_id=person, now=u.now,
                                           action_ts=action_ts)
                status = account_muted_status(t)
        except StaleClick:
            return []
        except (NudgeError, NotAllowed):
            return _refuse(u, f"{action.nudge_key}:account:{account}", response_url, person, t.gettext(
                "This account is no longer yours to follow up, or it is gone from the CRM."))
        return _show(services, u, t, nudge_key=action.nudge_key, subject=f"account:{account}", verb=verb,
                     days=action.days, slack_user=slack_user, person_id=person,
                     fresh=lambda: settle_account(blocks, account, status))


def _refuse(u: Unit, about: str, response_url: str | None, person_id: int, text: str) -> list[str]:
    """Why a button did nothing, said to the clicker only (keyed by what it was about)."""
    if response_url:
        u.messenger.respond(f"{about}:refused", response_url, text,
                            [{"type": "section", "text": {"type": "mrkdwn", "text": text}}], person_id=person_id)
    return u.messenger.enqueued


def _show(services: Services, u: Unit, t: Translator, *, nudge_key: str, subject: str, verb: str, days: int | None,
          slack_user: str, person_id: int, fresh: Callable[[], list[dict[str, Any]]]) -> list[str]:
    """A recorded click shown where it was made: App Home refreshed, or the clicker's own nudge DM edited in place
    (a value naming someone else's DM records on the clicker's own item but edits nothing)."""
    if nudge_key.startswith("home:"):
        return services.refresh_home(u, slack_user)
    if not nudge_key.startswith(f"nudge:{person_id}:"):
        return u.messenger.enqueued
    blocks = fresh()
    state = verb if days is None else f"{verb}:{days}"
    SlackNudges(u, currency=services.settings.currency).edit(
        f"{nudge_key}:{subject}:{state}", edits_key=nudge_key,
        text=nudge_text(blocks, t.gettext("Follow-ups for today")), blocks=blocks, for_user=slack_user,
        person_id=person_id)
    return u.messenger.enqueued
