"""Block Kit for a round's focus: the "Choose a focus" button, its modal (the suggested theme first), the team
channel's "You said / we will" and "Done" posts, the manager's reminder, and the focus lines of App Home."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from bot import ids
from bot.i18n import N_, Translator
from bot.slack_text import literal
from bot.surveys.messages import Blocks
from surveys.focus import MAX_ACTION, Focus, ThemeScore

THEME_LABELS = {
    "recognition": N_("Recognition"), "feedback": N_("Feedback"), "happiness": N_("Happiness"),
    "personal growth": N_("Personal growth"), "satisfaction": N_("Pay and satisfaction"),
    "wellness": N_("Wellness"), "ambassadorship": N_("Ambassadorship"),
    "relationship with manager": N_("Relationship with the manager"),
    "relationship with peers": N_("Relationship with peers"), "alignment": N_("Alignment"),
    "sales": N_("Sales targets and support"), "custom": N_("Our own questions"),
}


def theme_label(t: Translator, theme: str, *, plain: bool = False) -> str:
    """A built-in theme in the reader's language; an admin's own theme as they wrote it, escaped for mrkdwn unless
    `plain` (plain_text shows it as it is)."""
    if theme in THEME_LABELS:
        return t.gettext(THEME_LABELS[theme])
    return theme if plain else literal(theme)


def _plain(text: str, limit: int = 75) -> dict[str, Any]:
    return {"type": "plain_text", "text": text[:limit]}


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}}


def choose_button(t: Translator, round_id: int) -> dict[str, Any]:
    """Under the results (the DM and `/pulse results`): the manager picks one thing to change."""
    return {"type": "actions", "block_id": "focus", "elements": [
        {"type": "button", "action_id": ids.ACTION_FOCUS_CHOOSE, "style": "primary", "value": str(round_id),
         "text": _plain(t.gettext("Choose a focus"))}]}


def score_text(t: Translator, score: ThemeScore, *, plain: bool = False) -> str:
    """"Recognition · 3.2 of 5 ▼ 0.4", or "Recognition · withheld" below the anonymity threshold."""
    theme = theme_label(t, score.theme, plain=plain)
    if score.average is None:
        return t.gettext("{theme} · withheld", theme=theme)
    text = t.gettext("{theme} · {average} of 5", theme=theme, average=t.number(score.average, 1))
    if score.change:
        text += f" {'▲' if score.change > 0 else '▼'} {t.number(abs(score.change), 1)}"
    return text


def focus_view(t: Translator, *, round_id: int, team: str, scores: Sequence[ThemeScore], suggested: str | None,
               due: date, channel: bool) -> dict[str, Any]:
    options = [{"text": _plain(score_text(t, s, plain=True)), "value": s.theme} for s in scores]
    theme: dict[str, Any] = {"type": "static_select", "action_id": "theme", "options": options,
                             "placeholder": _plain(t.gettext("A theme of this round"))}
    chosen = next((o for o in options if o["value"] == suggested), None)
    if chosen is not None:
        theme["initial_option"] = chosen
    blocks: Blocks = [
        _section(t.gettext("Pick the one theme {team} will see change, and the one thing you will do about it. "
                           "Suggested: the theme that fell most since the last round, else the lowest.",
                           team=literal(team))),
        {"type": "input", "block_id": "theme", "label": _plain(t.gettext("Theme")), "element": theme},
        {"type": "input", "block_id": "action", "label": _plain(t.gettext("What will you do?")),
         "element": {"type": "plain_text_input", "action_id": "text", "multiline": True, "max_length": MAX_ACTION}},
        {"type": "input", "block_id": "due", "label": _plain(t.gettext("By when?")),
         "element": {"type": "datepicker", "action_id": "day", "initial_date": due.isoformat()}}]
    if channel:
        blocks.append({"type": "input", "block_id": "share", "optional": True, "label": _plain(t.gettext("Share")),
                       "element": {"type": "checkboxes", "action_id": "share", "options": [
                           {"text": _plain(t.gettext("Post “You said / we will” in the team's channel")),
                            "value": "share"}]}})
    return {"type": "modal", "callback_id": ids.VIEW_FOCUS, "private_metadata": str(round_id),
            "title": _plain(t.gettext("Choose a focus"), 24), "submit": _plain(t.gettext("Save")),
            "close": _plain(t.gettext("Cancel")), "blocks": blocks}


def notice_view(t: Translator, text: str) -> dict[str, Any]:
    return {"type": "modal", "title": _plain(t.gettext("Choose a focus"), 24), "close": _plain(t.gettext("Close")),
            "blocks": [{"type": "section", "text": _plain(text, 3000)}]}


def chosen_view(t: Translator, focus: Focus) -> dict[str, Any]:
    text = t.gettext(":dart: Saved: {action}, by {day}. It is on your App Home until you mark it done.",
                     action=literal(focus.action), day=t.date(focus.due))
    if focus.shared:
        text += " " + t.gettext("The team's channel has it too.")
    return {"type": "modal", "title": _plain(t.gettext("Choose a focus"), 24), "close": _plain(t.gettext("Close")),
            "blocks": [_section(text)]}


def shared_message(t: Translator, focus: Focus, score: ThemeScore | None, *, team: str) -> tuple[str, Blocks]:
    """The team channel's "You said / we will": the theme's figure when it may be shown, never a comment."""
    title = t.gettext("You said / we will: {team}", team=literal(team))
    said = score_text(t, score) if score is not None else theme_label(t, focus.theme)
    lines = [f"*{title}*", t.gettext("You said: {theme}", theme=said),
             t.gettext("We will: {action}, by {day}.", action=literal(focus.action), day=t.date(focus.due))]
    return title, [_section("\n".join(lines))]


def done_message(t: Translator, focus: Focus, *, team: str) -> tuple[str, Blocks]:
    text = t.gettext(":white_check_mark: Done: {action} ({team})", action=literal(focus.action), team=literal(team))
    return text, [_section(text)]


def done_button(t: Translator, focus: Focus) -> dict[str, Any]:
    return {"type": "button", "action_id": ids.ACTION_FOCUS_DONE, "value": str(focus.id),
            "text": _plain(t.gettext("Mark done"))}


def reminder_message(t: Translator, focus: Focus, *, team: str) -> tuple[str, Blocks]:
    text = t.gettext(":dart: Your focus for {team} is due {day}: {action}", team=literal(team),
                     day=t.date(focus.due), action=literal(focus.action))
    return text, [_section(text), {"type": "actions", "block_id": "focus-done", "elements": [done_button(t, focus)]}]


def home_lines(t: Translator, focuses: Sequence[tuple[Focus, str]]) -> Blocks:
    """App Home's "Team focus": each open focus with its team, theme, date and Mark done."""
    if not focuses:
        return []
    blocks: Blocks = [{"type": "header", "text": _plain(t.gettext("Team focus"), 150)}]
    for focus, team in focuses:
        line = t.gettext("*{team}* · {theme}: {action}, by {day}", team=literal(team),
                         theme=theme_label(t, focus.theme), action=literal(focus.action), day=t.date(focus.due))
        blocks.append({**_section(line), "accessory": done_button(t, focus)})
    return blocks
