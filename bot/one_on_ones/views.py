"""Block Kit for one-on-ones: the reminder with its agenda (and Done on action items), the Held/Moved/Skipped
prompt, the overdue and recognition-gap nudges, the "Add a talking point" modal and `/oneonone` replies."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from bot import ids
from bot.i18n import N_, Translator
from bot.slack_text import literal
from bot.surveys.messages import Blocks
from coaching.one_on_ones.meetings import Agenda, AgendaItem, Meeting, Overdue, Pair
from coaching.one_on_ones.prep import RecognitionGap

MAX_ITEMS = 15  # per agenda section
CADENCE_LABELS = {"weekly": N_("weekly"), "biweekly": N_("every two weeks"), "monthly": N_("monthly")}
OUTCOME_LABELS = {"held": N_("Held"), "moved": N_("Moved"), "skipped": N_("Skipped")}


def _section(text: str, block_id: str | None = None, accessory: dict[str, Any] | None = None) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}}
    if block_id:
        block["block_id"] = block_id
    if accessory:
        block["accessory"] = accessory
    return block


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text[:3000]}]}


def _button(text: str, action_id: str, value: str, *, primary: bool = False) -> dict[str, Any]:
    button: dict[str, Any] = {"type": "button", "action_id": action_id, "value": value,
                              "text": {"type": "plain_text", "text": text[:75]}}
    if primary:
        button["style"] = "primary"
    return button


def _plain(text: str, limit: int = 75) -> dict[str, Any]:
    return {"type": "plain_text", "text": text[:limit]}


def _item_line(t: Translator, item: AgendaItem, names: Mapping[int, str]) -> str:
    line = f"• {literal(item.text)} _({literal(names.get(item.author_id, '?'))})_"
    if item.kind == "action":
        owner = literal(names.get(item.owner_id or 0, "?"))
        line = f"• {literal(item.text)} — " + (t.gettext("{owner}, due {day}", owner=owner, day=t.date(item.due))
                                            if item.due else t.gettext("{owner}, no due date", owner=owner))
    return line


def agenda_blocks(t: Translator, agenda: Agenda, names: Mapping[int, str], *, reminder_key: str) -> Blocks:
    """Carried-over points, points added since, and open action items each with a Done button."""
    blocks: Blocks = []
    for title, items in ((t.gettext("Carried over from last time"), agenda.carried),
                         (t.gettext("Talking points"), agenda.added)):
        if items:
            lines = [_item_line(t, i, names) for i in items[:MAX_ITEMS]]
            blocks.append(_section(f"*{title}*\n" + "\n".join(lines)))
    if agenda.actions:
        blocks.append(_section("*" + t.gettext("Action items") + "*"))
        for item in agenda.actions[:MAX_ITEMS]:
            blocks.append(_section(_item_line(t, item, names), f"item:{item.id}", _button(
                t.gettext("Done"), f"{ids.ACTION_ONEONONE_ITEM_DONE}:{item.id}", f"{item.id}|{reminder_key}")))
    if not blocks:
        blocks.append(_section(t.gettext("Nothing on the agenda yet. Add a talking point so you both come "
                                         "prepared.")))
    return blocks


def reminder_message(t: Translator, *, other: str, starts_at: datetime, agenda: Agenda, names: Mapping[int, str],
                     reminder_key: str, prep: Sequence[dict[str, Any]] = (),
                     done: AgendaItem | None = None) -> tuple[str, Blocks]:
    """The day-before reminder: when (in the reader's time), the agenda, the add button; the manager's prep."""
    title = t.gettext("One-on-one with {name}", name=literal(other))
    blocks: Blocks = [{"type": "header", "text": _plain(title, 150)},
                      _section(t.gettext(":calendar: {when}, your time", when=t.when(starts_at)))]
    blocks += agenda_blocks(t, agenda, names, reminder_key=reminder_key)
    if done is not None:
        blocks.append(_context(t.gettext(":white_check_mark: Done: {text}", text=literal(done.text))))
    blocks.append({"type": "actions", "block_id": "agenda-actions", "elements": [
        _button(t.gettext("Add a talking point"), ids.ACTION_ONEONONE_ADD, reminder_key)]})
    blocks += list(prep)
    return t.gettext("One-on-one with {name}, {when}", name=literal(other), when=t.when(starts_at)), blocks


def outcome_message(t: Translator, *, rep: str, pair_id: int, meeting_on: date, key: str,
                    recorded: Meeting | None = None) -> tuple[str, Blocks]:
    """After the slot: Held, Moved (optionally to a day) or Skipped; the choice stays changeable."""
    text = t.gettext("How did your one-on-one with {name} on {day} go?", name=literal(rep), day=t.date(meeting_on))
    value = f"{pair_id}|{meeting_on.isoformat()}|{key}"
    chosen = recorded.outcome if recorded else None
    blocks: Blocks = [_section(text), {"type": "actions", "block_id": f"outcome|{value}", "elements": [
        *(_button(t.gettext(OUTCOME_LABELS[o]), f"{ids.ACTION_ONEONONE_OUTCOME}:{o}", value, primary=chosen == o)
          for o in ("held", "moved", "skipped")),
        {"type": "datepicker", "action_id": f"{ids.ACTION_ONEONONE_OUTCOME}:moved_to",
         "placeholder": _plain(t.gettext("Moved to…"))}]}]
    if recorded is not None:
        blocks.append(_context(_recorded(t, recorded)))
    return text, blocks


def _recorded(t: Translator, m: Meeting) -> str:
    if m.outcome == "held":
        return t.gettext(":white_check_mark: Held. Open talking points carry over to the next one-on-one; action "
                         "items stay until done.")
    if m.outcome == "moved":
        return (t.gettext(":arrow_right: Moved to {day}. The reminder comes the working day before.",
                          day=t.date(m.moved_to)) if m.moved_to else t.gettext(":arrow_right: Moved."))
    return t.gettext(":fast_forward: Skipped. The agenda waits for the next one.")


def outcome_value(value: str) -> tuple[int, date, str]:
    pair_id, day, key = value.split("|", 2)
    return int(pair_id), date.fromisoformat(day), key


def overdue_message(t: Translator, late: Overdue, *, rep: str, cadence: str) -> tuple[str, Blocks]:
    label = t.gettext(CADENCE_LABELS.get(cadence, cadence))
    text = t.gettext("No one-on-one with {name} for {days} days; a {cadence} cadence allows {allowed}.",
                     name=literal(rep), days=t.number(late.days), cadence=label, allowed=t.number(late.allowed_days))
    last = (t.gettext("Last held on {day}.", day=t.date(late.last_held_on)) if late.last_held_on
            else t.gettext("None held since the cadence was set."))
    return text, [_section(f":hourglass: {text}\n{last}"),
                  _context(t.gettext("After each one, mark it Held in its prompt so this count starts again."))]


def recognition_gap_message(t: Translator, gap: RecognitionGap, *, rep: str) -> tuple[str, Blocks]:
    if gap.last_recognised_on:
        text = t.gettext("{name} has not been recognised for {days} days (last on {day}).", name=literal(rep),
                         days=t.number(gap.days), day=t.date(gap.last_recognised_on))
    else:
        text = t.gettext("{name} has not been recognised in the {days} days we have known their work.",
                         name=literal(rep),
                         days=t.number(gap.days))
    return text, [_section(f":raised_hands: {text}"), _context(t.gettext(
        "A specific thank-you (kudos) or a shout-out for a recent win goes a long way."))]


def add_item_view(t: Translator, *, other: str, reminder_key: str) -> dict[str, Any]:
    """The modal behind "Add a talking point": the text, and optionally an action item's owner and due date."""
    kinds = [{"text": _plain(t.gettext("Talking point")), "value": "talking_point"},
             {"text": _plain(t.gettext("Action item")), "value": "action"}]
    owners = [{"text": _plain(t.gettext("Me")), "value": "me"}, {"text": _plain(literal(other)), "value": "other"}]
    return {"type": "modal", "callback_id": ids.VIEW_ONEONONE_ADD, "private_metadata": reminder_key,
            "title": _plain(t.gettext("One-on-one"), 24), "submit": _plain(t.gettext("Add"), 24),
            "close": _plain(t.gettext("Cancel"), 24), "blocks": [
                _context(t.gettext("For your next one-on-one with {name}. Both of you see the agenda.",
                                   name=literal(other))),
                {"type": "input", "block_id": "text", "label": _plain(t.gettext("What to talk about"), 2000),
                 "element": {"type": "plain_text_input", "action_id": "text", "multiline": True, "max_length": 500}},
                {"type": "input", "block_id": "kind", "label": _plain(t.gettext("Kind"), 2000),
                 "element": {"type": "radio_buttons", "action_id": "kind", "options": kinds,
                             "initial_option": kinds[0]}},
                {"type": "input", "block_id": "owner", "optional": True,
                 "label": _plain(t.gettext("Action item: who does it"), 2000),
                 "element": {"type": "static_select", "action_id": "owner", "options": owners,
                             "placeholder": _plain(t.gettext("Choose"))}},
                {"type": "input", "block_id": "due", "optional": True,
                 "label": _plain(t.gettext("Action item: due"), 2000),
                 "element": {"type": "datepicker", "action_id": "due"}}]}


def parse_add_form(values: Mapping[str, Any]) -> dict[str, Any]:
    """The modal's state as plain values: text, kind, owner ("me", "other" or None), due (a date or None)."""
    kind = ((values.get("kind") or {}).get("kind") or {}).get("selected_option") or {}
    owner = ((values.get("owner") or {}).get("owner") or {}).get("selected_option") or {}
    due = ((values.get("due") or {}).get("due") or {}).get("selected_date")
    return {"text": ((values.get("text") or {}).get("text") or {}).get("value") or "",
            "kind": kind.get("value", "talking_point"), "owner": owner.get("value"),
            "due": date.fromisoformat(due) if due else None}


def cadence_text(t: Translator, pair: Pair) -> str:
    return t.gettext("{cadence} at {time}", cadence=t.gettext(CADENCE_LABELS.get(pair.cadence.kind,
                                                                                pair.cadence.kind)),
                     time=pair.cadence.at.strftime("%H:%M"))


def help_blocks(t: Translator) -> Blocks:
    lines = [t.gettext("`/oneonone @rep weekly|biweekly|monthly DAY HH:MM`: a one-on-one with a direct report, at "
                       "your local time (e.g. `/oneonone @ana weekly tue 10:00`)"),
             t.gettext("`/oneonone add @person text`: a talking point for your next one-on-one"),
             t.gettext("`/oneonone action @person [me] YYYY-MM-DD text`: an action item for them (or you, with "
                       "`me`), due that day; it carries forward until done"),
             t.gettext("`/oneonone`: your one-on-ones and their agendas")]
    return [_section("\n".join("• " + line for line in lines))]


def pairs_blocks(t: Translator, viewer_id: int, pairs: Sequence[Pair], agendas: Mapping[int, Agenda | None],
                 names: Mapping[int, str]) -> Blocks:
    """`/oneonone`: each of the asker's one-on-ones with its cadence, next date and open agenda."""
    if not pairs:
        return [_section(t.gettext("You have no one-on-ones yet. Managers set them with `/oneonone @rep weekly tue "
                                   "10:00`."))]
    blocks: Blocks = []
    for pair in pairs[:20]:
        other = pair.rep_id if viewer_id == pair.manager_id else pair.manager_id
        agenda = agendas.get(pair.id)
        head = f"*{literal(names.get(other, '?'))}*: {cadence_text(t, pair)}"
        if agenda is not None:
            head += " · " + t.gettext("next on {day}", day=t.date(agenda.meeting_on))
        items = [*agenda.carried, *agenda.added, *agenda.actions] if agenda else []
        lines = [_item_line(t, i, names) for i in items[:MAX_ITEMS]] or [t.gettext("Nothing on the agenda yet.")]
        blocks.append(_section(head + "\n" + "\n".join(lines)))
    return blocks
