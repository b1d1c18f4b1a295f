"""The demo's recognition part: a deal an import turns won is posted once (a re-import posts nothing), a kudos
with a company value, and the team's weekly shout-out on Friday afternoon."""

from __future__ import annotations

import csv
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.demo.stage import PEOPLE, TEAM, Stage, wait
from bot.runtime.jobs import run_job
from storage.crm.importer import import_crm_file
from storage.recognition.repository import set_recognition_channel

CHANNEL_NAME = "kl-wins"
DEAL_HEADER = ["external_id", "owner", "stage", "account", "amount", "engaged_on", "closed_on"]


def play_recognition(demo: Stage) -> None:
    """Friday of the demo's second week in the team's time zone: wins, a kudos, then the 16:00 shout-out."""

    demo.say("\n== Recognition ==")
    manager, aisyah, wei = PEOPLE[0], PEOPLE[1], PEOPLE[2]
    zone = ZoneInfo(manager.tz)  # the team's clock is its manager's
    local = demo.clock.now.astimezone(zone)
    friday = local.date() + timedelta(days=(4 - local.weekday()) % 7)
    if datetime.combine(friday, time(9, 0), tzinfo=zone) < demo.clock.now:
        friday += timedelta(days=7)
    demo.clock.now = datetime.combine(friday, time(9, 0), tzinfo=zone).astimezone(demo.clock.now.tzinfo)
    summary = run_job(demo.services, "announce_wins")
    demo.note(f"announce_wins: {summary} (deals the earlier import won; no recognition channel yet, so they are "
              "recorded, not posted)")
    channel = demo.slack.add_channel(CHANNEL_NAME, id="CKLWINS01")
    with demo.services.unit() as u:
        set_recognition_channel(u.session, team=TEAM, channel_id=channel)
    demo.note(f"admin: salescoach team recognition-channel '{TEAM}' {channel} (#{CHANNEL_NAME})")
    seen = 0

    today = demo.clock.now.date()
    engaged = (today - timedelta(days=47)).isoformat()
    for step, stage in enumerate(("open", "won", "won"), start=1):  # the deal is won, then the file comes again
        path = demo.out_dir / f"crm-deals-recognition-{step}.csv"
        with path.open("w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows([DEAL_HEADER, ["KL-2041", wei.email, stage, "Petronas Dagangan", "185000",
                                                   engaged, today.isoformat() if stage == "won" else ""]])
        with demo.services.unit() as u:
            imported = import_crm_file(u.session, kind="deals", path=path, now=u.now)
        demo.note(f"admin: salescoach import deals {path.name} -> {imported}")
        demo.clock.now += timedelta(minutes=1)
        demo.note(f"announce_wins: {run_job(demo.services, 'announce_wins')}")
        demo.services.delivery.drain()
        seen = _show_channel(demo, channel, seen)

    demo.clock.now += timedelta(hours=2)
    text = f"<@{wei.slack_id}|wei> #customer-first stayed on the Petronas renewal until the last signature"
    before = len(demo.slack.response_posts)
    demo.actor.slash_command(None, "/kudos", text, user_id=aisyah.slack_id)
    reply = wait(lambda: demo.slack.response_posts[before] if len(demo.slack.response_posts) > before else None)
    demo.note(f"{aisyah.name}: /kudos {text} -> only she sees: {reply['body']['text']}")
    wait(lambda: len(demo.slack.messages(channel)) > seen)
    seen = _show_channel(demo, channel, seen)

    demo.clock.now = datetime.combine(friday, time(16, 0), tzinfo=zone).astimezone(demo.clock.now.tzinfo)
    demo.note(f"shout_outs at Friday 16:00 {manager.tz}: {run_job(demo.services, 'shout_outs')}")
    demo.services.delivery.drain()
    _show_channel(demo, channel, seen)
    later = run_job(demo.services, "shout_outs", demo.clock.now + timedelta(hours=1))
    demo.note(f"shout_outs again an hour later: {later}")


def _show_channel(demo: Stage, channel: str, seen: int) -> int:
    """Note the channel's posts after the first `seen`, as text; returns how many it holds now."""
    from bot.demo.transcript import blocks_to_text

    posts = demo.slack.messages(channel)
    for message in posts[seen:]:
        demo.note(f"#{CHANNEL_NAME} gets a post:")
        demo.show(blocks_to_text(message.get("blocks") or []))
    if len(posts) == seen:
        demo.note(f"#{CHANNEL_NAME}: nothing new")
    return len(posts)
