"""One-on-one buttons and the modal: Held/Moved/Skipped, Done on an action item, "Add a talking point". Each
records once (a Slack retry changes nothing) and edits the DMs concerned in place through the outbox."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.bootstrap import Services, Unit
from bot.followups.messenger import SlackNudges, reminder_key, translator
from bot.one_on_ones.prep import StoredPrep
from bot.one_on_ones.views import add_item_view, outcome_message, outcome_value
from coaching.access import NotAllowed
from coaching.clicks import StaleClick
from coaching.one_on_ones import service
from coaching.one_on_ones.meetings import AgendaItem, Meeting, OneOnOneError, Pair, build_agenda, last_held
from coaching.timing import local_date

REMINDER_KEY = re.compile(r"^1on1:(\d+):(\d{4}-\d{2}-\d{2}):reminder:(\d+)$")


@dataclass
class Outcome:
    keys: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  # a modal's errors by block id


def refresh_reminders(services: Services, u: Unit, pair: Pair, meeting_on: date, *, event: str,
                      done: AgendaItem | None = None) -> None:
    """Edit the reminders already sent for this meeting (either side) to show the agenda as it stands now."""
    store = u.one_on_ones
    if not service.stands(store, pair):  # the rep moved: their old manager's reminder shows nothing new
        return
    keys = {person: reminder_key(pair.id, meeting_on, person) for person in (pair.manager_id, pair.rep_id)}
    sent = u.outbox.existing(list(keys.values()))
    if not sent:
        return
    out = SlackNudges(u, currency=services.settings.currency)
    meetings = store.meetings(pair_ids=[pair.id])
    agenda = build_agenda(pair=pair, items=store.agenda_items(pair_ids=[pair.id]), meeting_on=meeting_on)
    for person, key in keys.items():
        if key not in sent:
            continue
        prep = None
        manager = store.person(pair.manager_id)
        if person == pair.manager_id and manager is not None:
            prep = StoredPrep(u, threshold=services.settings.anonymity_threshold).prep(
                rep_id=pair.rep_id, manager_id=pair.manager_id, since=last_held(pair, meetings),
                today=local_date(manager, u.now))
        out.reminder(person, pair, meeting_on, agenda, prep, key=key, edit=f"{key}:edit:{event}", done=done)


def record_outcome(services: Services, *, slack_user: str, value: str, outcome: str, moved_to: date | None,
                   response_url: str | None, action_ts: str | None = None) -> list[str]:
    """Held, Moved (perhaps to a day) or Skipped: recorded, and the prompt edited; the same choice again (a
    Slack retry) records and edits nothing."""
    pair_id, day, key = outcome_value(value)
    with services.unit() as u:
        member = u.people.by_slack_id(slack_user)
        if member is None:
            return []
        store = u.one_on_ones
        recorded = next((m for m in store.meetings(pair_ids=[pair_id]) if m.day == day), None)
        if recorded is not None and (recorded.outcome, recorded.moved_to) == (outcome, moved_to):
            return []
        t = translator(member)
        try:
            service.record_outcome(store, pair_id=pair_id, meeting_on=day, outcome=outcome, person_id=member.person_id,
                                   now=u.now, moved_to=moved_to, action_ts=action_ts)
        except StaleClick:
            return []  # a late copy of an older click: the prompt already shows what came after it
        except (OneOnOneError, NotAllowed) as refusal:
            if response_url:
                u.messenger.respond(f"{key}:refused:{outcome}:{moved_to}", response_url, str(refusal), [],
                                    person_id=member.person_id)
            return u.messenger.enqueued
        pair = store.pair(pair_id)
        rep = u.people.members([pair.rep_id])[pair.rep_id].name if pair else "?"
        text, blocks = outcome_message(t, rep=rep, pair_id=pair_id, meeting_on=day, key=key,
                                       recorded=Meeting(pair_id, day, outcome, moved_to))
        before = f"{recorded.outcome}:{recorded.moved_to or '-'}" if recorded else "none"
        # a replay finds the outcome recorded and returned above; a click is its action_ts (the same change made
        # again later, such as back to an earlier outcome, is another click and another edit)
        click = action_ts or secrets.token_hex(8)
        SlackNudges(u, currency=services.settings.currency).edit(
            f"{key}:edit:{before}>{outcome}:{moved_to or '-'}:{click}", edits_key=key, text=text, blocks=blocks,
            for_user=slack_user, person_id=member.person_id)
        return u.messenger.enqueued


def complete_item(services: Services, *, slack_user: str, value: str, response_url: str | None) -> list[str]:
    """Done on an action item: marked done once, and both sides' reminders edited to show it."""
    item_id, key = value.split("|", 1)
    match = REMINDER_KEY.match(key)
    with services.unit() as u:
        member = u.people.by_slack_id(slack_user)
        if member is None or match is None:
            return []
        try:
            item = service.complete_item(u.one_on_ones, item_id=int(item_id), person_id=member.person_id, now=u.now)
        except (OneOnOneError, NotAllowed) as refusal:
            if response_url:
                u.messenger.respond(f"{key}:item:{item_id}:refused", response_url, str(refusal), [],
                                    person_id=member.person_id)
            return u.messenger.enqueued
        pair = u.one_on_ones.pair(item.pair_id)
        if pair is not None:
            refresh_reminders(services, u, pair, date.fromisoformat(match.group(2)), event=f"done:{item.id}",
                              done=item)
        return u.messenger.enqueued


