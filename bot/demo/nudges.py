"""The demo's nudges part: a rep's morning follow-up nudge, Need help on its top deal and a Snooze click, then a
one-on-one set with `/oneonone`, the ask added to its agenda, the manager's reminder with the data prep, and Held."""

from __future__ import annotations

import csv
import re
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.demo.stage import PEOPLE, TEAM, Stage, wait
from coaching.followups.rules import Threshold
from storage.crm.importer import import_crm_file


def _show(demo: Stage, intro: str, message: dict[str, Any]) -> None:
    from bot.demo.transcript import blocks_to_text

    demo.note(intro)
    demo.show(blocks_to_text(message.get("blocks") or []))


def _command(demo: Stage, user_id: str, text: str) -> str:
    """Type `/oneonone text` and wait for the reply only the asker sees."""

    before = len(demo.slack.response_posts)
    demo.actor.slash_command(None, "/oneonone", text, user_id=user_id)
    post = wait(lambda: demo.slack.response_posts[before] if len(demo.slack.response_posts) > before else None)
    return str(post["body"].get("text", ""))


def _latest(demo: Stage, user_id: str, pattern: str) -> dict[str, Any]:
    """The latest DM posted under an outbox key matching `pattern` (the reader's language does not matter)."""
    return next(m for m in reversed(demo.slack.messages(user_id))
                if re.match(pattern, (m.get("metadata") or {}).get("event_payload", {}).get("key", "")))


def _click(demo: Stage, user_id: str, message: dict[str, Any], action_id: str, value: Any = None) -> None:

    edits = len(demo.slack.calls_to("chat.update"))
    demo.actor.select(None, user_id, message, action_id, value)
    wait(lambda: len(demo.slack.calls_to("chat.update")) > edits)


def _ask_for_help(demo: Stage, rep: str, manager: str, nudge: dict[str, Any], note: str) -> dict[str, Any]:
    """The rep's Need help on the nudge's top deal and the note modal sent; the manager's DM about it."""
    opened = set(demo.slack.open_views)
    button = next(e for b in nudge["blocks"] if b.get("type") == "actions" for e in b["elements"]
                  if e["action_id"].startswith("ask_help:"))
    demo.actor.click(None, rep, nudge, button["action_id"])
    view = wait(lambda: next((v for k, v in demo.slack.open_views.items() if k not in opened), None))
    demo.actor.submit_view(None, view, {"note": note}, user_id=rep)
    wait(lambda: any(re.match(r"ask:\d+$", (m.get("metadata") or {}).get("event_payload", {}).get("key", ""))
                     for m in demo.slack.messages(manager)))
    return _latest(demo, manager, r"ask:\d+$")


def play_nudges(demo: Stage) -> None:
    """Monday of the third week, 09:00 in Kuala Lumpur: nudges over the CRM data the coaching part imported."""

    demo.say("\n== Follow-up nudges and one-on-ones ==")
    manager, aisyah = PEOPLE[0], PEOPLE[1]
    zone = ZoneInfo(manager.tz)
    monday = (demo.monday + timedelta(days=14)).astimezone(zone).date()
    demo.clock.now = datetime.combine(monday, time(9, 0), tzinfo=zone).astimezone(demo.monday.tzinfo)
    deals = demo.out_dir / "crm-deals-nudges.csv"
    with deals.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([
            ["external_id", "owner", "account", "stage", "amount", "next_step", "next_step_on", "last_activity_on"],
            ["KL-3001", aisyah.email, "Maybank", "Open", "30000", "Send the revised pricing",
             monday - timedelta(days=3), monday - timedelta(days=12)]])
    with demo.services.unit() as u:
        imported = import_crm_file(u.session, kind="deals", path=deals, now=u.now)
        u.nudges.set_threshold(Threshold(u.surveys.team_id(TEAM), "open", 10, None))
    demo.note(f"admin: salescoach import deals {deals.name} -> {imported}")
    demo.note(f"admin: salescoach nudges threshold --team '{TEAM}' --stage Open --stale-days 10")
    demo.tick("nudges")
    nudge = _latest(demo, aisyah.slack_id, r"nudge:\d+:")
    _show(demo, f"{aisyah.name}'s follow-up nudge (at most one a working day, the largest deals first):", nudge)
    ask = _ask_for_help(demo, aisyah.slack_id, manager.slack_id, nudge,
                        "The CFO wants a discount above my limit. Can you approve 8%?")
    _show(demo, f"{aisyah.name} clicks Need help on the deal and writes a note -> {manager.name}'s DM:", ask)
    snooze = next(e for b in nudge["blocks"] if b.get("type") == "actions" for e in b["elements"]
                  if e["type"] == "static_select")
    three_days = next(o["value"] for o in snooze["options"] if o["value"].endswith("|3"))
    _click(demo, aisyah.slack_id, nudge, snooze["action_id"], three_days)
    edited = _latest(demo, aisyah.slack_id, r"nudge:\d+:")
    status = next(b for b in edited["blocks"] if b.get("block_id", "").startswith("deal-actions:")
                  and b["type"] == "context")
    demo.note(f"{aisyah.name} snoozes the top deal for 3 days -> the DM is edited in place: "
              f"{status['elements'][0]['text']}")

    mention = f"<@{aisyah.slack_id}|{aisyah.email.split('@')[0]}>"
    demo.note(f"{manager.name}: /oneonone @aisyah weekly tue 10:00 -> "
              + _command(demo, manager.slack_id, f"{mention} weekly tue 10:00"))
    demo.note(f"{aisyah.name}: /oneonone add @daniel ... -> " + _command(
        demo, aisyah.slack_id, f"add <@{manager.slack_id}|daniel> Pricing approval for the Maybank renewal"))
    due = (monday + timedelta(days=4)).isoformat()
    demo.note(f"{manager.name}: /oneonone action @aisyah {due} ... -> " + _command(
        demo, manager.slack_id, f"action {mention} {due} Send the revised quote to Maybank"))
    _click(demo, manager.slack_id, ask, "ask_answer:agenda")
    demo.note(f"{manager.name} clicks Add to one-on-one on {aisyah.name}'s ask -> a talking point on their agenda; "
              f"{aisyah.name} is told in a DM")
    demo.clock.now += timedelta(minutes=30)
    demo.tick("one_on_ones")
    _show(demo, f"{manager.name}'s reminder the working day before, with the prep only a manager gets:",
          _latest(demo, manager.slack_id, r"1on1:.*:reminder:"))

    demo.clock.now = datetime.combine(monday + timedelta(days=1), time(10, 45), tzinfo=zone).astimezone(
        demo.monday.tzinfo)
    demo.tick("one_on_ones")
    prompt = _latest(demo, manager.slack_id, r"1on1:.*:outcome$")
    _click(demo, manager.slack_id, prompt, "oneonone_outcome:held")
    demo.note(f"{manager.name} clicks Held -> recorded once; open talking points carry over to next Tuesday")
