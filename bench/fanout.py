"""Survey fan-out to N people under the Slack double's rate limits and random faults, against the least time
those limits allow (people / chat.postMessage rate).

Run: `python -m bench.fanout [--people 5000] [--rate 125] [--faults 0.05]`. Prints the figures, then the ratio last.
The clock is real: the round is opened by the open_rounds job, the outbox is sent by the same background
worker `serve` runs, and the time runs from the job's start to the last row recorded as sent.

The product runs with its default settings (delivery workers, Slack timeout, no pace of its own: only the
double's 429s and their Retry-After hold it); `--workers`, `--timeout` and `--pace` try others. One deviation:
a held answer ("timeout", "posted_then_timeout") is dropped after 0.75 s rather than held past the default
15 s timeout, since at 5% faults 15 s holds would time the fault mix rather than the fan-out.
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select

from bot.bootstrap import Services, bootstrap, utc_now
from bot.runtime.jobs import run_job
from bot.settings import Settings
from bot.slack_double import SlackDouble
from bot.slack_double.faults import FAULT_MIX
from storage.models import OutboxMessage, Person, Team
from surveys import service

TZ = "Asia/Kuala_Lumpur"


def seed(services: Services, slack: SlackDouble, people: int, *, created: datetime) -> None:
    """`people` reps in one team, in the database and in the double, and a weekly Monday 09:00 survey."""
    for i in range(people):
        slack.add_user(f"rep{i}", id=f"UR{i:06d}", email=f"rep{i}@example.com", tz=TZ)
    with services.sessions.begin() as s:
        team = Team(name="Bench", locale="en")
        s.add(team)
        s.flush()
        s.execute(insert(Person), [dict(email=f"rep{i}@example.com", name=f"Rep {i}", team_id=team.id, role="rep",
                                        slack_id=f"UR{i:06d}", tz=TZ, locale="en-US", active=True)
                                   for i in range(people)])
    with services.unit(created) as u:
        service.create_survey(u.surveys, team="Bench", question_ids=["enps", "manager", "growth"],
                              cadence="weekly", weekday="mon", send_time="09:00", now=u.now)


def survey_posts(slack: SlackDouble) -> Counter[str]:
    """How many survey DMs each channel holds, by the outbox key in the message metadata."""
    with slack.workspace.lock:
        return Counter(m["metadata"]["event_payload"]["key"] for c in slack.workspace.channels.values()
                       for m in c.messages if (m.get("metadata") or {}).get("event_type") == "salescoach_outbox")


def pending(services: Services) -> int:
    """Rows still to send, counted from the due index in a read-only transaction: the bench's look takes neither the
    write lock (which every claim and settle needs) nor a scan of every row's payload."""
    with services.sessions() as s:
        connection = s.connection(execution_options={"read_only": True})
        return connection.scalar(select(func.count()).where(OutboxMessage.status == "pending")) or 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--rate", type=float, default=125, help="chat.postMessage calls a second")
    parser.add_argument("--faults", type=float, default=0.05, help="share of calls that fault (all kinds)")
    parser.add_argument("--workers", type=int, default=None, help="delivery threads (default: the product's)")
    parser.add_argument("--timeout", type=float, default=None, help="Slack timeout, s (default: the product's)")
    parser.add_argument("--pace", action="store_true", help="pace each method at the double's limits")
    args = parser.parse_args()
    people, rate = args.people, args.rate
    limits = {"chat.postMessage": rate, "conversations.open": 50.0, "conversations.history": 50.0}
    today = utc_now().replace(hour=2, minute=0, second=0, microsecond=0)
    monday = today - timedelta(days=today.weekday() + 7)  # a Monday in the past: rows are due at once
    with tempfile.TemporaryDirectory() as tmp, SlackDouble() as slack:
        settings = Settings(database_url=f"sqlite:///{tmp}/bench.db", slack_api_url=slack.api_url,
                            slack_bot_token=slack.bot_token)
        overrides: dict[str, Any] = {"delivery_workers": args.workers, "slack_timeout": args.timeout,
                                     "slack_pace": tuple(limits.items()) if args.pace else None}
        settings = replace(settings, **{k: v for k, v in overrides.items() if v is not None})
        services = bootstrap(settings)
        seed(services, slack, people, created=monday - timedelta(days=3))
        for method, per_second in limits.items():
            slack.rate_limit(method, per_second=per_second)
        slack.set_fault_rate(args.faults, seed=5, mix=FAULT_MIX, retry_after=0, late=0.75)
        stop = threading.Event()
        worker = threading.Thread(target=services.delivery.run_forever, args=(stop,), daemon=True)
        worker.start()
        started = time.perf_counter()
        opened = run_job(services, "open_rounds", monday)
        while pending(services):
            time.sleep(0.1)
        elapsed = time.perf_counter() - started
        stop.set()
        services.delivery.wake()
        worker.join(timeout=30)
        posts = survey_posts(slack)
        calls = Counter(c.method for c in slack.calls)
        faults = dict(slack.faults.counts)
        services.close()
    least = people / rate
    print(f"people: {people}")
    print(f"settings: {settings.delivery_workers} delivery workers, Slack timeout {settings.slack_timeout:g} s, "
          f"pace {dict(settings.slack_pace) or 'none (Retry-After only)'}")
    print("limits: " + ", ".join(f"{m} {r:g}/s" for m, r in limits.items()) + "; "
          f"{args.faults:.0%} of calls fault: {', '.join(f'{k} {v}' for k, v in sorted(faults.items()))}")
    print(f"job: {opened}")
    print(f"time: {elapsed:.2f} s (least the limits allow: {least:.2f} s)")
    print(f"calls: {sum(calls.values())} ({', '.join(f'{m} {n}' for m, n in calls.most_common())})")
    print(f"duplicates: {sum(n - 1 for n in posts.values() if n > 1)}")
    print(f"lost: {people - len(posts)}")
    print(f"ratio: {elapsed / least:.2f}x")


if __name__ == "__main__":
    main()
