"""The demo's field intelligence part: a deal the CRM turns lost and its owner's one-click reason, a competitor move
shared with /intel to the intel channel, and a customer complaint logged with /complaint and resolved in time."""

from __future__ import annotations

import csv
import re
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.demo.stage import PEOPLE, Stage, wait
from storage.competitors import add_competitor
from storage.crm.importer import import_crm_file
from storage.intel import set_intel_channel

INTEL_CHANNEL = "CKLINTEL01"


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
        add_competitor(u.session, "Acme CRM")
        imported = import_crm_file(u.session, kind="deals", path=deals, now=u.now)
    demo.note("admin: salescoach competitor add 'Acme CRM' (the list the loss and /intel modals offer)", quiet=True)
    demo.note(f"admin: salescoach competitor add 'Acme CRM'; salescoach import deals {deals.name} -> {imported}")
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


def _modal(demo: Stage, user_id: str, command: str, text: str, values: dict[str, Any]) -> None:
    """Type a slash command, wait for its modal and submit it with these values."""
    opened = set(demo.slack.open_views)
    demo.actor.slash_command(None, command, text, user_id=user_id)
    view = wait(lambda: next((v for k, v in demo.slack.open_views.items() if k not in opened), None))
    reply = demo.actor.submit_view(None, view, values, user_id=user_id)
    assert reply.status == 200, reply


def play_intel(demo: Stage) -> None:
    """Chen Wei shares a competitor move; it is posted once to the intel channel the admin set."""
    wei = PEOPLE[2]
    demo.slack.add_channel("kl-intel", id=INTEL_CHANNEL)
    with demo.services.unit() as u:
        set_intel_channel(u.session, channel_id=INTEL_CHANNEL, locale="en-US")
    demo.note(f"admin: salescoach intel channel {INTEL_CHANNEL} (#kl-intel)", quiet=True)
    text = "Acme CRM offers Maybank three months free if they sign before January"
    _modal(demo, wei.slack_id, "/intel", text, {"kind": "competitor", "competitor": "1"})
    post = wait(lambda: demo.slack.messages(INTEL_CHANNEL))[-1]
    from bot.demo.transcript import blocks_to_text

    demo.note(f"admin sets #kl-intel; {wei.name}: /intel {text} -> 'competitor move' and Acme CRM in the modal -> "
              "#kl-intel: "
              + " / ".join(blocks_to_text(post.get("blocks") or [])[:2]))
    demo.note("the managers' weekly digest counts it by kind and competitor (top three by reactions); the pack's "
              "Intel sheet lists it", quiet=True)


def play_complaint(demo: Stage) -> None:
    """Aisyah logs a complaint from Maybank at 11:30; she is its owner, nudged at half time, and resolves it."""
    aisyah = PEOPLE[1]
    demo.clock.now += timedelta(minutes=30)
    _modal(demo, aisyah.slack_id, "/complaint", "Maybank",
           {"account": "Maybank", "text": "The renewal invoice charged the old price twice."})
    dm = wait(lambda: next((m for m in reversed(demo.slack.messages(aisyah.slack_id))
                            if re.match(r"complaint:\d+$", (m.get("metadata") or {}).get("event_payload", {})
                                        .get("key", ""))), None))
    demo.note(f"{aisyah.name}: /complaint Maybank -> the complaint is hers (no account owner), due in 4 working hours; "
              "her DM: " + dm["blocks"][0]["text"]["text"].split("\n")[0])
    demo.clock.now += timedelta(hours=2)
    demo.tick("complaints")
    before = len(demo.slack.calls_to("chat.update"))
    demo.actor.click(None, aisyah.slack_id, dm, "complaint:resolve")
    _edited(demo, before)
    demo.note(f"{aisyah.name} clicks Resolved after the half-time nudge -> the DM is edited in place; the digest's "
              "median time to resolve counts it")
