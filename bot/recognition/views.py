"""Block Kit for giving recognition: the kudos and /win modals (and reading them back), the replies only the
asker sees (sent, refused, history, help), and the App Home's kudos button."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from bot import ids
from bot.i18n import Translator
from bot.recognition.messages import Blocks, kudos_text, mention
from bot.slack_text import literal
from coaching.recognition.kudos import MAX_MESSAGE_LENGTH, Allowance, CompanyValue, Kudos
from coaching.recognition.records import RecognitionError
from coaching.recognition.shout_outs import KudosHistory
from coaching.recognition.wins import MAX_NOTES_LENGTH, TEXT_FIELDS

MAX_RECEIVERS = 10
FIELD_OF = {  # a refusal's code -> the modal block it is about
    **dict.fromkeys(("no_receiver", "self_kudos", "unknown_receiver", "cap_reached", "over_cap", "unknown_giver"),
                    "receivers"),
    **dict.fromkeys(("unknown_value", "no_values", "two_values"), "company_value"),
    **dict.fromkeys(("empty_message", "too_long"), "message"),
    **dict.fromkeys(("account_empty", "account_too_long", "unknown_rep"), "account"),
    **dict.fromkeys(("amount_not_number", "amount_negative"), "amount"), "notes_too_long": "notes"}


def _plain(text: str, limit: int = 3000) -> dict[str, Any]:
    return {"type": "plain_text", "text": text[:limit]}


def _input(block_id: str, label: str, element: dict[str, Any], *, optional: bool = False) -> dict[str, Any]:
    return {"type": "input", "block_id": block_id, "label": _plain(label, 2000), "element": element,
            "optional": optional}


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}}


def refusal(t: Translator, error: RecognitionError) -> str:
    """A refused kudos or win in the reader's language; dates and counts in their locale."""
    params = {k: t.date(v) if isinstance(v, date) else t.number(v) if isinstance(v, int) else literal(str(v))
              for k, v in error.params.items()}
    return t.gettext(error.template, **params)  # right to left, each value isolated like any other


def field_errors(t: Translator, error: RecognitionError) -> dict[str, str]:
    """A modal's `errors`, on the block the problem is about."""
    return {FIELD_OF.get(error.code, "message"): refusal(t, error)[:150]}


def kudos_view(t: Translator, values: Sequence[CompanyValue]) -> dict[str, Any]:
    """Who (people picker), the company value (optional) and the message."""
    blocks: Blocks = [_input("receivers", t.gettext("Who are the kudos for?"), {
        "type": "multi_users_select", "action_id": "value", "max_selected_items": MAX_RECEIVERS,
        "placeholder": _plain(t.gettext("Pick one or more people"), 150)})]
    active = [v for v in values if v.active][:100]
    if active:
        options = [{"text": _plain(f"#{v.name}", 75), "value": v.name,
                    **({"description": _plain(literal(t.gettext(v.description)), 75)} if v.description else {})}
                   for v in active]
        blocks.append(_input("company_value", t.gettext("Company value"), {
            "type": "static_select", "action_id": "value", "options": options,
            "placeholder": _plain(t.gettext("Pick a value"), 150)}, optional=True))
    blocks.append(_input("message", t.gettext("What did they do?"), {
        "type": "plain_text_input", "action_id": "value", "multiline": True, "max_length": MAX_MESSAGE_LENGTH}))
    return {"type": "modal", "callback_id": ids.VIEW_KUDOS, "title": _plain(t.gettext("Give kudos"), 24),
            "submit": _plain(t.gettext("Send"), 24), "close": _plain(t.gettext("Cancel"), 24), "blocks": blocks}


def parse_kudos_view(values: dict[str, Any]) -> dict[str, Any]:
    """A kudos_view submission as plain values: receivers (Slack ids), value (or None), message."""
    chosen = ((values.get("company_value") or {}).get("value") or {}).get("selected_option") or {}
    return {"receivers": list(values["receivers"]["value"].get("selected_users") or []),
            "value": chosen.get("value"), "message": values["message"]["value"].get("value") or ""}


