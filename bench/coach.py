"""`/coach` for a 50-rep team over signed HTTP, as a ratio to a bare bolt app's reply on the same server stack.

Run: `python -m bench.coach [--reps 50 --activities 200000 --times 15]`. Both sides are the same waitress
server, the same signed slash command from the Slack double and a reply through the response_url; the bare
app replies with fixed text, the product works out the manager's digest. Prints the figures, the ratio last.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient
from sqlalchemy import insert

from bot.app import build_app
from bot.bootstrap import Services, bootstrap
from bot.runtime.server import events_url, serving
from bot.settings import Settings
from bot.slack_double import SlackActor, SlackDouble
from storage.crm.models import CrmActivity, CrmDeal
from storage.models import Person, Team

NOW = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
KINDS = ("call", "email", "meeting", "demo")


def seed(services: Services, *, reps: int, activities: int) -> None:
    rng = random.Random(3)
    with services.sessions.begin() as s:
        team = Team(name="Bench", locale="en")
        s.add(team)
        s.flush()
        manager = Person(email="boss@example.com", name="Boss", team_id=team.id, role="manager", slack_id="UBOSS",
                         tz="Europe/Vilnius", locale="en-US", active=True)
        s.add(manager)
        s.flush()
        ids = []
        for i in range(reps):
            rep = Person(email=f"r{i}@example.com", name=f"Rep {i}", team_id=team.id, manager_id=manager.id,
                         role="rep", slack_id=f"UR{i:04d}", tz="Asia/Kuala_Lumpur", locale="en-US", active=True)
            s.add(rep)
            s.flush()
            ids.append(rep.id)
        start = date(2025, 11, 23)
        rows: list[dict[str, Any]] = []
        for _ in range(activities):
            day = start + timedelta(days=rng.randrange(365))
            rows.append({"rep_id": rng.choice(ids), "day": day, "week_start": day - timedelta(days=day.weekday()),
                         "month": day.replace(day=1), "kind": rng.choice(KINDS), "count": 1})
        s.execute(insert(CrmActivity), rows)
        deals = []
        for n in range(reps * 60):
            engaged = start + timedelta(days=rng.randrange(330))
            closed = engaged + timedelta(days=rng.randrange(10, 90))
            outcome = "open" if closed > NOW.date() else rng.choice(("won", "lost"))
            deals.append({"external_id": f"B{n}", "owner_id": rng.choice(ids), "stage": outcome, "outcome": outcome,
                          "amount": float(rng.randrange(1000, 50000)), "engaged_on": engaged,
                          "closed_on": None if outcome == "open" else closed, "expected_close_on": closed,
                          "close_month": None if outcome == "open" else closed.replace(day=1),
                          "close_week": None if outcome == "open" else closed - timedelta(days=closed.weekday()),
                          "last_activity_on": engaged, "updated_at": NOW})
        s.execute(insert(CrmDeal), deals)


def timed(slack: SlackDouble, send: Callable[[], Any], times: int) -> tuple[list[float], list[float]]:
    """(ack ms, reply ms) for each request: the HTTP answer, then the response_url post arriving."""
    acks, replies = [], []
    for _ in range(times):
        before = len(slack.response_posts)
        started = time.perf_counter()
        send()
        acks.append((time.perf_counter() - started) * 1000)
        while len(slack.response_posts) <= before:
            time.sleep(0.001)
        replies.append((time.perf_counter() - started) * 1000)
    return acks, replies


def bare_app(slack: SlackDouble) -> App:
    app = App(signing_secret=slack.signing_secret, client=WebClient(token=slack.bot_token, base_url=slack.api_url),
              token_verification_enabled=False)

    @app.command("/coach")
    def coach(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        WebhookClient(body["response_url"]).send(text="Coaching digest", response_type="ephemeral")

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reps", type=int, default=50)
    parser.add_argument("--activities", type=int, default=200_000)
    parser.add_argument("--times", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, SlackDouble() as slack:
        settings = Settings(database_url=f"sqlite:///{tmp}/bench.db", slack_api_url=slack.api_url,
                            slack_bot_token=slack.bot_token, slack_signing_secret=slack.signing_secret)
        services = bootstrap(settings, clock=lambda: NOW)
        slack.add_user("boss", id="UBOSS", email="boss@example.com", tz="Europe/Vilnius")
        seed(services, reps=args.reps, activities=args.activities)
        results = {}
        for name, app in (("bare bolt app", bare_app(slack)),
                          ("salescoach /coach", build_app(services, token_verification=True))):
            with serving(app, services, threads=8) as server:
                actor = SlackActor(slack, events_url(server))

                def send(actor: SlackActor = actor) -> Any:
                    return actor.slash_command(None, "/coach", "", user_id="UBOSS")

                timed(slack, send, 2)  # warm-up
                results[name] = timed(slack, send, args.times)
        services.close()
    print(f"team: 1 manager, {args.reps} reps, {args.activities:,} activity rows, {args.reps * 60:,} deals")
    for name, (acks, replies) in results.items():
        print(f"{name}: ack median {statistics.median(acks):.0f} ms, reply median "
              f"{statistics.median(replies):.0f} ms, max {max(replies):.0f} ms ({args.times} runs)")
    bare, product = (statistics.median(results[n][1]) for n in results)
    print(f"ratio: {product / bare:.2f}x (reply median; goal: the reply within 1,000 ms)")


if __name__ == "__main__":
    main()
