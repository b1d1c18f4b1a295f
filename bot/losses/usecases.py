"""Loss reasons, each one transaction around one coaching.losses.service call: the job that asks owners why their
deals were lost (and reminds once), a reason button, the details modal and its Save."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.availability import away_rule
from bot.bootstrap import Services, Unit
from bot.followups.messenger import SlackNudges, translator
from bot.i18n import Translator
from bot.losses.views import answered_message, ask_message, details_view
from coaching.clicks import StaleClick
from coaching.losses import service
from coaching.losses.reasons import LossError, LostDeal
from coaching.losses.service import LossAsk
from coaching.timing import Person


@dataclass
class Outcome:
    keys: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  # a modal's errors by block id


KEY = re.compile(r"loss:([0-9]{1,12}):[0-9]{1,12}:[0-9]{1,12}(:reminder)?", re.ASCII)


@dataclass(frozen=True)
class Posted:
    """What the buttons and the modal carry: the DM's key (coaching.losses.service.ask_key, and :reminder), which
    names the deal."""

    key: str
    deal_id: int

    @classmethod
    def parse(cls, value: str) -> Posted | None:
        found = KEY.fullmatch(value)
        return cls(value, int(found.group(1))) if found else None


def refusal(t: Translator, reason: str) -> str:
    return {
        "not_lost": t.gettext("This deal is no longer lost, or it is gone from the CRM."),
        "not_yours": t.gettext("Only the deal's owner says why it was lost."),
        "unknown_reason": t.gettext("Choose one of the reasons offered."),
        "competitor_too_long": t.gettext("The competitor's name is too long."),
        "note_too_long": t.gettext("The note is too long."),
    }[reason]


class SlackLosses:
    """Implements coaching.losses.service.LossMessenger over one unit's outbox."""

    def __init__(self, u: Unit, *, currency: str) -> None:
        self.u, self.currency = u, currency

    def ask_loss_reason(self, owner: Person, ask: LossAsk) -> bool:
        member = self.u.people.members([owner.person_id]).get(owner.person_id)
        if member is None or not member.slack_id:
            return False
        t = translator(member)
        text, blocks = ask_message(t, ask.deal, key=ask.key, offered=self.u.losses.offered(owner.person_id),
                                   currency=self.currency, reminder=ask.reminder)
        self.u.messenger.post(ask.key, member.slack_id, text, blocks, person_id=member.person_id)
        return True


def send_loss_asks(services: Services, now: datetime) -> str:
    """The `loss_reasons` job: each ask and reminder due now."""
    with services.unit(now) as u:
        asks = service.ask_why(u.losses, SlackLosses(u, currency=services.settings.currency), now=now,
                               away=away_rule(services.settings))
    services.delivery.wake()
    return f"queued {sum(not a.reminder for a in asks)} loss reason ask(s) and {sum(a.reminder for a in asks)} " \
           "reminder(s)"


def _answer(u: Unit, *, person_id: int, deal_id: int, reason: str, action_ts: str | None = None,
            details: tuple[str | None, str | None] | None = None) -> LostDeal | str | None:
    """The stored deal, why the answer was refused, or None for a stale copy of a click (nothing to do)."""
    try:
        return service.give_reason(u.losses, deal_id=deal_id, person_id=person_id, reason=reason, now=u.now,
                                   action_ts=action_ts, details=details)
    except StaleClick:
        return None
    except LossError as refused:
        return refused.reason
    except PermissionError:
        return "not_yours"


def _show(services: Services, u: Unit, posted: Posted, deal: LostDeal, *, slack_user: str, person_id: int,
          t: Translator, edit: str) -> None:
    """The DM posted under `posted` edited in place to show the answer, once per `edit` key."""
    text, blocks = answered_message(t, deal, key=posted.key, currency=services.settings.currency)
    SlackNudges(u, currency=services.settings.currency).edit(edit, edits_key=posted.key, text=text, blocks=blocks,
                                                             for_user=slack_user, person_id=person_id)


def choose_reason(services: Services, *, slack_user: str, value: str, reason: str, action_ts: str,
                  response_url: str | None) -> list[str]:
    """A reason button: stored at once (a later click changes it) and shown in the DM; a refusal is said to the
    clicker only."""
    posted = Posted.parse(value)
    with services.unit() as u:
        member = u.people.by_slack_id(slack_user)
        if member is None or posted is None:
            return []
        t = translator(member)
        found = _answer(u, person_id=member.person_id, deal_id=posted.deal_id, reason=reason, action_ts=action_ts)
        if found is None:
            return []  # a retry or a late copy: the DM already shows what came after it
        if isinstance(found, str):
            if response_url:
                u.messenger.respond(f"{posted.key}:refused:{action_ts}", response_url, refusal(t, found), [],
                                    person_id=member.person_id)
        else:
            _show(services, u, posted, found, slack_user=slack_user, person_id=member.person_id, t=t,
                  edit=f"{posted.key}:answered:{action_ts}")
        return u.messenger.enqueued


def open_details(services: Services, *, slack_user: str, value: str, trigger_id: str) -> list[str]:
    """"Competitor or note…": the modal for the owner; anyone else is told why not."""
    posted = Posted.parse(value)
    with services.unit() as u:
        member = u.people.by_slack_id(slack_user)
        if member is None or posted is None:
            return []
        t = translator(member)
        deal = u.losses.lost_deal(posted.deal_id)
        if deal is None or deal.owner_id != member.person_id:
            view: dict[str, Any] = {
                "type": "modal", "title": {"type": "plain_text", "text": t.gettext("Why it was lost")[:24]},
                "close": {"type": "plain_text", "text": t.gettext("Close")},
                "blocks": [{"type": "section", "text": {"type": "plain_text", "text": refusal(
                    t, "not_lost" if deal is None else "not_yours")}}]}
        else:
            view = details_view(t, deal, key=posted.key, offered=u.losses.offered(member.person_id),
                                competitors=u.losses.competitors(), currency=services.settings.currency)
        u.messenger.open_view(trigger_id, view, for_user=slack_user, person_id=member.person_id)
        return u.messenger.enqueued


def save_details(services: Services, *, slack_user: str, view_id: str, metadata: str, reason: str | None,
                 competitor: str | None, note: str | None) -> Outcome:
    """The modal's Save: the reason, competitor and note stored, and the DM edited to show them."""
    posted = Posted.parse(metadata)
    with services.unit() as u:
        member = u.people.by_slack_id(slack_user)
        t = translator(member)
        if member is None or posted is None:
            return Outcome(errors={"reason": refusal(t, "not_yours")})
        found = _answer(u, person_id=member.person_id, deal_id=posted.deal_id, reason=reason or "",
                        details=(competitor, note))
        if not isinstance(found, LostDeal):
            found = found or "not_lost"  # a modal always applies, so never stale
            block = {"competitor_too_long": "competitor_text", "note_too_long": "note"}.get(found, "reason")
            return Outcome(errors={block: refusal(t, found)})
        _show(services, u, posted, found, slack_user=slack_user, person_id=member.person_id, t=t,
              edit=f"{posted.key}:answered:view:{view_id}")
        return Outcome(keys=u.messenger.enqueued)
