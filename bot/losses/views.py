"""Block Kit for loss reasons: the owner's DM (one button per reason the team offers), its state once answered, the
details modal (reason, competitor, note), and the digest's lines on why deals were lost."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot import ids
from bot.i18n import N_, Translator
from bot.slack_text import literal
from bot.surveys.messages import Blocks
from coaching.losses.reasons import MAX_COMPETITOR, MAX_NOTE, LossMix, LostDeal

LABELS = {"price": N_("Price"), "competitor": N_("Competitor"), "timing": N_("Timing"),
          "no_decision": N_("No decision"), "product_gap": N_("Product gap"), "other": N_("Other")}
FOCUS = {"price": N_("pricing and value-selling focus"), "competitor": N_("competitive positioning focus"),
         "timing": N_("urgency and close-plan focus"), "no_decision": N_("qualification and champion focus"),
         "product_gap": N_("product feedback for headquarters")}
MAX_REPS = 8  # reps on the digest's one line of per-rep reasons; the pack has them all


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text[:75]}


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}}


def label(t: Translator, reason: str) -> str:
    return t.gettext(LABELS[reason])


def deal_line(t: Translator, deal: LostDeal, currency: str) -> str:
    """*Account* · D-1 · $9,000 · closed 2026-11-20"""
    parts = [f"*{literal(deal.account_name)}*" if deal.account_name else f"*{literal(deal.external_id)}*"]
    if deal.account_name:
        parts.append(literal(deal.external_id))
    if deal.amount is not None:
        parts.append(t.money(deal.amount, currency))
    if deal.closed_on is not None:
        parts.append(t.gettext("closed {day}", day=t.date(deal.closed_on)))
    return " · ".join(parts)


def _details_button(t: Translator, key: str) -> dict[str, Any]:
    return {"type": "button", "action_id": ids.ACTION_LOSS_DETAILS, "value": key,
            "text": _plain(t.gettext("Competitor or note…"))}


def ask_message(t: Translator, deal: LostDeal, *, key: str, offered: Sequence[str], currency: str,
                reminder: bool = False) -> tuple[str, Blocks]:
    """The owner's DM (posted under `key`, which its buttons carry): which deal was lost, and one button per reason
    (the answer is one click)."""
    text = (t.gettext("Reminder: why was this deal lost?") if reminder else t.gettext("Why was this deal lost?"))
    buttons = [{"type": "button", "action_id": f"{ids.ACTION_LOSS_REASON}:{r}", "value": key,
                "text": _plain(label(t, r))} for r in offered]
    return text, [
        _section(f"*{text}*\n{deal_line(t, deal, currency)}"),
        {"type": "actions", "block_id": "loss_reasons", "elements": [*buttons, _details_button(t, key)]},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": t.gettext(
            "One click is enough. Your manager sees the reasons in the weekly digest and the coaching pack.")}]},
    ]


def answered_message(t: Translator, deal: LostDeal, *, key: str, currency: str) -> tuple[str, Blocks]:
    """The DM once answered: the reason (and competitor) recorded, and the details button to change it."""
    said = t.gettext("Recorded: {reason}", reason=label(t, deal.reason or "other"))
    if deal.competitor:
        said += " · " + t.gettext("lost to {competitor}", competitor=literal(deal.competitor))
    return said, [
        _section(f"{deal_line(t, deal, currency)}\n:white_check_mark: {said}"),
        {"type": "actions", "block_id": "loss_reasons", "elements": [_details_button(t, key)]},
    ]


def details_view(t: Translator, deal: LostDeal, *, key: str, offered: Sequence[str], competitors: Sequence[str],
                 currency: str) -> dict[str, Any]:
    """The modal: the reason (the stored one chosen), a competitor from the admin's list or typed, and a note."""
    options = [{"text": _plain(label(t, r)), "value": r} for r in offered]
    reason: dict[str, Any] = {"type": "radio_buttons", "action_id": "choice", "options": options}
    chosen = [o for o in options if o["value"] == deal.reason]
    if chosen:
        reason["initial_option"] = chosen[0]
    blocks: Blocks = [_section(deal_line(t, deal, currency)),
                      {"type": "input", "block_id": "reason", "label": _plain(t.gettext("Why was it lost?")),
                       "element": reason}]
    listed = [c for c in competitors if c][:100]
    if listed:
        pick: dict[str, Any] = {"type": "static_select", "action_id": "choice",
                                "placeholder": _plain(t.gettext("Choose a competitor")),
                                "options": [{"text": _plain(c), "value": c[:150]} for c in listed]}
        if deal.competitor in listed:
            pick["initial_option"] = {"text": _plain(deal.competitor or ""), "value": (deal.competitor or "")[:150]}
        blocks.append({"type": "input", "block_id": "competitor", "optional": True,
                       "label": _plain(t.gettext("Lost to")), "element": pick})
    typed: dict[str, Any] = {"type": "plain_text_input", "action_id": "text", "max_length": MAX_COMPETITOR}
    if deal.competitor and deal.competitor not in listed:
        typed["initial_value"] = deal.competitor
    blocks.append({"type": "input", "block_id": "competitor_text", "optional": True, "element": typed,
                   "label": _plain(t.gettext("Another competitor") if listed else t.gettext("Lost to"))})
    note: dict[str, Any] = {"type": "plain_text_input", "action_id": "text", "multiline": True, "max_length": MAX_NOTE}
    if deal.note:
        note["initial_value"] = deal.note
    blocks.append({"type": "input", "block_id": "note", "optional": True, "element": note,
                   "label": _plain(t.gettext("Note for your manager"))})
    return {"type": "modal", "callback_id": ids.VIEW_LOSS_DETAILS, "private_metadata": key,
            "title": _plain(t.gettext("Why it was lost")), "submit": _plain(t.gettext("Save")),
            "close": _plain(t.gettext("Cancel")), "blocks": blocks}


