"""Block Kit for follow-up nudges: the rep's morning DM (top deals by value, each reason in words with its numbers,
and Done / Snooze / Not relevant on each deal), its state after a click, and the manager's weekly list."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot import ids
from bot.followups.account_views import account_blocks, settled
from bot.i18n import Translator
from bot.slack_text import literal
from bot.surveys.messages import Blocks
from coaching.followups.rules import SNOOZE_DAYS, DealState, Followup, FollowupDigest, RepNudge

MAX_DEALS_PER_REP = 5  # in the manager's digest; the rep's own nudge has the full list
MAX_REPS = 40  # sections in one digest (Slack allows 50 blocks)


@dataclass(frozen=True)
class DealAction:
    """What a deal's buttons carry: the nudge DM's key (to edit it), the deal, its rules, and a snooze's days."""

    nudge_key: str
    deal_id: int
    rules: tuple[str, ...]
    days: int | None = None

    @property
    def value(self) -> str:
        base = f"{self.nudge_key}|{self.deal_id}|{','.join(self.rules)}"
        return base if self.days is None else f"{base}|{self.days}"

    @classmethod
    def parse(cls, value: str) -> DealAction:
        parts = value.split("|")
        days = int(parts[3]) if len(parts) > 3 else None
        return cls(parts[0], int(parts[1]), tuple(r for r in parts[2].split(",") if r), days)


def _section(text: str, block_id: str | None = None) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}}
    if block_id:
        block["block_id"] = block_id
    return block


def _context(text: str, block_id: str | None = None) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "context", "elements": [{"type": "mrkdwn", "text": text[:3000]}]}
    if block_id:
        block["block_id"] = block_id
    return block


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text[:75]}


def help_button(t: Translator, deal_id: int) -> dict[str, Any]:
    """"Need help" on a deal (the nudge DM, App Home): the rep asks their manager (bot.asks)."""
    return {"type": "button", "action_id": f"{ids.ACTION_ASK_HELP}:{deal_id}", "text": _plain(t.gettext("Need help")),
            "value": str(deal_id)}


def reason_text(t: Translator, f: Followup) -> str:
    """One reason in words with its numbers, e.g. "no activity for 12 days (limit 10)"."""
    if f.rule == "next_step_overdue":
        text = t.ngettext("next step was due {day}: {n} day overdue", "next step was due {day}: {n} days overdue",
                          f.days, day=t.date(f.since))
        return text + (f" (“{literal(f.deal.next_step)}”)" if f.deal.next_step else "")
    if f.rule == "close_date_passed":
        return t.ngettext("expected close date {day} passed {n} day ago",
                          "expected close date {day} passed {n} days ago", f.days, day=t.date(f.since))
    if f.rule == "no_activity":
        return t.ngettext("no activity for {n} day (limit {limit})", "no activity for {n} days (limit {limit})",
                          f.days, limit=t.number(f.threshold))
    return t.ngettext("in stage {stage} for {n} day (limit {limit})", "in stage {stage} for {n} days (limit {limit})",
                      f.days, stage=literal(f.deal.stage), limit=t.number(f.threshold))


def deal_title(t: Translator, deal: DealState, currency: str) -> str:
    """*Account* · D-1 · $9,000 · Proposal"""
    parts = [f"*{literal(deal.account_name)}*" if deal.account_name else f"*{literal(deal.external_id)}*"]
    if deal.account_name:
        parts.append(literal(deal.external_id))
    if deal.amount is not None:
        parts.append(t.money(deal.amount, currency))
    parts.append(literal(deal.stage))
    return " · ".join(parts)


