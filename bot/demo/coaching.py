"""The demo's coaching part: generated CRM exports imported as an admin would, then `/coach` for the manager,
`/coach me` for a rep, and the digest's Excel-pack button."""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bot.demo.stage import PEOPLE, Stage, wait
from storage.crm.importer import import_crm_file

# How each rep sells: (activities a week, win chance, typical deal size); Emily is busy but loses, Wei excels.
STYLES = {"UAISYAH": (22, 0.55, 9000), "UWEI": (25, 0.7, 15000), "ULINA": (18, 0.5, 8000),
          "URUTA": (9, 0.55, 8500), "UDARIUS": (20, 0.45, 7000), "USARA": (3, 0.5, 6000),
          "UEMILY": (45, 0.15, 7500), "UTOM": (20, 0.5, 8000)}
ACCOUNTS = [("Petronas Dagangan", "energy", 5000), ("Maybank", "finance", 40000), ("Grab", "technology", 9000),
            ("Tenaga Nasional", "energy", 35000), ("Shopee", "retail", 20000), ("Kedai Runcit Ali", "retail", 8),
            ("Vilniaus Prekyba", "retail", 150), ("Teheran Trading", "trade", 60), ("Shanghai Motors", "auto", 12000),
            ("Pacific Freight", "logistics", 700), ("Corner Bakery", "food", 12), ("London Insurance", "finance", 3000)]


def write_exports(folder: Path, people: list[Any], *, today: date, seed: int = 7) -> dict[str, Path]:
    """Six months of CRM exports for the demo's reps: accounts, deals, activities and quarterly quotas."""
    rng = random.Random(seed)
    files = {kind: folder / f"crm-{kind}.csv" for kind in ("accounts", "deals", "activities", "quotas")}
    with files["accounts"].open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["name", "sector", "employees"])
        w.writerows(ACCOUNTS)
    start = today - timedelta(days=182)
    reps = [p for p in people if p.role == "rep"]
    with files["deals"].open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["external_id", "owner", "account", "stage", "amount", "engaged_on", "closed_on",
                    "expected_close_on", "next_step", "next_step_on", "last_activity_on"])
        n = 0
        for rep in reps:
            weekly, chance, size = STYLES[rep.slack_id]
            for _ in range(max(4, weekly // 2)):
                n += 1
                engaged = start + timedelta(days=rng.randrange(150))
                closed = engaged + timedelta(days=rng.randrange(20, 70))
                account = rng.choice(ACCOUNTS)[0]
                amount = round(size * rng.uniform(0.5, 1.6), -2)
                if closed >= today:
                    w.writerow([f"DEMO-{n}", rep.email, account, "Open", amount, engaged, "", closed,
                                "Send proposal", today - timedelta(days=rng.randrange(-5, 10)),
                                today - timedelta(days=rng.randrange(1, 30))])
                else:
                    stage = "Won" if rng.random() < chance else "Lost"
                    w.writerow([f"DEMO-{n}", rep.email, account, stage, amount, engaged, closed, closed, "", "",
                                closed])
    with files["activities"].open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["owner", "day", "kind", "count", "account"])
        for rep in reps:
            weekly = STYLES[rep.slack_id][0]
            for week in range(26):
                for kind, share in (("call", 0.5), ("email", 0.3), ("meeting", 0.15), ("demo", 0.05)):
                    count = round(weekly * share * rng.uniform(0.7, 1.3))
                    if count:
                        w.writerow([rep.email, start + timedelta(days=7 * week + rng.randrange(5)), kind, count,
                                    rng.choice(ACCOUNTS)[0]])
    with files["quotas"].open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["owner", "period_start", "period_kind", "amount"])
        for rep in reps:
            for quarter in _quarters(start, today):
                w.writerow([rep.email, quarter, "quarter", 60000])
    return files


def _quarters(start: date, end: date) -> list[date]:
    first = date(start.year, 3 * ((start.month - 1) // 3) + 1, 1)
    found = []
    while first <= end:
        found.append(first)
        first = date(first.year + (first.month + 2) // 12, (first.month + 2) % 12 + 1, 1)
    return found


def _reply(demo: Stage, user_id: str, text: str) -> dict[str, Any]:
    """Type `/coach text` and wait for the reply the bot sends through the response_url."""

    before = len(demo.slack.response_posts)
    demo.actor.slash_command(None, "/coach", text, user_id=user_id)
    reply: dict[str, Any] = wait(lambda: demo.slack.response_posts[before]
                                  if len(demo.slack.response_posts) > before else None)
    return reply


def play_coaching(demo: Stage) -> None:
    """Import the exports, then the manager's digest, a rep's own view, and the Excel pack in the manager's DM."""
    from bot.demo.transcript import blocks_to_text

    demo.say("\n== Coaching ==")
    today = demo.clock.now.date()
    files = write_exports(demo.out_dir, list(PEOPLE), today=today)
    for kind in ("accounts", "deals", "activities", "quotas"):
        with demo.services.unit(demo.clock.now) as u:
            summary = import_crm_file(u.session, kind=kind, path=files[kind], now=demo.clock.now)
        demo.note(f"admin: salescoach import {kind} {files[kind]} -> {summary}")
    with demo.services.unit(demo.clock.now) as u:
        again = import_crm_file(u.session, kind="deals", path=files["deals"], now=demo.clock.now)
    demo.note(f"admin: the same deals file again -> {again}")
    manager, rep, emily = PEOPLE[0], PEOPLE[1], PEOPLE[7]
    for person, text in ((manager, "this quarter"), (manager, f"<@{emily.slack_id}|emily> this quarter"),
                         (rep, "me this quarter")):
        post = _reply(demo, person.slack_id, text)
        blocks = post["body"].get("blocks") or []
        demo.note(f"{person.name} ({person.locale}): /coach {text}".rstrip() + " -> a reply only they see:")
        demo.show(blocks_to_text(blocks))
        if person is manager and not text.startswith("<@"):
            digest_message = {"ts": "0", "channel": demo.slack.dm_channel_id(person.slack_id), "blocks": blocks}
    uploads = len(demo.slack.files)
    demo.actor.click(None, manager.slack_id, digest_message, "coach_pack")
    # the file is listed once its upload URL is issued; its bytes are there once the upload is completed
    stored = wait(lambda: next((f for f in list(demo.slack.files.values())[uploads:] if f.get("completed")), None))
    path = demo.out_dir / str(stored.get("name", "coaching.xlsx"))
    path.write_bytes(stored.get("content", b""))
    demo.note(f"{manager.name} clicks 'Excel coaching pack' -> the workbook arrives in the DM, saved as {path}")
