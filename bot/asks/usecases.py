"""Asks for help, each one transaction around one coaching.asks.service call: the rep's "Need help" modal and its
submission (the manager's DM), and the manager's Reply / Add to one-on-one / Join (the rep told, the DM edited)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.asks.views import MAX_REPLY, agenda_point, answered, ask_message, ask_view, asked_view, reply_view, told_rep
from bot.bootstrap import Services, Unit
from bot.followups.messenger import SlackNudges, translator
from bot.i18n import Translator
from bot.slack_text import literal
from coaching.asks import service
from coaching.asks.service import MAX_OPEN, Ask, AskError
from coaching.one_on_ones import service as one_on_ones
from coaching.one_on_ones.meetings import OneOnOneError
from coaching.timing import Person, local_date
from surveys.ports import Member


@dataclass
class Outcome:
    keys: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  # a modal's errors by block id
    view: dict[str, Any] | None = None  # what the modal turns into


def refusal(t: Translator, reason: str, *, manager: str = "") -> str:
    """Why an ask or an answer was refused, in the person's language."""
    return {
        "no_manager": t.gettext("The roster names no manager for you, so there is nobody to ask. Ask your admin."),
        "too_many": t.ngettext("You have {n} open ask. Wait for an answer before asking again.",
                               "You have {n} open asks. Wait for an answer to one before asking again.", MAX_OPEN),
        "not_your_deal": t.gettext("Only the deal's owner can ask for help with it."),
        "note_too_long": t.gettext("The note is too long."),
        "not_allowed": t.gettext("Only the rep's manager answers their asks."),
        "no_one_on_one": t.gettext("You have no one-on-one with {rep} yet. Set one with /oneonone, or reply instead.",
                                   rep=manager),
    }[reason]


def _notice(t: Translator, text: str) -> dict[str, Any]:
    return {"type": "modal", "title": {"type": "plain_text", "text": t.gettext("Ask for help")},
            "close": {"type": "plain_text", "text": t.gettext("Close")},
            "blocks": [{"type": "section", "text": {"type": "plain_text", "text": text}}]}


def open_ask_form(services: Services, *, slack_user: str, trigger_id: str, deal_id: int) -> list[str]:
    """"Need help" on a deal: the note modal, or a modal saying why the rep cannot ask now."""
    with services.unit() as u:
        member = u.people.by_slack_id(slack_user)
        if member is None:
            return []
        t = translator(member)
        deal, manager_id = u.nudges.deal(deal_id), u.asks.manager_of(member.person_id)
        reason = "not_your_deal" if deal is None or deal.owner_id != member.person_id else \
            "no_manager" if manager_id is None else \
            "too_many" if len(service.open_to(u.asks, rep_id=member.person_id, manager_id=manager_id)) >= MAX_OPEN \
            else None
        if reason is not None or deal is None or manager_id is None:
            view = _notice(t, refusal(t, reason or "not_your_deal"))
        else:
            manager = u.people.members([manager_id])[manager_id].name
            view = ask_view(t, deal=deal, manager=manager, currency=services.settings.currency)
        u.messenger.open_view(trigger_id, view, for_user=slack_user, person_id=member.person_id)
        return u.messenger.enqueued


def submit_ask(services: Services, *, slack_user: str, view_id: str, deal_id: int, note: str) -> Outcome:
    """The modal's Send: the ask recorded (once per modal) and the manager's DM queued; the modal says it went."""
    with services.unit() as u:
        member = u.people.by_slack_id(slack_user)
        t = translator(member)
        if member is None:
            return Outcome(errors={"note": refusal(t, "no_manager")})
        try:
            ask = service.ask_for_help(u.asks, rep_id=member.person_id, deal_id=deal_id, note=note, now=u.now,
                                       origin=f"view:{view_id}")
        except AskError as refused:
            return Outcome(errors={"note": refusal(t, refused.reason)})
        manager = _send_to_manager(services, u, ask, rep=member)
        return Outcome(keys=u.messenger.enqueued, view=asked_view(t, manager=manager.name if manager else "–"))


