"""kill -9 in the middle of a fan-out: a restarted `serve` finishes it, with no duplicate and nothing lost."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import eventually
from sqlalchemy import select

from bench.fanout import seed, survey_posts
from bot.bootstrap import bootstrap, utc_now
from bot.runtime.jobs import run_job
from bot.settings import Settings
from bot.slack_double.faults import FAULT_MIX
from storage.models import OutboxMessage

ROOT = Path(__file__).resolve().parents[3]
PEOPLE = 200


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve(tmp_path: Path, slack, url: str, log_name: str) -> subprocess.Popen[bytes]:
    """`salescoach serve --http --no-scheduler`: its delivery worker sends the outbox, 100 posts a second."""
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), "DATABASE_URL": url,
           "SLACK_API_URL": slack.api_url, "SLACK_BOT_TOKEN": slack.bot_token,
           "SLACK_SIGNING_SECRET": slack.signing_secret, "SALESCOACH_SLACK_PACE": "chat.postMessage=100/s",
           "SALESCOACH_DELIVERY_LEASE": "2", "SALESCOACH_SLACK_TIMEOUT": "0.5"}
    log = (tmp_path / log_name).open("w")
    return subprocess.Popen([sys.executable, "-m", "bot.cli", "serve", "--http", "--host", "127.0.0.1",
                             "--port", str(_free_port()), "--no-scheduler"],
                            cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT)


def _posted(slack) -> int:
    return sum(1 for c in slack.calls_to("chat.postMessage") if c.response and c.response.get("ok"))


@pytest.mark.parametrize("migrated_database_url", ["sqlite"], indirect=True)
def test_killing_delivery_mid_fan_out_and_restarting_posts_each_survey_exactly_once(tmp_path, slack,
                                                                                   migrated_database_url):
    today = utc_now().replace(hour=2, minute=0, second=0, microsecond=0)
    monday = today - timedelta(days=today.weekday() + 7)  # in the past: the rows are due for the real clock
    services = bootstrap(Settings(database_url=migrated_database_url), migrate=False)
    processes: list[subprocess.Popen[bytes]] = []
    try:
        seed(services, slack, PEOPLE, created=monday - timedelta(days=3))
        run_job(services, "open_rounds", monday)
        slack.rate_limit("chat.postMessage", per_second=100)
        slack.set_fault_rate(0.05, seed=3, mix=FAULT_MIX, retry_after=0, late=0.75)

        processes.append(_serve(tmp_path, slack, migrated_database_url, "first.log"))
        assert eventually(lambda: _posted(slack) >= 40, timeout=30), (tmp_path / "first.log").read_text()
        processes[0].send_signal(signal.SIGKILL)
        processes[0].wait(timeout=10)
        at_kill = _posted(slack)
        assert at_kill < PEOPLE  # killed in the middle
        with services.sessions.begin() as s:
            leased = s.scalar(select(OutboxMessage.id).where(OutboxMessage.status == "pending",
                                                              OutboxMessage.claimed_until.is_not(None)).limit(1))
        assert leased is not None  # the dead process held claims it never recorded

        processes.append(_serve(tmp_path, slack, migrated_database_url, "second.log"))

        def all_sent() -> bool:
            with services.sessions.begin() as s:
                return set(s.scalars(select(OutboxMessage.status))) == {"sent"}

        assert eventually(all_sent, timeout=40), (tmp_path / "second.log").read_text()
        posts = survey_posts(slack)
        assert len(posts) == PEOPLE and set(posts.values()) == {1}  # nothing lost, nothing twice
        assert slack.calls_to("conversations.history")  # the restart looked before re-posting what was in flight
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=5)
        services.close()
