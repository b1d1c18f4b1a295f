"""Complaints, each one transaction around one coaching.complaints.service call: the `/complaint` modal and its
submission, the owner's Resolve and Snooze, the `complaints` job, and a case from the webhook or an import."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.bootstrap import Services, Unit
from bot.complaints.views import (
    complaint_view,
    logged_view,
    overdue_message,
    owner_message,
    refusal,
    resolved_status,
    settle,
    snoozed_status,
)
from bot.followups.messenger import SlackNudges, translator
from bot.slack_text import plain
from coaching.access import NotAllowed
from coaching.clicks import StaleClick
from coaching.complaints import service
from coaching.complaints.service import SNOOZE_HOURS, Case, Complaint, ComplaintError
from coaching.timing import Person

OWNER_DM = re.compile(r"complaint:\d+(:half(:\d+)?|:owner:\d+)?")  # the owner's DMs, which carry the buttons


@dataclass
class Outcome:
    keys: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  # a modal's errors by block id
    view: dict[str, Any] | None = None


class SlackComplaints:
    """coaching.complaints.service.ComplaintMessenger over one unit's outbox, each DM in its reader's language."""

    def __init__(self, u: Unit) -> None:
        self.u = u

    def _account(self, complaint: Complaint) -> str:
        names = self.u.complaints.account_names([complaint.account_id])
        return names.get(complaint.account_id or 0, "–")

    def _dm(self, person_id: int, key: str, render: Any, not_before: datetime) -> None:
        member = self.u.people.members([person_id]).get(person_id)
        if member is None or not member.slack_id:
            return
        text, blocks = render(translator(member))
        self.u.messenger.post(key, member.slack_id, text, blocks, person_id=person_id, not_before=not_before)

    def tell_owner(self, complaint: Complaint, *, owner: Person, not_before: datetime, key: str | None = None) -> None:
        account, message = self._account(complaint), key or f"complaint:{complaint.id}"
        self._dm(owner.person_id, message, lambda t: owner_message(t, complaint, account=account, message=message),
                 not_before)

    def nudge_owner(self, complaint: Complaint, *, owner: Person, key: str, not_before: datetime) -> None:
        account = self._account(complaint)
        self._dm(owner.person_id, key, lambda t: owner_message(t, complaint, account=account, message=key,
                                                               half=True), not_before)

    def tell_manager(self, complaint: Complaint, *, manager: Person, not_before: datetime) -> None:
        account = self._account(complaint)
        owner_id = complaint.owner_id or 0
        owner = self.u.people.members([owner_id]).get(owner_id)
        self._dm(manager.person_id, f"complaint:{complaint.id}:overdue", lambda t: overdue_message(
            t, complaint, account=account, owner=owner.name if owner else "–"), not_before)


def _hours(services: Services) -> float:
    return services.settings.complaint_hours


def open_form(services: Services, *, slack_user: str, trigger_id: str, account: str) -> list[str]:
    """`/complaint [account]`: the modal, the account prefilled."""
    with services.unit() as u:
        member = u.people.by_slack_id(slack_user)
        t = translator(member)
        view = complaint_view(t, account=plain(account)) if member is not None else {
            "type": "modal", "title": {"type": "plain_text", "text": t.gettext("Log a complaint")},
            "close": {"type": "plain_text", "text": t.gettext("Close")},
            "blocks": [{"type": "section", "text": {"type": "plain_text", "text": refusal(t, "not_in_roster")}}]}
        u.messenger.open_view(trigger_id, view, for_user=slack_user,
                              person_id=member.person_id if member else None)
        return u.messenger.enqueued


def submit(services: Services, *, slack_user: str, view_id: str, account: str, text: str, owner: str) -> Outcome:
    """The modal's Log it: the complaint recorded once per modal, its owner told; the modal says by when."""
    with services.unit() as u:
        member = u.people.by_slack_id(slack_user)
        t = translator(member)
        if member is None:
            return Outcome(errors={"account": refusal(t, "not_in_roster")})
        found = u.complaints.account_named(account)
        if found is None:
            return Outcome(errors={"account": refusal(t, "no_account",
                                                      suggestions=u.complaints.accounts_like(account))})
        owner_id = None
        if owner:
            chosen = u.people.by_slack_id(owner)
            if chosen is None:
                return Outcome(errors={"owner": refusal(t, "no_owner")})
            owner_id = chosen.person_id
        try:
            complaint = service.log_complaint(u.complaints, SlackComplaints(u), account_id=found.id, text=text,
                                              owner_id=owner_id, logged_by=member.person_id, now=u.now,
                                              origin=f"view:{view_id}", hours=_hours(services))
        except ComplaintError as refused:
            block = "owner" if refused.reason == "no_owner" else "text"
            return Outcome(errors={block: refusal(t, refused.reason)})
        except NotAllowed:
            return Outcome(errors={"text": refusal(t, "not_owner")})
        who = u.people.members([complaint.owner_id or 0]).get(complaint.owner_id or 0)
        return Outcome(keys=u.messenger.enqueued, view=logged_view(t, owner=who.name if who else "–",
                                                                    due=complaint.due_at))