def _send_to_manager(services: Services, u: Unit, ask: Ask, *, rep: Member, edit: str | None = None) -> Member | None:
    """The manager's DM about an ask (`edit`: that DM edited in place under this key, its buttons settled)."""
    manager = u.people.members([ask.manager_id]).get(ask.manager_id) if ask.manager_id else None
    if manager is None or not manager.slack_id:
        return manager
    t = translator(manager)
    deal = u.nudges.deal(ask.deal_id) if ask.deal_id else None
    today = local_date(Person(manager.person_id, manager.team_id, manager.tz), u.now)
    text, blocks = ask_message(t, ask_id=ask.id, rep=rep.name, deal=deal, note=ask.note, today=today,
                               currency=services.settings.currency)
    if edit is None:
        u.messenger.post(f"ask:{ask.id}", manager.slack_id, text, blocks, person_id=manager.person_id)
    else:
        SlackNudges(u, currency=services.settings.currency).edit(
            edit, edits_key=f"ask:{ask.id}", text=text, blocks=answered(t, blocks, ask.answers),
            for_user=manager.slack_id, person_id=manager.person_id)
    return manager


def answer(services: Services, *, slack_user: str, ask_id: int, kind: str, trigger_id: str,
           response_url: str | None, reply: str | None = None) -> Outcome:
    """One of the manager's answers, each at most once: Reply opens its modal (the answer is given when it is
    sent); Add to one-on-one and Join are given at once. Each tells the rep and shows in the manager's DM in place of
    its button; a refusal is said to the manager only (through the response URL, or as the reply modal's error)."""
    with services.unit() as u:
        member = u.people.by_slack_id(slack_user)
        if member is None:
            return Outcome()
        t = translator(member)
        ask = u.asks.ask(ask_id)
        rep = u.people.members([ask.rep_id]).get(ask.rep_id) if ask else None
        reason = _answerable(u, ask, member)
        if reason is None and ask is not None and kind in ask.answers:
            return Outcome()  # the same answer again (a retry, a second click): given once, nothing more to do
        if reason is None and ask is not None and rep is not None and kind == "agenda":
            try:
                one_on_ones.pair_between(u.one_on_ones, person_id=member.person_id, other_id=rep.person_id)
            except OneOnOneError:
                reason = "no_one_on_one"
        if reason is not None or ask is None or rep is None:
            text = refusal(t, reason or "not_allowed", manager=literal(rep.name) if rep else "–")
            if reply is not None:  # the reply modal's Send
                return Outcome(errors={"reply": text})
            if response_url:
                u.messenger.respond(f"ask:{ask_id}:refused:{kind}:{trigger_id}", response_url, text, [],
                                    person_id=member.person_id)
            return Outcome(keys=u.messenger.enqueued)
        if kind == "reply" and reply is not None and not reply.strip():
            return Outcome(errors={"reply": t.gettext("Write a reply, or close this and choose another answer.")})
        if kind == "reply" and reply is not None and len(reply) > MAX_REPLY:
            return Outcome(errors={"reply": t.gettext("The reply is too long.")})
        if kind == "reply" and reply is None:
            u.messenger.open_view(trigger_id, reply_view(t, ask_id=ask_id, rep=rep.name), for_user=slack_user,
                                  person_id=member.person_id)
            return Outcome(keys=u.messenger.enqueued)
        try:
            done = service.answer_ask(u.asks, ask_id=ask_id, manager_id=member.person_id, answer=kind, now=u.now)
        except AskError:  # the same answer, by a click that committed meanwhile
            return Outcome()
        deal = u.nudges.deal(done.deal_id) if done.deal_id else None
        if kind == "agenda":
            one_on_ones.add_item(u.one_on_ones, author_id=member.person_id, other_id=rep.person_id,
                                 text=agenda_point(t, deal=deal, note=done.note), now=u.now, origin=f"ask:{ask_id}")
        if rep.slack_id:
            text, blocks = told_rep(translator(rep), answer=kind, manager=member.name, deal=deal, reply=reply or "",
                                    currency=services.settings.currency)
            u.messenger.post(f"ask:{ask_id}:told:{kind}", rep.slack_id, text, blocks, person_id=rep.person_id)
        _send_to_manager(services, u, done, rep=rep, edit=f"ask:{ask_id}:answered:{kind}")
        return Outcome(keys=u.messenger.enqueued)


def _answerable(u: Unit, ask: Ask | None, member: Member) -> str | None:
    """Why this person may not answer this ask now (None: they may)."""
    return "not_allowed" if ask is None or u.asks.manager_of(ask.rep_id) != member.person_id else None

