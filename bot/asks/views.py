"""Block Kit for asks for help: the rep's modal, the manager's DM with Reply / Add to one-on-one / Join, the reply
modal, and what the rep is told of each answer (the "Need help" button is bot.followups.views.help_button)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from bot import ids
from bot.followups.views import deal_title
from bot.i18n import Translator
from bot.slack_text import literal
from bot.surveys.messages import Blocks
from coaching.asks.service import MAX_NOTE
from coaching.followups.rules import DealState
from coaching.one_on_ones.service import MAX_ITEM_TEXT

MAX_REPLY = 2000  # characters a manager's reply may have


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text[:75]}


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}}


def _quote(text: str) -> str:
    """Someone's own words, escaped so they can neither ping anyone nor look like our formatting."""
    return "\n".join("> " + literal(line) for line in text.splitlines() if line.strip())


def _quoted(text: str) -> Blocks:
    """The quote in sections of at most 3,000 characters (escaping can make a 1,000-character note longer)."""
    blocks: Blocks = []
    for line in _quote(text).split("\n"):
        while line:
            piece, line = line[:2900], (("> " + line[2900:]) if len(line) > 2900 else "")
            if blocks and len(blocks[-1]["text"]["text"]) + len(piece) + 1 <= 3000:
                blocks[-1]["text"]["text"] += "\n" + piece
            else:
                blocks.append(_section(piece))
    return blocks


def ask_view(t: Translator, *, deal: DealState, manager: str, currency: str) -> dict[str, Any]:
    return {"type": "modal", "callback_id": ids.VIEW_ASK_HELP, "private_metadata": str(deal.deal_id),
            "title": _plain(t.gettext("Ask for help")), "submit": _plain(t.gettext("Send")),
            "close": _plain(t.gettext("Cancel")),
            "blocks": [_section(t.gettext("{manager} gets this deal's stage, amount, days without activity and next "
                                          "step, with your note.", manager=literal(manager))),
                       _section(deal_title(t, deal, currency)),
                       {"type": "input", "block_id": "note", "optional": True,
                        "label": _plain(t.gettext("What do you need?")),
                        "element": {"type": "plain_text_input", "action_id": "text", "multiline": True,
                                    "max_length": MAX_NOTE}}]}


def asked_view(t: Translator, *, manager: str) -> dict[str, Any]:
    return {"type": "modal", "title": _plain(t.gettext("Ask for help")), "close": _plain(t.gettext("Close")),
            "blocks": [_section(t.gettext(":incoming_envelope: Sent to {manager}. You hear back here in Slack.",
                                          manager=literal(manager)))]}


def deal_facts(t: Translator, deal: DealState, *, today: date, currency: str) -> str:
    """Stage, amount, days without activity and next step, one per line; "–" where the CRM has nothing."""
    stale = (today - deal.last_activity_on).days if deal.last_activity_on else None
    lines = [t.gettext("Stage: {stage}", stage=literal(deal.stage)),
             t.gettext("Amount: {amount}", amount=t.money(deal.amount, currency) if deal.amount is not None else "–"),
             t.gettext("Days without activity: {days}", days=t.number(stale) if stale is not None else "–"),
             t.gettext("Next step: {step}", step=literal(deal.next_step) if deal.next_step else "–")]
    return "\n".join(lines)


def ask_message(t: Translator, *, ask_id: int, rep: str, deal: DealState | None, note: str, today: date,
                currency: str) -> tuple[str, Blocks]:
    """The manager's DM: who asks about which deal, its facts, the rep's note, and the three answers."""
    title = t.gettext("{rep} asks for your help with a deal", rep=literal(rep))
    blocks: Blocks = [_section(f"*{title}*")]
    if deal is not None:
        blocks.append(_section(deal_title(t, deal, currency) + "\n" + deal_facts(t, deal, today=today,
                                                                                 currency=currency)))
    blocks += _quoted(note)
    value = str(ask_id)
    blocks.append({"type": "actions", "block_id": "ask-answers", "elements": [
        {"type": "button", "action_id": f"{ids.ACTION_ASK_ANSWER}:reply", "style": "primary",
         "text": _plain(t.gettext("Reply")), "value": value},
        {"type": "button", "action_id": f"{ids.ACTION_ASK_ANSWER}:agenda",
         "text": _plain(t.gettext("Add to one-on-one")), "value": value},
        {"type": "button", "action_id": f"{ids.ACTION_ASK_ANSWER}:join",
         "text": _plain(t.gettext("Join the next call")), "value": value}]})
    return title, blocks


def answered(t: Translator, blocks: list[dict[str, Any]], answers: Sequence[str]) -> Blocks:
    """The manager's DM as shown, with what they did so far in place of those buttons; the others stay."""
    status = {"reply": t.gettext(":speech_balloon: You replied."),
              "agenda": t.gettext(":spiral_note_pad: Added to your next one-on-one."),
              "join": t.gettext(":telephone_receiver: You offered to join the next call.")}
    done: Blocks = [{"type": "context", "block_id": "ask-done",
                     "elements": [{"type": "mrkdwn", "text": "\n".join(status[a] for a in answers)}]}]
    shown: Blocks = []
    for block in blocks:
        if block.get("block_id") != "ask-answers":
            shown.append(dict(block))
            continue
        left = [e for e in block["elements"] if e["action_id"].split(":")[1] not in answers]
        shown += done + ([{**block, "elements": left}] if left else [])
    return shown


def reply_view(t: Translator, *, ask_id: int, rep: str) -> dict[str, Any]:
    return {"type": "modal", "callback_id": ids.VIEW_ASK_REPLY, "private_metadata": str(ask_id),
            "title": _plain(t.gettext("Reply")), "submit": _plain(t.gettext("Send")),
            "close": _plain(t.gettext("Cancel")),
            "blocks": [{"type": "input", "block_id": "reply",
                        "label": _plain(t.gettext("Your reply to {rep}", rep=rep)),
                        "element": {"type": "plain_text_input", "action_id": "text", "multiline": True,
                                    "max_length": MAX_REPLY}}]}


def told_rep(t: Translator, *, answer: str, manager: str, deal: DealState | None, reply: str,
             currency: str) -> tuple[str, Blocks]:
    """What the rep gets: the manager's reply, the talking point added, or the offer to join their next call."""
    about = deal_title(t, deal, currency) if deal is not None else "–"
    name = literal(manager)
    if answer == "reply":
        text = t.gettext("{manager} replied about {deal}:", manager=name, deal=about)
        return text, [_section(text), *_quoted(reply)]
    if answer == "agenda":
        text = t.gettext("{manager} added {deal} to your next one-on-one.", manager=name, deal=about)
    else:
        text = t.gettext("{manager} offers to join your next call on {deal}. Send them the invitation.",
                         manager=name, deal=about)
    return text, [_section(text)]


def agenda_point(t: Translator, *, deal: DealState | None, note: str) -> str:
    """The talking point "Add to one-on-one" adds, in the manager's language."""
    name = (deal.account_name or deal.external_id) if deal is not None else "–"
    text = t.gettext("Help with {deal}", deal=name)
    point = f"{text}: {' '.join(note.split())}" if note.strip() else text
    return point if len(point) <= MAX_ITEM_TEXT else point[:MAX_ITEM_TEXT - 1] + "…"  # an agenda item's limit