def open_add_form(services: Services, *, slack_user: str, trigger_id: str, key: str) -> list[str]:
    """The reminder's "Add a talking point" button opens the modal (once per trigger)."""
    match = REMINDER_KEY.match(key)
    with services.unit() as u:
        member = u.people.by_slack_id(slack_user)
        if member is None or match is None:
            return []
        try:
            pair = service.pair_for(u.one_on_ones, pair_id=int(match.group(1)), person_id=member.person_id)
        except (OneOnOneError, NotAllowed):
            return []
        other = pair.rep_id if member.person_id == pair.manager_id else pair.manager_id
        name = u.people.members([other])[other].name
        u.messenger.open_view(trigger_id, add_item_view(translator(member), other=name, reminder_key=key),
                              for_user=slack_user, person_id=member.person_id)
        return u.messenger.enqueued


def submit_add_form(services: Services, *, slack_user: str, view_id: str, key: str,
                    form: dict[str, Any]) -> Outcome:
    """The modal's Add: one agenda item (once per view), then the reminders of that meeting edited to show it."""
    match = REMINDER_KEY.match(key)
    with services.unit() as u:
        member = u.people.by_slack_id(slack_user)
        t = translator(member)
        try:
            if member is None or match is None:
                raise OneOnOneError("no such one-on-one")
            pair = service.pair_for(u.one_on_ones, pair_id=int(match.group(1)), person_id=member.person_id)
        except (OneOnOneError, NotAllowed):
            return Outcome(errors={"text": t.gettext("This one-on-one no longer exists.")})
        other = pair.rep_id if member.person_id == pair.manager_id else pair.manager_id
        owner = {"me": member.person_id, "other": other}.get(form["owner"] or "")
        if form["kind"] == "action" and owner is None:
            return Outcome(errors={"owner": t.gettext("Say who does this action item.")})
        try:
            item = service.add_item(u.one_on_ones, author_id=member.person_id, other_id=other, text=form["text"],
                                    now=u.now, kind=form["kind"], owner_id=owner, due=form["due"],
                                    origin=f"view:{view_id}")
        except (OneOnOneError, NotAllowed) as refusal:
            return Outcome(errors={"text": str(refusal)})
        refresh_reminders(services, u, pair, date.fromisoformat(match.group(2)), event=f"added:{item.id}")
        return Outcome(keys=u.messenger.enqueued)