def shares(t: Translator, found: LossMix, *, top: int | None = None) -> str:
    """"price 4 (67 %), competitor 1 (17 %)": each reason's count and share of the losses with a reason (the `top`
    ones only, when given)."""
    return ", ".join(t.gettext("{reason} {n} ({share})", reason=label(t, r).lower(), n=t.number(n),
                               share=t.percent(found.share(r) or 0.0)) for r, n in found.reasons[:top])


def pattern_line(t: Translator, found: LossMix) -> str | None:
    """"4 of 6 losses to price: pricing and value-selling focus", when one reason holds at least half."""
    pattern = found.pattern
    if pattern is None:
        return None
    reason, n, total = pattern
    line = t.ngettext("{count} of {n} loss to {reason}", "{count} of {n} losses to {reason}", total,
                      count=t.number(n), reason=label(t, reason).lower())
    return f"{line}: {t.gettext(FOCUS[reason])}" if reason in FOCUS else line


def digest_blocks(t: Translator, team: LossMix, by_rep: Mapping[int, LossMix], names: Mapping[int, str]) -> Blocks:
    """The digest's section on why deals were lost in its period, at most four lines: the team's shares, its
    pattern, its top competitors, and each rep's first reason on one line (the pack has every share); nothing
    when no deal was lost."""
    if not team.lost:
        return []
    head = t.ngettext(":mag: *Why deals were lost:* {n} lost, {known} with a reason",
                      ":mag: *Why deals were lost:* {n} lost, {known} with a reason", team.lost,
                      known=t.number(team.with_reason))
    lines = [head + (f": {shares(t, team)}" if team.with_reason else "")]
    if (pattern := pattern_line(t, team)) is not None:
        lines.append(":dart: " + pattern)
    if team.competitors:
        lines.append(t.gettext("Lost to: {list}", list=", ".join(
            f"{literal(name)} ({t.number(n)})" for name, n in team.competitors[:3])))
    reps = [f"{literal(names.get(rep, '–'))}: {shares(t, m, top=1)}" for rep, m in by_rep.items() if m.with_reason]
    blocks: Blocks = [_section("\n".join(lines))]
    if reps:
        shown = " · ".join(reps[:MAX_REPS])
        if len(reps) > MAX_REPS:
            shown += " · " + t.ngettext("and {n} more in the pack", "and {n} more in the pack", len(reps) - MAX_REPS)
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": shown}]})
    return blocks