def win_view(t: Translator, *, account: str = "") -> dict[str, Any]:
    """The account won, the amount (optional) and notes (optional)."""
    account_input: dict[str, Any] = {"type": "plain_text_input", "action_id": "value",
                                     "max_length": TEXT_FIELDS["account"]}
    if account:
        account_input["initial_value"] = account[:TEXT_FIELDS["account"]]
    return {"type": "modal", "callback_id": ids.VIEW_WIN, "title": _plain(t.gettext("Log a win"), 24),
            "submit": _plain(t.gettext("Post"), 24), "close": _plain(t.gettext("Cancel"), 24), "blocks": [
                _input("account", t.gettext("Account"), account_input),
                _input("amount", t.gettext("Amount"), {"type": "plain_text_input", "action_id": "value",
                                                       "placeholder": _plain("12500", 150)}, optional=True),
                _input("notes", t.gettext("Notes"), {"type": "plain_text_input", "action_id": "value",
                                                     "multiline": True, "max_length": MAX_NOTES_LENGTH},
                       optional=True),
                {"type": "context", "elements": [{"type": "mrkdwn", "text": t.gettext(
                    "Posted to your team's recognition channel as logged by you. Deals from the CRM are posted "
                    "by themselves.")}]}]}


def parse_win_view(values: dict[str, Any]) -> dict[str, Any]:
    def text(block: str) -> str:
        return str(((values.get(block) or {}).get("value") or {}).get("value") or "")

    return {"account": text("account"), "amount": text("amount") or None, "notes": text("notes") or None}


def kudos_sent(t: Translator, kudos: Kudos, allowance: Allowance | None) -> tuple[str, Blocks]:
    """The giver's confirmation, with what is left of the week's cap."""
    names = ", ".join(mention(r) for r in kudos.receivers)
    lines = [t.gettext("Your kudos to {names} is posted.", names=names)]
    if allowance is not None and allowance.cap is not None and allowance.remaining is not None:
        lines.append(t.gettext("You can give {remaining} more of {cap} this week.",
                               remaining=t.number(allowance.remaining), cap=t.number(allowance.cap)))
    text = " ".join(lines)
    return text, [_section(text)]


def reply(text: str) -> tuple[str, Blocks]:
    return text, [_section(text)]


def kudos_help(t: Translator, values: Sequence[CompanyValue]) -> tuple[str, Blocks]:
    usage = t.gettext("*/kudos @person [@person …] [#value] message* thanks colleagues in the team's recognition "
                      "channel. */kudos* alone opens a form, */kudos history* lists what you gave and received.")
    active = [f"*#{v.name}*" + (f" — {literal(t.gettext(v.description))}" if v.description else "")
              for v in values if v.active]
    text = usage + ("\n" + t.gettext("Company values:") + "\n" + "\n".join(active) if active else "")
    return reply(text)


def history_message(t: Translator, history: KudosHistory, names: Mapping[str, str]) -> tuple[str, Blocks]:
    """The latest kudos the person received and gave, newest first (`names`: as for kudos_text)."""

    def line(k: Kudos, received: bool) -> str:
        who = mention(k.giver) if received else ", ".join(mention(r) for r in k.receivers)
        value = f" *#{k.value}*" if k.value else ""
        message = kudos_text(k, names, limit=150)
        return f"• {t.date(k.created_at.astimezone(ZoneInfo(t.tz)).date())} {who}{value}: {message}"

    title = t.gettext("Your kudos")
    blocks: Blocks = [{"type": "header", "text": _plain(title, 150)}]
    for heading, items, received in ((t.gettext("Received"), history.received, True),
                                     (t.gettext("Given"), history.given, False)):
        body = "\n".join(line(k, received) for k in items) or t.gettext("None yet.")
        blocks.append(_section(f"*{heading}*\n{body}"))
    return title, blocks


def kudos_button(t: Translator) -> dict[str, Any]:
    """An actions block for the App Home: opens the kudos modal (RecognitionListeners.on_kudos_button)."""
    return {"type": "actions", "block_id": "kudos", "elements": [
        {"type": "button", "action_id": ids.ACTION_KUDOS_OPEN, "style": "primary",
         "text": _plain(t.gettext("Give kudos"), 75)}]}
