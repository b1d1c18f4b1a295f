"""Block Kit for complaints: the `/complaint` modal, the owner's DM and half-time nudge (Resolve, Snooze), the
manager's overdue word, and the states a click leaves in the DM."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot import ids
from bot.i18n import Translator
from bot.slack_text import literal
from bot.surveys.messages import Blocks
from coaching.complaints.service import MAX_TEXT, SNOOZE_HOURS, Complaint

ACTIONS = "complaint-actions"


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text[:75]}


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}}


def _context(text: str, block_id: str | None = None) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "context", "elements": [{"type": "mrkdwn", "text": text[:3000]}]}
    if block_id:
        block["block_id"] = block_id
    return block


def _quote(text: str) -> str:
    """The customer's words as logged, escaped so they can neither ping anyone nor look like our formatting."""
    quoted = "\n".join("> " + literal(line) for line in text.splitlines() if line.strip())
    return quoted if len(quoted) <= 2900 else quoted[:2899] + "…"


def complaint_view(t: Translator, *, account: str = "") -> dict[str, Any]:
    """`/complaint [account]`: the account (required), what the customer said, and the owner (optional)."""
    account_input: dict[str, Any] = {"type": "plain_text_input", "action_id": "name", "max_length": 200}
    if account:
        account_input["initial_value"] = account[:200]
    return {"type": "modal", "callback_id": ids.VIEW_COMPLAINT, "title": _plain(t.gettext("Log a complaint")),
            "submit": _plain(t.gettext("Log it")), "close": _plain(t.gettext("Cancel")),
            "blocks": [{"type": "input", "block_id": "account", "label": _plain(t.gettext("Account")),
                        "hint": _plain(t.gettext("The account's name as in the CRM")), "element": account_input},
                       {"type": "input", "block_id": "text", "label": _plain(t.gettext("What did the customer say?")),
                        "element": {"type": "plain_text_input", "action_id": "text", "multiline": True,
                                    "max_length": MAX_TEXT}},
                       {"type": "input", "block_id": "owner", "optional": True, "label": _plain(t.gettext("Owner")),
                        "hint": _plain(t.gettext("Empty: the account's owner, or you")),
                        "element": {"type": "users_select", "action_id": "person"}}]}


def parse_complaint_view(values: dict[str, Any]) -> dict[str, str]:
    return {"account": (values.get("account", {}).get("name", {}).get("value") or "").strip(),
            "text": values.get("text", {}).get("text", {}).get("value") or "",
            "owner": values.get("owner", {}).get("person", {}).get("selected_user") or ""}


def logged_view(t: Translator, *, owner: str, due: datetime) -> dict[str, Any]:
    return {"type": "modal", "title": _plain(t.gettext("Log a complaint")), "close": _plain(t.gettext("Close")),
            "blocks": [_section(t.gettext(":memo: Logged. {owner} owns it; it is due {due}.", owner=literal(owner),
                                          due=t.when(due)))]}


def _actions(t: Translator, complaint_id: int, message: str) -> dict[str, Any]:
    value = f"{complaint_id}|{message}"
    return {"type": "actions", "block_id": ACTIONS, "elements": [
        {"type": "button", "action_id": f"{ids.ACTION_COMPLAINT}:resolve", "style": "primary",
         "text": _plain(t.gettext("Resolved")), "value": value},
        {"type": "static_select", "action_id": f"{ids.ACTION_COMPLAINT}:snooze", "placeholder": _plain(t.gettext(
            "Snooze")), "options": [{"text": _plain(t.ngettext("{n} working hour", "{n} working hours", hours)),
                                     "value": f"{value}|{hours}"} for hours in SNOOZE_HOURS]}]}


def owner_message(t: Translator, complaint: Complaint, *, account: str, message: str,
                  half: bool = False) -> tuple[str, Blocks]:
    """The owner's DM (`message` names it, for the buttons' edits): which account, by when, the customer's words."""
    name = literal(account)
    title = (t.gettext("Half the time to answer is gone: the complaint from {account} is due {due}", account=name,
                       due=t.when(complaint.due_at)) if half else
             t.gettext("A complaint from {account} is yours to answer by {due}", account=name,
                       due=t.when(complaint.due_at)))
    blocks: Blocks = [_section(f"*{title}*"), _section(_quote(complaint.text)), _actions(t, complaint.id, message),
                      _context(t.gettext("A fast answer lowers the customer's worry. Resolved closes it; Snooze gives "
                                         "you 1, 2 or 4 more working hours. Your manager hears of it when it is "
                                         "overdue."))]
    return title, blocks


def overdue_message(t: Translator, complaint: Complaint, *, account: str, owner: str) -> tuple[str, Blocks]:
    """The owner's manager, once, when a complaint is overdue."""
    title = t.gettext("{owner}'s complaint from {account} is overdue since {due}", owner=literal(owner),
                      account=literal(account), due=t.when(complaint.due_at))
    return title, [_section(f"*{title}*"), _section(_quote(complaint.text)),
                   _context(t.gettext("Logged {opened}. Ask {owner} whether they need help.",
                                      opened=t.when(complaint.opened_at), owner=literal(owner)))]


def resolved_status(t: Translator, when: datetime) -> str:
    return t.gettext(":white_check_mark: Resolved {when}.", when=t.when(when))


def snoozed_status(t: Translator, due: datetime) -> str:
    return t.gettext(":zzz: Snoozed: now due {due}.", due=t.when(due))


def settle(blocks: Sequence[dict[str, Any]], status: str) -> Blocks:
    """The DM as shown, its buttons replaced by the complaint's new state."""
    return [_context(status, ACTIONS) if block.get("block_id") == ACTIONS else dict(block) for block in blocks]


def refusal(t: Translator, reason: str, *, suggestions: Sequence[str] = ()) -> str:
    """Why a complaint or a click was refused, in the person's language."""
    if reason == "no_account":
        text = t.gettext("No account by that name in the CRM.")
        return text + (" " + t.gettext("Did you mean {names}?", names=", ".join(suggestions)) if suggestions else "")
    return {"no_owner": t.gettext("The owner is not in the roster. Choose someone who is, or leave it empty."),
            "text_empty": t.gettext("Say what the customer complained about."),
            "text_too_long": t.gettext("The complaint is too long."),
            "not_owner": t.gettext("Only the complaint's owner can resolve or snooze it."),
            "not_in_roster": t.gettext("You are not in the roster yet. Ask your admin to add you.")
            }[reason]
