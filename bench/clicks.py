"""A morning's clicks: 200 people answer a survey at once; from the first ack to the last DM edit, against the floor.

Run: `python -m bench.clicks [--people 200 --rate 100]`. The real bot (waitress, production threads, SQLite) gets every
click signed, over HTTP, from a separate process; each answer edits its DM and refreshes App Home (with KPIs over
4 teams and 200,000 activity rows). The floor is the same 200 `chat.update`s sent bare, in the same run, under the
same limits. Prints the figures, the ratio last.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select

from bench._load import bench_services, click_request, fire, open_round, percentile
from bot import ids
from bot.app import build_app
from bot.bootstrap import Services
from bot.runtime.pacing import make_client
from bot.runtime.server import events_url, serving
from bot.settings import Settings
from bot.slack_double import SlackDouble
from storage.crm.models import CrmActivity, CrmDeal
from storage.models import OutboxMessage, Person, Team

TEAM, MANAGERS, KINDS = "Load", 4, ("call", "email", "meeting", "demo")
LIMITED = ("chat.update", "views.publish")


def seed(services: Services, slack: SlackDouble, *, people: int, activities: int, today: date) -> list[str]:
    """`people` reps under MANAGERS managers in one team, with a year of activities and deals; their Slack ids."""
    rng = random.Random(7)
    users = [f"ULOAD{i:05d}" for i in range(people)]
    with services.sessions.begin() as s:
        team = Team(name=TEAM, locale="en")
        s.add(team)
        s.flush()
        bosses = [Person(email=f"boss{m}@example.com", name=f"Boss {m}", team_id=team.id, role="manager",
                         slack_id=f"UBOSS{m}", tz="Europe/Vilnius", locale="en-US", active=True)
                  for m in range(MANAGERS)]
        s.add_all(bosses)
        s.flush()
        s.execute(insert(Person), [
            {"email": f"{u.lower()}@example.com", "name": f"Rep {u}", "team_id": team.id, "role": "rep",
             "manager_id": bosses[i % MANAGERS].id, "slack_id": u, "tz": "Asia/Kuala_Lumpur", "locale": "en-US",
             "active": True} for i, u in enumerate(users)])
        reps = list(s.scalars(select(Person.id).where(Person.role == "rep")))
        start = today - timedelta(days=365)
        rows: list[dict[str, Any]] = []
        for _ in range(activities):
            day = start + timedelta(days=rng.randrange(366))
            rows.append({"rep_id": rng.choice(reps), "day": day, "week_start": day - timedelta(days=day.weekday()),
                         "month": day.replace(day=1), "kind": rng.choice(KINDS), "count": 1})
        s.execute(insert(CrmActivity), rows)
        deals = []
        for n in range(len(reps) * 30):
            engaged = start + timedelta(days=rng.randrange(330))
            closed = engaged + timedelta(days=rng.randrange(10, 90))
            outcome = "open" if closed > today else rng.choice(("won", "lost"))
            deals.append({"external_id": f"B{n}", "owner_id": rng.choice(reps), "stage": outcome, "outcome": outcome,
                          "amount": float(rng.randrange(1000, 50000)), "engaged_on": engaged,
                          "closed_on": None if outcome == "open" else closed, "expected_close_on": closed,
                          "close_month": None if outcome == "open" else closed.replace(day=1),
                          "close_week": None if outcome == "open" else closed - timedelta(days=closed.weekday()),
                          "last_activity_on": engaged, "updated_at": datetime.now(UTC)})
        s.execute(insert(CrmDeal), deals)
    for m in range(MANAGERS):
        slack.add_user(f"boss{m}", id=f"UBOSS{m}", email=f"boss{m}@example.com", tz="Europe/Vilnius")
    for u in users:
        slack.add_user(u.lower(), id=u, email=f"{u.lower()}@example.com", real_name=f"Rep {u}", tz="Asia/Kuala_Lumpur")
    return users


def bare_updates(slack: SlackDouble, settings: Settings, dms: list[dict[str, Any]], workers: int) -> float:
    """The floor: each DM edited once with a bare chat.update, from `workers` threads through a client made as the
    product makes its own (the same retry handlers; the settings' pace, none by default); seconds to the last edit
    the double recorded."""
    client = make_client(token=settings.slack_bot_token or "", base_url=settings.slack_api_url,
                         timeout=settings.slack_timeout, paces=dict(settings.slack_pace))
    before = len(slack.calls_to("chat.update"))
    started = time.time()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(lambda m: client.chat_update(channel=m["channel"], ts=m["ts"], text="Thanks!", blocks=[]),
                      dms))
    edits = [c for c in slack.calls_to("chat.update")[before:] if c.ok]
    assert len(edits) == len(dms), f"{len(edits)} of {len(dms)} bare edits"
    return max(c.at for c in edits) - started


def settled(services: Services, slack: SlackDouble, *, edits: int, homes: int, timeout: float = 60.0) -> None:
    """Wait (polling, with a deadline) until every DM edit and App Home refresh has gone out. The outbox is read
    only once the double has them all, and without a write lock: the poll takes no turn from the product's writers."""
    pause = threading.Event()
    for _ in range(int(timeout / 0.05)):
        done = sum(c.ok for c in slack.calls_to("chat.update")) >= edits and \
            sum(c.ok for c in slack.calls_to("views.publish")) >= homes
        if done:
            with services.engine.connect() as connection:
                waiting = connection.execution_options(read_only=True).scalar(
                    select(func.count()).select_from(OutboxMessage).where(OutboxMessage.sent_at.is_(None)))
            if not waiting:
                return
        pause.wait(0.05)
    raise TimeoutError("the product did not finish its work")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--rate", type=float, default=100.0, help="the double's limit for chat.update and "
                        "views.publish, calls a second (bursts up to one second's worth)")
    parser.add_argument("--activities", type=int, default=200_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, SlackDouble() as slack, ExitStack() as running:
        services = bench_services(tmp, slack)
        settings = services.settings
        users = seed(services, slack, people=args.people, activities=args.activities, today=date.today())
        round_id = open_round(services, team=TEAM)
        dms = [slack.messages(u)[0] for u in users]
        for method in LIMITED:
            slack.rate_limit(method, per_second=args.rate)
        floor = bare_updates(slack, settings, dms, settings.delivery_workers)
        url = events_url(running.enter_context(serving(build_app(services, token_verification=True), services)))
        threading.Event().wait(1.5)  # the double's buckets fill up again after the floor's burst
        edits_before = len(slack.calls_to("chat.update"))
        oks_before = sum(c.ok for c in slack.calls_to("chat.update"))
        homes_before = sum(c.ok for c in slack.calls_to("views.publish"))
        clicks = [click_request(slack, u, dms[i], f"{ids.ACTION_SURVEY_ANSWER}:enps:{i % 11}")
                  for i, u in enumerate(users)]
        replies = fire(url, clicks)
        bad = [r.status for r in replies if r.status != 200]
        if bad:
            raise SystemExit(f"{len(bad)} of {len(replies)} clicks not answered 200 OK: {bad[:5]}")
        settled(services, slack, edits=oks_before + len(users), homes=homes_before + len(users))
        first_ack = min(r.at for r in replies)
        edits = [c for c in slack.calls_to("chat.update")[edits_before:] if c.ok]
        homes = [c for c in slack.calls_to("views.publish") if c.ok][homes_before:]
        limited = {m: sum(1 for c in slack.calls_to(m) if c.fault == "rate_limit") for m in LIMITED}
        running.close()
        services.close()
    last_edit, last_home = max(c.at for c in edits) - first_ack, max(c.at for c in homes) - first_ack
    print(f"round {round_id}: {len(users)} people in {MANAGERS} teams, {args.activities:,} activity rows; "
          f"{len(users)} concurrent signed clicks over HTTP from a separate process")
    print(f"limits: {', '.join(f'{m} {args.rate:g}/s' for m in LIMITED)} (bursts of one second's worth); default "
          f"settings ({settings.delivery_workers} delivery workers, no pace of our own): 429s answered "
          + ", ".join(f"{m} {n}" for m, n in limited.items()))
    acks = [r.ms for r in replies]
    print(f"acks: p50 {percentile(acks, 0.5):.0f} ms, p99 {percentile(acks, 0.99):.0f} ms, last "
          f"{max(r.at for r in replies) - first_ack:.2f} s after the first")
    print(f"DM edits: {len(edits)}, last {last_edit:.2f} s after the first ack (goal: within 2 s)")
    print(f"App Home refreshes: {len(homes)} (views.publish), last {last_home:.2f} s after the first ack")
    print(f"floor: {len(dms)} bare chat.update from {settings.delivery_workers} threads, last {floor:.2f} s after "
          "the first")
    print(f"ratio: {last_edit / floor:.2f}x (last DM edit against the floor; goal: at most 1.5x)")


if __name__ == "__main__":
    main()
