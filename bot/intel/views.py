"""Block Kit for field intelligence: the /intel modal and what it turns into, the channel post, and the roll-up
that managers' digests and admins' weekly intel DM show."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot import ids
from bot.i18n import N_, Translator
from bot.slack_text import literal
from bot.surveys.messages import Blocks
from coaching.intel.service import KINDS, MAX_TEXT, Intel, Rollup

KIND_LABELS = {"competitor": N_("Competitor move"), "need": N_("Customer need"), "market": N_("Market change")}
MAX_OPTIONS = 100  # Slack's limit on a static select's options


def _plain(text: str, limit: int = 75) -> dict[str, Any]:
    return {"type": "plain_text", "text": text[:limit]}


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}}


def _option(text: str, value: str) -> dict[str, Any]:
    return {"text": _plain(text), "value": value}


def kind_label(t: Translator, kind: str) -> str:
    return t.gettext(KIND_LABELS[kind]) if kind in KIND_LABELS else "–"


def intel_view(t: Translator, *, accounts: Sequence[tuple[int, str]], competitors: Sequence[tuple[int, str]],
               channel_set: bool, text: str = "") -> dict[str, Any]:
    """The modal: kind, what was seen or heard, and optionally an account (theirs) and a competitor (from the list,
    or typed). Without an intel channel it says up front that the item is kept but not posted."""
    blocks: Blocks = [
        {"type": "input", "block_id": "kind", "label": _plain(t.gettext("What is it?")),
         "element": {"type": "static_select", "action_id": "kind",
                     "options": [_option(kind_label(t, k), k) for k in KINDS]}},
        {"type": "input", "block_id": "text", "label": _plain(t.gettext("What did you see or hear?")),
         "element": {"type": "plain_text_input", "action_id": "text", "multiline": True, "max_length": MAX_TEXT,
                     **({"initial_value": text[:MAX_TEXT]} if text else {})}}]
    if accounts:
        blocks.append({"type": "input", "block_id": "account", "optional": True,
                       "label": _plain(t.gettext("Account")),
                       "element": {"type": "static_select", "action_id": "account",
                                   "options": [_option(name, str(i)) for i, name in accounts[:MAX_OPTIONS]]}})
    if competitors:
        blocks.append({"type": "input", "block_id": "competitor", "optional": True,
                       "label": _plain(t.gettext("Competitor")),
                       "element": {"type": "static_select", "action_id": "competitor",
                                   "options": [_option(name, str(i)) for i, name in competitors[:MAX_OPTIONS]]}})
    blocks.append({"type": "input", "block_id": "competitor_text", "optional": True,
                   "label": _plain(t.gettext("Another competitor") if competitors else t.gettext("Competitor")),
                   "element": {"type": "plain_text_input", "action_id": "competitor_text", "max_length": 80}})
    if not channel_set:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": t.gettext(
            "No intel channel is set yet: your item is kept for the weekly digests but not posted. "
            "Your admin sets one with `salescoach intel channel`.")}]})
    return {"type": "modal", "callback_id": ids.VIEW_INTEL, "title": _plain(t.gettext("Share field intel"), 24),
            "submit": _plain(t.gettext("Share"), 24), "close": _plain(t.gettext("Cancel"), 24), "blocks": blocks}


def parse_intel_view(values: dict[str, Any]) -> dict[str, Any]:
    """The modal's state as plain values; an option value that is not a number (forged) becomes -1, which no
    account or competitor has."""
    def chosen(block: str, action: str) -> int | None:
        option = (values.get(block, {}).get(action) or {}).get("selected_option")
        if not option:
            return None
        value = str(option.get("value", ""))
        return int(value) if value.isdigit() and len(value) < 10 else -1

    kind = ((values.get("kind", {}).get("kind") or {}).get("selected_option") or {}).get("value") or ""
    return {"kind": str(kind), "text": values.get("text", {}).get("text", {}).get("value") or "",
            "account_id": chosen("account", "account"), "competitor_id": chosen("competitor", "competitor"),
            "competitor_text": values.get("competitor_text", {}).get("competitor_text", {}).get("value") or ""}


def shared_view(t: Translator, *, channel_id: str | None) -> dict[str, Any]:
    """What the modal turns into: where the item went, or that it is kept without a channel to post it to."""
    text = t.gettext("Thanks. Your intel is posted in <#{channel}>.", channel=channel_id) if channel_id else \
        t.gettext("Thanks. Your intel is kept and counts in the weekly digests, but it was not posted: no intel "
                  "channel is set yet. Ask your admin to set one (`salescoach intel channel`).")
    return {"type": "modal", "title": _plain(t.gettext("Share field intel"), 24),
            "close": _plain(t.gettext("Close"), 24), "blocks": [_section(text)]}


def notice_view(t: Translator, text: str) -> dict[str, Any]:
    return {"type": "modal", "title": _plain(t.gettext("Share field intel"), 24),
            "close": _plain(t.gettext("Close"), 24), "blocks": [_section(text)]}


def _quoted(text: str) -> str:
    return "\n".join("> " + literal(line) for line in text.splitlines() if line.strip())


def channel_post(t: Translator, item: Intel, *, author: str | None) -> tuple[str, Blocks]:
    """The post in the intel channel: the kind and who shared it, the account and competitor, the text (escaped:
    it pings no one), and how reactions count. `author` None: the author was erased."""
    who = literal(author) if author else t.gettext("a former colleague")
    title = t.gettext("{kind} from {author}", kind=kind_label(t, item.kind), author=who)
    facts = [t.gettext("Account: {account}", account=literal(item.account) if item.account else "–"),
             t.gettext("Competitor: {competitor}", competitor=literal(item.competitor) if item.competitor else "–")]
    blocks: Blocks = [_section(f":mag: *{title}*\n" + " · ".join(facts)), _section(_quoted(item.text)),
                      {"type": "context", "elements": [{"type": "mrkdwn", "text": t.gettext(
                          "React to this post: the most-reacted intel tops the weekly digest.")}]}]
    return title, blocks


def rollup_lines(t: Translator, rollup: Rollup) -> list[str]:
    """The roll-up as mrkdwn lines: counts by kind and by competitor, and the top items by reactions."""
    kinds = ", ".join(f"{kind_label(t, k)} {t.number(n)}" for k, n in rollup.by_kind)
    lines = [t.ngettext("{n} intel item in the last 7 days: {kinds}", "{n} intel items in the last 7 days: {kinds}",
                        rollup.total, kinds=kinds)]
    if rollup.by_competitor:
        lines.append(t.gettext("By competitor: {counts}", counts=", ".join(
            f"{literal(name)} {t.number(n)}" for name, n in rollup.by_competitor[:5])))
    for item in rollup.top:
        words = " ".join(item.text.split())
        short = words if len(words) <= 120 else words[:119] + "…"
        lines.append("• " + t.ngettext("{kind} ({n} reaction): {text}", "{kind} ({n} reactions): {text}",
                                       item.reactions, kind=kind_label(t, item.kind), text=literal(short)))
    return lines


def rollup_blocks(t: Translator, rollup: Rollup | None) -> Blocks:
    """The digest's intel section; nothing when there was no intel."""
    if rollup is None or not rollup.total:
        return []
    return [_section("*" + t.gettext("Field intel") + "*\n" + "\n".join(rollup_lines(t, rollup)))]


def admin_digest(t: Translator, rollup: Rollup) -> tuple[str, Blocks]:
    """The admins' weekly intel DM."""
    title = t.gettext("Field intel this week")
    return title, [{"type": "header", "text": _plain(title, 150)}, _section("\n".join(rollup_lines(t, rollup)))]
