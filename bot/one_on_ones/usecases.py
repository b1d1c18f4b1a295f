"""One-on-ones in Slack: `/oneonone` (set a cadence, add a talking point or an action item, list your one-on-ones)
and the scheduled reminders, outcome prompts, overdue and recognition-gap nudges."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.availability import away_rule
from bot.bootstrap import Services, Unit
from bot.followups.messenger import SlackNudges, translator
from bot.i18n import N_, Translator
from bot.one_on_ones.clicks import refresh_reminders
from bot.one_on_ones.prep import StoredPrep
from bot.one_on_ones.views import cadence_text, help_blocks, pairs_blocks
from bot.slack_text import literal, plain
from coaching.access import NotAllowed
from coaching.one_on_ones import service
from coaching.one_on_ones.meetings import OneOnOneError, next_meeting
from coaching.timing import at_local
from surveys.ports import Member

MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class Refused(Exception):
    """A `/oneonone` request that cannot be done; the message (English, translated when shown) says why."""


@dataclass(frozen=True)
class Request:
    verb: str  # "set", "add", "action", "list" or "help"
    other: str = ""  # the Slack id mentioned
    words: tuple[str, ...] = ()  # set: cadence, day, time
    text: str = ""
    mine: bool = False  # an action item the asker owns
    due: date | None = None


def parse(text: str) -> Request:
    """`@rep weekly DAY HH:MM` | `add @person text` | `action @person [me] YYYY-MM-DD text` | `list` | `help`."""
    words = text.split()
    if not words or words[0].lower() == "list":
        return Request("list")
    verb = words[0].lower()
    if verb in ("add", "action"):
        if len(words) < 3 or not MENTION.match(words[1]):
            raise Refused(N_("Mention the person with @, then the text: /oneonone add @person what to talk about"))
        other, rest = _mention(words[1]), text.split(None, 2)[2]
        if verb == "add":
            return Request("add", other, text=plain(rest))
        mine = rest.split()[0].lower() == "me"
        rest = rest.split(None, 1)[1] if mine and len(rest.split()) > 1 else rest
        first, _, body = rest.partition(" ")
        if not DAY.match(first) or not body.strip():
            raise Refused(N_("Say the due date and the text: /oneonone action @person [me] 2026-12-04 send the quote"))
        try:
            due = date.fromisoformat(first)
        except ValueError:
            raise Refused(N_("Say the due date as YYYY-MM-DD, e.g. 2026-12-04.")) from None
        return Request("action", other, text=plain(body.strip()), mine=mine, due=due)
    if MENTION.match(words[0]) and len(words) == 4:
        return Request("set", _mention(words[0]), tuple(words[1:]))
    return Request("help")


def _mention(word: str) -> str:
    match = MENTION.match(word)
    return match.group(1) if match else ""


def answer(services: Services, *, slack_user: str, text: str, response_url: str, key: str) -> list[str]:
    """Do what `/oneonone ...` asks and queue the reply for the asker only; returns the outbox keys."""
    with services.unit() as u:
        viewer = u.people.by_slack_id(slack_user)
        t = translator(viewer)
        try:
            if viewer is None:
                raise Refused(N_("You are not in the roster yet. Ask your admin to add you."))
            title, blocks = _reply(services, u, viewer, t, parse(text), key)
        except Refused as refusal:
            title, blocks = t.gettext(str(refusal)), []
        except OneOnOneError as refusal:  # it may quote what they typed
            title, blocks = literal(str(refusal)), []
        u.messenger.respond(key, response_url, title, blocks or [
            {"type": "section", "text": {"type": "mrkdwn", "text": title}}],
            person_id=viewer.person_id if viewer else None)
        return u.messenger.enqueued


def _other(u: Unit, slack_id: str) -> Member:
    other = u.people.by_slack_id(slack_id)
    if other is None:
        raise Refused(N_("That person is not in the roster."))
    return other


def _reply(services: Services, u: Unit, viewer: Member, t: Translator, request: Request,
           key: str) -> tuple[str, list[dict[str, object]]]:
    store = u.one_on_ones
    if request.verb == "help":
        return t.gettext("/oneonone: one-on-ones and their agenda"), help_blocks(t)
    if request.verb == "list":
        pairs = service.standing_pairs(store, person_id=viewer.person_id)
        names = {p: m.name for p, m in u.people.members({x for p in pairs for x in (p.manager_id, p.rep_id)}).items()}
        agendas = {p.id: service.agenda_of(store, pair_id=p.id, person_id=viewer.person_id, now=u.now) for p in pairs}
        return t.gettext("Your one-on-ones"), pairs_blocks(t, viewer.person_id, pairs, agendas, names)
    other = _other(u, request.other)
    if request.verb == "set":
        try:
            pair = service.set_one_on_one(store, manager_id=viewer.person_id, rep_id=other.person_id,
                                          cadence=request.words[0], weekday=request.words[1], at=request.words[2],
                                          now=u.now)
        except NotAllowed:
            raise Refused(N_("You can set one-on-ones only with your direct reports.")) from None
        today = u.now.astimezone(ZoneInfo(viewer.tz)).date()
        day = next_meeting(pair, store.meetings(pair_ids=[pair.id]), today=today)
        when = t.when(at_local(day, pair.cadence.at, viewer.tz)) if day else "–"
        text = t.gettext("One-on-one with {name}: {cadence}, your time. The next is {when}; you both get the agenda "
                         "the working day before.", name=literal(other.name), cadence=cadence_text(t, pair), when=when)
        return text, []
    owner = (viewer.person_id if request.mine else other.person_id) if request.verb == "action" else None
    try:
        item = service.add_item(store, author_id=viewer.person_id, other_id=other.person_id, text=request.text,
                                now=u.now, kind="action" if request.verb == "action" else "talking_point",
                                owner_id=owner, due=request.due, origin=f"command:{key}")
    except NotAllowed:
        raise Refused(N_("You have no one-on-one with that person.")) from None
    pair = service.pair_between(store, person_id=viewer.person_id, other_id=other.person_id)
    agenda = service.agenda_of(store, pair_id=pair.id, person_id=viewer.person_id, now=u.now)
    if agenda is not None:
        refresh_reminders(services, u, pair, agenda.meeting_on, event=f"added:{item.id}")
    text = t.gettext("Added to your next one-on-one with {name}: {text}", name=literal(other.name),
                     text=literal(item.text))
    return text, []


def send_one_on_ones(services: Services, now: datetime) -> str:
    """The `one_on_ones` job: reminders the working day before (the manager's with the prep), Held/Moved/Skipped
    prompts after the slot, and managers' nudges when none was held for 1.5 times the cadence."""
    s = services.settings
    with services.unit(now) as u:
        sent = service.send_one_on_one_nudges(u.one_on_ones, SlackNudges(u, currency=s.currency),
                                              StoredPrep(u, threshold=s.anonymity_threshold), now=now,
                                              morning=s.nudge_at, away=away_rule(s))
    services.delivery.wake()
    return (f"queued {sent.reminders} reminder(s), {sent.outcome_prompts} outcome prompt(s), "
            f"{sent.overdue} overdue nudge(s)")


def send_recognition_gaps(services: Services, now: datetime) -> str:
    """The `recognition_gaps` job: managers nudged about direct reports not recognised for too long."""
    s = services.settings
    with services.unit(now) as u:
        gaps = service.send_recognition_gaps(u.one_on_ones, SlackNudges(u, currency=s.currency), now=now,
                                             threshold_days=s.recognition_gap_days, morning=s.nudge_at,
                                             away=away_rule(s))
    services.delivery.wake()
    return f"queued {len(gaps)} recognition-gap nudge(s)"