def nudge_message(t: Translator, nudge: RepNudge, *, currency: str) -> tuple[str, Blocks]:
    """The rep's morning DM: the top deals, largest first, each with its reasons and its three controls; then the
    accounts not to leave quiet (bot.followups.account_views)."""
    title = t.gettext("Follow-ups for today")
    blocks: Blocks = [{"type": "header", "text": {"type": "plain_text", "text": title}}]
    if nudge.items:
        blocks.append(_section(t.ngettext("{n} deal needs a follow-up, the largest first.",
                                          "{n} deals need a follow-up, the largest first.", len(nudge.items))))
    for item in nudge.items:
        deal = item.deal
        reasons = "\n".join("• " + reason_text(t, f) for f in item.reasons)
        blocks.append(_section(f"{deal_title(t, deal, currency)}\n{reasons}", f"deal:{deal.deal_id}"))
        action = DealAction(nudge.key, deal.deal_id, item.rules)
        blocks.append({"type": "actions", "block_id": f"deal-actions:{deal.deal_id}", "elements": [
            {"type": "button", "action_id": f"{ids.ACTION_NUDGE}:done:{deal.deal_id}", "style": "primary",
             "text": _plain(t.gettext("Done")), "value": action.value},
            {"type": "static_select", "action_id": f"{ids.ACTION_NUDGE}:snooze:{deal.deal_id}",
             "placeholder": _plain(t.gettext("Snooze")),
             "options": [{"text": _plain(t.ngettext("{n} day", "{n} days", days)),
                          "value": DealAction(nudge.key, deal.deal_id, item.rules, days).value}
                         for days in SNOOZE_DAYS]},
            {"type": "button", "action_id": f"{ids.ACTION_NUDGE}:mute:{deal.deal_id}",
             "text": _plain(t.gettext("Not relevant")), "value": action.value},
            help_button(t, deal.deal_id)]})
    if nudge.more:
        blocks.append(_context(t.ngettext("{n} more deal needs a follow-up; it comes in a later nudge.",
                                          "{n} more deals need a follow-up; they come in later nudges.", nudge.more)))
    if nudge.items:
        blocks.append(_context(t.gettext("Done logs an activity today. Snooze keeps a deal quiet for 1, 3 or 7 days, "
                                         "or until it changes. Not relevant stops these reminders for that deal. Need "
                                         "help sends your manager the deal and your note.")))
    if nudge.accounts:
        blocks.extend(account_blocks(t, nudge.key, nudge.accounts, nudge.more_accounts))
    if not nudge.items:
        return t.ngettext("Follow-ups for today: {n} account", "Follow-ups for today: {n} accounts",
                          len(nudge.accounts)), blocks
    return t.ngettext("Follow-ups for today: {n} deal", "Follow-ups for today: {n} deals", len(nudge.items)), blocks


def done_status(t: Translator, day: date) -> str:
    return t.gettext(":white_check_mark: Done: an activity is logged for {day}. No nudge about this deal until it "
                     "changes.", day=t.date(day))


def snoozed_status(t: Translator, until: datetime) -> str:
    return t.gettext(":zzz: Snoozed until {until}, or until the deal changes.", until=t.when(until))


def muted_status(t: Translator) -> str:
    return t.gettext(":no_bell: Not relevant: no more nudges about this deal for these reasons.")


def settle(blocks: Sequence[dict[str, Any]], deal_id: int, status: str) -> Blocks:
    """The DM as shown, with one deal's controls replaced by its new state (other deals keep theirs)."""
    return settled(blocks, f"deal-actions:{deal_id}", status)



def nudge_text(blocks: Sequence[dict[str, Any]], fallback: str) -> str:
    header = next((b for b in blocks if b.get("type") == "header"), None)
    return str(header["text"]["text"]) if header else fallback


def followup_digest_message(t: Translator, digest: FollowupDigest, names: Mapping[int, str], *,
                            currency: str) -> tuple[str, Blocks]:
    """The manager's weekly list: per direct report, their deals that need a follow-up and why."""
    title = t.gettext("Overdue follow-ups, {week}", week=digest.week)
    blocks: Blocks = [{"type": "header", "text": {"type": "plain_text", "text": title}},
                      _context(t.gettext("Open deals of your direct reports that need a follow-up, the largest "
                                         "first. Snoozed deals count; deals marked not relevant do not."))]
    for row in digest.reps[:MAX_REPS]:
        by_deal: dict[int, list[Followup]] = {}
        for f in row.followups:
            by_deal.setdefault(f.deal.deal_id, []).append(f)
        lines = [f"• {deal_title(t, fs[0].deal, currency)}: " + "; ".join(reason_text(t, f) for f in fs)
                 for fs in list(by_deal.values())[:MAX_DEALS_PER_REP]]
        if len(by_deal) > MAX_DEALS_PER_REP:
            lines.append(t.ngettext("and {n} more deal", "and {n} more deals", len(by_deal) - MAX_DEALS_PER_REP))
        head = t.ngettext("*{name}*: {n} deal", "*{name}*: {n} deals", len(by_deal),
                          name=literal(names.get(row.rep_id, "?")))
        blocks.append(_section(head + "\n" + "\n".join(lines)))
    return title, blocks
