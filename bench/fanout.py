"""Survey fan-out through the outbox against the Slack double, as a ratio to bare chat.postMessage calls.

Run: `python -m bench.fanout [--people 1000]`. Prints the figures, then the ratio last.
Both sides post the same number of DMs to the same double in the same run; the product side also opens
the round, renders every DM, writes the outbox and records each ts.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime, timedelta

from bot.bootstrap import bootstrap
from bot.delivery import make_client
from bot.jobs import run_job
from bot.settings import Settings
from bot.slack_double import SlackDouble
from storage.models import Person, Team
from surveys import service


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=1000)
    people = parser.parse_args().people
    with tempfile.TemporaryDirectory() as tmp, SlackDouble() as slack:
        for i in range(people):
            slack.add_user(f"rep{i}", id=f"UR{i:06d}", email=f"rep{i}@example.com", tz="Asia/Kuala_Lumpur")
        client = make_client(token=slack.bot_token, base_url=slack.api_url)
        started = time.perf_counter()
        for i in range(people):
            client.chat_postMessage(channel=f"UR{i:06d}", text="baseline", blocks=[
                {"type": "section", "text": {"type": "mrkdwn", "text": "baseline"}}])
        baseline = time.perf_counter() - started

        now = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
        settings = Settings(database_url=f"sqlite:///{tmp}/bench.db", slack_api_url=slack.api_url,
                            slack_bot_token=slack.bot_token)
        services = bootstrap(settings, clock=lambda: now)
        with services.sessions.begin() as s:
            team = Team(name="Bench", locale="en")
            s.add(team)
            s.flush()
            s.add_all(Person(email=f"rep{i}@example.com", name=f"Rep {i}", team_id=team.id, role="rep",
                             slack_id=f"UR{i:06d}", tz="Asia/Kuala_Lumpur", locale="en-US", active=True)
                      for i in range(people))
        with services.unit(now - timedelta(days=3)) as u:
            service.create_survey(u.surveys, team="Bench", question_ids=["enps", "manager", "growth"],
                                  cadence="weekly", weekday="mon", send_time="09:00", now=u.now)
        posts_before = len(slack.calls_to("chat.postMessage"))
        started = time.perf_counter()
        run_job(services, "open_rounds", now)
        report = services.delivery.drain(now)
        product = time.perf_counter() - started
        calls = len(slack.calls_to("chat.postMessage")) - posts_before
        services.close()
    print(f"people: {people}")
    print(f"baseline: {people} bare chat.postMessage calls in {baseline:.2f} s")
    print(f"salescoach: open round + render + outbox + {report.sent} deliveries in {product:.2f} s "
          f"({calls} chat.postMessage calls, {calls - people} duplicates, {people - report.sent} lost)")
    print(f"ratio: {product / baseline:.2f}x")


if __name__ == "__main__":
    main()
