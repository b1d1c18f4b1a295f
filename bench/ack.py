"""Ack latency of a survey-button click at 200 concurrent, as a ratio to a bare bolt app on the same server stack.

Run: `python -m bench.ack [--people 200 --bursts 3]`. Both apps sit behind bot.runtime.server.make_server (waitress, the
production thread count) and get the same signed clicks, fired at once from a separate process; bursts alternate
between the two. The product records each click and edits the DM after its ack. Prints the figures, p99 ratio last.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import tempfile
import threading
from contextlib import ExitStack

from slack_bolt import Ack, App
from slack_sdk import WebClient
from sqlalchemy import func, select

from bench._load import Reply, add_reps, bench_services, click_request, fire, open_round, percentile
from bot import ids
from bot.app import build_app
from bot.bootstrap import Services
from bot.runtime.server import events_url, serving
from bot.slack_double import SlackDouble
from storage.models import OutboxMessage

TEAM = "Load"


def bare_app(slack: SlackDouble) -> App:
    """The least a bolt app can do with the click: verify the signature and ack."""
    app = App(signing_secret=slack.signing_secret, client=WebClient(token=slack.bot_token, base_url=slack.api_url),
              token_verification_enabled=False)

    @app.action(ids.ACTION_SURVEY_ANSWER_RE)
    def answer(ack: Ack) -> None:
        ack()

    return app


def settled(services: Services, slack: SlackDouble, updates: int, timeout: float = 60.0) -> None:
    """Wait (polling, with a deadline) until the product's work after its acks is done: every DM edited, every
    App Home refreshed."""
    pause = threading.Event()
    for _ in range(int(timeout / 0.05)):
        with services.sessions.begin() as s:
            waiting = s.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.sent_at.is_(None)))
        refresher = services.home_refresher  # App Home refreshes come after the edits, coalesced per person
        if len(slack.calls_to("chat.update")) >= updates and not waiting and (refresher is None or refresher.idle(0)):
            return
        pause.wait(0.05)
    raise TimeoutError(f"the product did not finish its work: {len(slack.calls_to('chat.update'))} of {updates} edits")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--bursts", type=int, default=3, help="measured bursts per app, after one warm-up each")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, SlackDouble() as slack, ExitStack() as running:
        services = bench_services(tmp, slack)
        users = add_reps(services, slack, team=TEAM, count=args.people)
        round_id = open_round(services, team=TEAM)
        dms = {u: slack.messages(u)[0] for u in users}
        servers = {name: events_url(running.enter_context(serving(app, services)))  # the production thread count
                   for name, app in (("bare bolt app", bare_app(slack)),
                                     ("salescoach", build_app(services, token_verification=True)))}
        latencies: dict[str, list[float]] = {name: [] for name in servers}
        bursts: dict[str, list[float]] = {name: [] for name in servers}  # each burst's p99, to show the noise
        edits = len(slack.calls_to("chat.update"))

        def burst(name: str, score: int) -> list[Reply]:
            # every click changes the answer, so the product records and edits each one
            clicks = [click_request(slack, u, dms[u], f"{ids.ACTION_SURVEY_ANSWER}:enps:{score}") for u in users]
            return fire(servers[name], clicks)

        for n in range(args.bursts + 1):  # burst 0 warms both up and is not counted
            for name in servers:
                replies = burst(name, n % 11)
                bad = [r.status for r in replies if r.status != 200]
                if bad:
                    raise SystemExit(f"{name}: {len(bad)} of {len(replies)} clicks not answered 200 OK: {bad[:5]}")
                if n:
                    latencies[name].extend(r.ms for r in replies)
                    bursts[name].append(percentile([r.ms for r in replies], 0.99))
                if name == "salescoach":
                    edits += len(users)
                    settled(services, slack, edits)
                # The double keeps every call it answered (App Home views are big): in a real server that memory
                # is not ours. Freeze what exists so full collections do not scan it during the next burst.
                gc.collect()
                gc.freeze()
        running.close()
        services.close()
    print(f"round {round_id}: {args.people} people, {args.bursts} bursts of {args.people} concurrent signed clicks "
          f"per app ({args.bursts * args.people} requests each), after one warm-up burst each")
    p99 = {}
    for name, values in latencies.items():
        p99[name] = percentile(values, 0.99)
        print(f"{name}: requests {len(values)}, p50 {statistics.median(values):.0f} ms, p99 {p99[name]:.0f} ms, "
              f"max {max(values):.0f} ms (p99 by burst: {', '.join(f'{v:.0f}' for v in bursts[name])} ms)")
    print(f"ratio: {p99['salescoach'] / p99['bare bolt app']:.2f}x (ack p99; goal: at most 1.3x)")


if __name__ == "__main__":
    main()
