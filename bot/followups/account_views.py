"""Block Kit for the accounts in the rep's daily follow-up DM: each account with its reasons (gone quiet, a check-in
after a win, its last contact left) and Done / Snooze / Not relevant, and its state after a click."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot import ids
from bot.i18n import Translator
from bot.slack_text import literal
from bot.surveys.messages import Blocks
from coaching.followups.accounts import MAX_ID, AccountFollowup, AccountNudgeItem, parse_ref
from coaching.followups.rules import SNOOZE_DAYS


@dataclass(frozen=True)
class AccountAction:
    """What an account's buttons carry: the nudge DM's key (to edit it), the account, its items as (rule, subject)
    pairs, and a snooze's days."""

    nudge_key: str
    account_id: int
    refs: tuple[tuple[str, str], ...]
    days: int | None = None

    @property
    def value(self) -> str:
        base = f"{self.nudge_key}|{self.account_id}|{','.join(f'{r}@{s}' for r, s in self.refs)}"
        return base if self.days is None else f"{base}|{self.days}"

    @classmethod
    def parse(cls, value: str) -> AccountAction:
        """ValueError when the value is not one we made."""
        parts = value.split("|")
        if len(parts) not in (3, 4):
            raise ValueError("not an account action")
        days = int(parts[3]) if len(parts) > 3 else None
        if not 0 < int(parts[1]) < MAX_ID:
            raise ValueError("not an account id")
        return cls(parts[0], int(parts[1]), tuple(parse_ref(r) for r in parts[2].split(",") if r), days)


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text[:75]}


def tier_text(t: Translator, tier: str | None) -> str:
    if tier == "high":
        return t.gettext("high potential")
    if tier == "medium":
        return t.gettext("medium potential")
    return t.gettext("low potential")


def account_reason(t: Translator, f: AccountFollowup) -> str:
    """One reason in words with its numbers, e.g. "check in with Acme: won D-7 30 days ago"."""
    if f.rule == "account_quiet":
        return t.ngettext("no activity on this account for {n} day ({tier}: limit {limit})",
                          "no activity on this account for {n} days ({tier}: limit {limit})", f.days,
                          tier=tier_text(t, f.tier), limit=t.number(f.threshold))
    if f.rule == "contact_left":
        return t.gettext("its last known contact left on {day}: rebuild the relationship", day=t.date(f.since))
    return t.ngettext("check in with {account}: won {deal} {n} day ago", "check in with {account}: won {deal} {n} days "
                      "ago", f.days, account=literal(f.account_name), deal=literal(f.deal_external_id or "?"))


def account_blocks(t: Translator, nudge_key: str, items: Sequence[AccountNudgeItem], more: int) -> Blocks:
    """The accounts part of the daily DM: a heading, then each account with its reasons and its three controls."""
    blocks: Blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": t.ngettext(
        "*{n} account to keep in touch with*", "*{n} accounts to keep in touch with*", len(items))}}]
    for item in items:
        reasons = "\n".join("• " + account_reason(t, f) for f in item.reasons)
        blocks.append({"type": "section", "block_id": f"account:{item.account_id}",
                       "text": {"type": "mrkdwn", "text": f"*{literal(item.account_name)}*\n{reasons}"[:3000]}})
        action = AccountAction(nudge_key, item.account_id, item.refs)
        prefix = f"{ids.ACTION_NUDGE_ACCOUNT}:"
        blocks.append({"type": "actions", "block_id": f"account-actions:{item.account_id}", "elements": [
            {"type": "button", "action_id": f"{prefix}done:{item.account_id}", "style": "primary",
             "text": _plain(t.gettext("Done")), "value": action.value},
            {"type": "static_select", "action_id": f"{prefix}snooze:{item.account_id}",
             "placeholder": _plain(t.gettext("Snooze")),
             "options": [{"text": _plain(t.ngettext("{n} day", "{n} days", days)),
                          "value": AccountAction(nudge_key, item.account_id, item.refs, days).value}
                         for days in SNOOZE_DAYS]},
            {"type": "button", "action_id": f"{prefix}mute:{item.account_id}",
             "text": _plain(t.gettext("Not relevant")), "value": action.value}]})
    if more:
        blocks.append(_context(t.ngettext("{n} more account to keep in touch with; it comes in a later nudge.",
                                          "{n} more accounts to keep in touch with; they come in later nudges.", more)))
    blocks.append(_context(t.gettext("On an account, Done logs an activity today; a check-in or a departure is then "
                                     "done. Snooze keeps it quiet for 1, 3 or 7 days. Not relevant stops that "
                                     "reminder for that account.")))
    return blocks


def _context(text: str, block_id: str | None = None) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "context", "elements": [{"type": "mrkdwn", "text": text[:3000]}]}
    if block_id:
        block["block_id"] = block_id
    return block


def account_done_status(t: Translator) -> str:
    return t.gettext(":white_check_mark: Done: an activity is logged on this account today.")


def account_snoozed_status(t: Translator, until: datetime) -> str:
    return t.gettext(":zzz: Snoozed until {until}.", until=t.when(until))


def account_muted_status(t: Translator) -> str:
    return t.gettext(":no_bell: Not relevant: no more of these reminders about this account.")


def settle_account(blocks: Sequence[dict[str, Any]], account_id: int, status: str) -> Blocks:
    """The DM as shown, with one account's controls replaced by its new state (the rest keep theirs)."""
    return settled(blocks, f"account-actions:{account_id}", status)


def settled(blocks: Sequence[dict[str, Any]], controls: str, status: str) -> Blocks:
    """The blocks as shown, with the controls block `controls` replaced by a context line saying `status`."""
    return [_context(status, controls) if block.get("block_id") == controls else dict(block) for block in blocks]
