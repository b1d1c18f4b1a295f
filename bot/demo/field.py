"""The demo's field intelligence part: a deal the CRM turns lost, its owner's one DM asking why, a reason in one click
and the competitor and a note in the modal."""

from __future__ import annotations

import csv
import re
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.demo.stage import PEOPLE, Stage, wait
from storage.crm.importer import import_crm_file


def _latest(demo: Stage, user_id: str, pattern: str) -> dict[str, Any]:
    """The latest DM posted under an outbox key matching `pattern` (the reader's language does not matter)."""
    return next(m for m in reversed(demo.slack.messages(user_id))
                if re.match(pattern, (m.get("metadata") or {}).get("event_payload", {}).get("key", "")))


def _edited(demo: Stage, before: int) -> None:
    wait(lambda: len(demo.slack.calls_to("chat.update")) > before)


def play_loss_reason(demo: Stage) -> None:
    """Tuesday 11:00 in Kuala Lumpur: the CRM says a deal of Aisyah's was lost; she says why."""
    aisyah = PEOPLE[1]
    zone = ZoneInfo(aisyah.tz)
    tuesday = (demo.monday + timedelta(days=15)).astimezone(zone).date()
    demo.clock.now = datetime.combine(tuesday, time(11, 0), tzinfo=zone).astimezone(demo.monday.tzinfo)
    deals = demo.out_dir / "crm-deals-lost.csv"
    with deals.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([["external_id", "owner", "account", "stage", "amount", "closed_on"],
                                 ["KL-3002", aisyah.email, "CIMB", "Closed Lost", "42000", tuesday]])
    with demo.services.unit() as u:
        imported = import_crm_file(u.session, kind="deals", path=deals, now=u.now)
    demo.note(f"admin: salescoach import deals {deals.name} -> {imported}")
    demo.tick("loss_reasons")
    ask = _latest(demo, aisyah.slack_id, r"loss:\d+:\d+:\d+$")
    before = len(demo.slack.calls_to("chat.update"))
    demo.actor.click(None, aisyah.slack_id, ask, "loss_reason:competitor")
    _edited(demo, before)
    opened, before = set(demo.slack.open_views), len(demo.slack.calls_to("chat.update"))
    demo.actor.click(None, aisyah.slack_id, _latest(demo, aisyah.slack_id, r"loss:\d+:\d+:\d+$"), "loss_details")
    view = wait(lambda: next((v for k, v in demo.slack.open_views.items() if k not in opened), None))
    values = {"reason": "competitor", "note": "They bundled the CRM with their core banking deal."}
    values["competitor" if any(b.get("block_id") == "competitor" for b in view["blocks"]) else "competitor_text"] = \
        "Acme CRM"
    demo.actor.submit_view(None, view, values, user_id=aisyah.slack_id)
    _edited(demo, before)
    shown = _latest(demo, aisyah.slack_id, r"loss:\d+:\d+:\d+$")["blocks"][0]["text"]["text"].split("\n")[-1]
    demo.note(f"{aisyah.name} clicks Competitor (one click records it), then adds the competitor and a note in the "
              f"modal -> the DM now reads: {shown}; the digest and the pack's Losses sheet count it")
