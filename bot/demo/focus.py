"""The demo's focus act, between the two survey weeks: the manager picks a focus under week 1's results and shares
"You said / we will" with the team's channel; week 2's survey then asks whether it helped."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from bot.demo.stage import PEOPLE, TEAM, Stage, wait
from storage.teams import set_channel

CHANNEL_ID, CHANNEL_NAME = "CKLTEAM01", "kl-hunters"


def _key(message: dict[str, Any]) -> str:
    return str(((message.get("metadata") or {}).get("event_payload") or {}).get("key") or "")


def play_focus(demo: Stage) -> None:
    from bot.demo.transcript import blocks_to_text

    manager = PEOPLE[0]
    demo.slack.add_channel(CHANNEL_NAME, id=CHANNEL_ID)
    with demo.services.unit() as u:
        set_channel(u.session, team=TEAM, channel_id=CHANNEL_ID)
    demo.note(f"admin: salescoach team channel '{TEAM}' {CHANNEL_ID} (#{CHANNEL_NAME})")
    results = next(m for m in reversed(demo.slack.messages(manager.slack_id)) if re.match(r"results:\d+:", _key(m)))
    opened = set(demo.slack.open_views)
    demo.actor.click(None, manager.slack_id, results, "focus_choose")
    view = wait(lambda: next((v for k, v in demo.slack.open_views.items() if k not in opened), None))
    theme = next(b for b in view["blocks"] if b.get("block_id") == "theme")["element"]
    suggested = theme.get("initial_option") or theme["options"][0]
    demo.note(f"{manager.name} clicks Choose a focus under the results -> the modal suggests "
              f"'{suggested['text']['text']}' (fell most since the last round, else the lowest)")
    due = (demo.clock.now + timedelta(days=21)).date()
    demo.actor.submit_view(None, view, {"theme": suggested["value"], "due": due.isoformat(), "share": ["share"],
                                        "action": "Weekly deal reviews: 30 minutes, no slides"},
                           user_id=manager.slack_id)
    post = wait(lambda: demo.slack.messages(CHANNEL_ID))[-1]
    demo.note(f"{manager.name} writes one action and a date and ticks Share -> #{CHANNEL_NAME}:")
    demo.show(blocks_to_text(post.get("blocks") or []))


def show_follow_up(demo: Stage) -> None:
    """Week 2's round asks whether the focus helped, in the team's language: a fourth question, so its DM opens a
    modal instead of rows of buttons."""
    with demo.services.unit() as u:
        team = u.surveys.team_id(TEAM)
        focus = u.focuses.of_teams([team] if team else [])[0]
        question = u.surveys.bank().get(focus.question_id or "")
    demo.note(f"week 2's survey adds the focus's follow-up question: {question.text if question else '–'} "
              "(four questions: the DM's Answer button opens them in a modal)")