def act(services: Services, *, slack_user: str, verb: str, value: str, blocks: Sequence[dict[str, Any]],
        response_url: str | None, action_ts: str | None = None) -> list[str]:
    """Resolved or Snooze on the owner's DM: recorded (a late or replayed click changes nothing) and the DM edited
    in place to show the new state; someone else's click is refused to them alone."""
    parts = value.split("|")
    if len(parts) < 2 or not parts[0].isdigit() or verb not in ("resolve", "snooze"):
        return []
    complaint_id, message = int(parts[0]), parts[1]
    hours = int(parts[2]) if verb == "snooze" and len(parts) > 2 and parts[2].isdigit() else 0
    if not OWNER_DM.fullmatch(message) or message.split(":")[1] != str(complaint_id) or (
            verb == "snooze" and hours not in SNOOZE_HOURS):
        return []  # a forged value (another message, such as the manager's): nothing of it is anyone's to act on
    with services.unit() as u:
        member = u.people.by_slack_id(slack_user)
        if member is None:
            return []
        t = translator(member)
        try:
            if verb == "resolve":
                done = service.resolve(u.complaints, complaint_id=complaint_id, person_id=member.person_id,
                                       now=u.now, action_ts=action_ts)
                status, state = resolved_status(t, u.now), "resolved"
            else:
                done = service.snooze(u.complaints, complaint_id=complaint_id, person_id=member.person_id,
                                      hours=hours, now=u.now, action_ts=action_ts)
                status, state = snoozed_status(t, done.due_at), f"snoozed:{done.snoozes}"
        except StaleClick:
            return []  # a late copy of an older click, or resolved already: the DM shows what came after it
        except ComplaintError:
            if response_url:
                text = refusal(t, "not_owner")
                u.messenger.respond(f"complaint:{complaint_id}:refused:{member.person_id}:{action_ts or ''}",
                                    response_url, text, [{"type": "section", "text": {"type": "mrkdwn",
                                                                                       "text": text}}],
                                    person_id=member.person_id)
            return u.messenger.enqueued
        fresh = settle(blocks, status)
        SlackNudges(u, currency=services.settings.currency).edit(
            f"{message}:{state}", edits_key=message, text=status, blocks=fresh, for_user=slack_user,
            person_id=member.person_id)
        return u.messenger.enqueued


def send_due(services: Services, now: datetime) -> str:
    """The `complaints` job: half-time nudges to owners and overdue words to their managers, each once."""
    with services.unit(now) as u:
        nudged, told = service.send_due(u.complaints, SlackComplaints(u), now=now)
    services.delivery.wake()
    return f"queued {nudged} complaint nudge(s) and {told} overdue complaint message(s)"


def take_cases(services: Services, u: Unit, cases: Sequence[Case], *, source: service.Source) -> tuple[int, int, int]:
    """Cases from an import or the webhook in this unit: (added, updated, unchanged); new open ones' owners told."""
    return service.receive_cases(u.complaints, SlackComplaints(u), cases, source=source, now=u.now,
                                 hours=_hours(services))
