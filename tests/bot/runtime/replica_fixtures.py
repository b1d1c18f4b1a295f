"""Real `salescoach serve --http` replicas on one PostgreSQL schema, and a team whose survey round is due now."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.slack_double import SlackDouble

ROOT = Path(__file__).resolve().parents[3]
POLL_SECONDS = "0.3"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Replica:
    """One `salescoach serve --http` process; its PostgreSQL backends carry its own application_name."""

    def __init__(self, tmp_path: Path, name: str, database_url: str, slack: SlackDouble) -> None:
        self.name = name
        self.app_name = f"sc-{uuid.uuid4().hex[:10]}-{name}"
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = tmp_path / f"{name}.log"
        env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT),
               "DATABASE_URL": f"{database_url}&application_name={self.app_name}",
               "SLACK_API_URL": slack.api_url, "SLACK_BOT_TOKEN": slack.bot_token,
               "SLACK_SIGNING_SECRET": slack.signing_secret, "SALESCOACH_LEADER_POLL_SECONDS": POLL_SECONDS,
               "SALESCOACH_REMINDER_HOURS": ""}
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "serve", "--http", "--host", "127.0.0.1", "--port", str(self.port)],
                cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT)

    def health(self) -> dict[str, Any] | None:
        try:
            with urllib.request.urlopen(f"{self.base}/healthz", timeout=2) as response:
                return dict(json.loads(response.read()))
        except urllib.error.HTTPError as exc:
            return dict(json.loads(exc.read()))
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return None

    def role(self) -> str | None:
        body = self.health()
        return body["scheduler"] if body else None

    def log(self) -> str:
        return self.log_path.read_text()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)


@pytest.fixture
def replicas(tmp_path, database_url, slack):
    """Start replicas with `replicas(name)`; every one still running is killed at the end."""
    started: list[Replica] = []

    def start(name: str) -> Replica:
        started.append(Replica(tmp_path, name, database_url, slack))
        return started[-1]

    yield start
    for replica in started:
        replica.stop()


def up(replica: Replica) -> bool:
    if replica.process.poll() is not None:
        pytest.fail(f"{replica.name} exited {replica.process.returncode}:\n{replica.log()}")
    return replica.health() is not None


def migrate_and_seed(database_url: str):
    """The schema at the latest migration (before any replica starts, so none of them races to migrate)."""
    from storage.db import make_engine, make_sessions, upgrade

    engine = make_engine(database_url)
    upgrade(engine)
    return engine, make_sessions(engine)


def add_team_due_now(sessions, slack: SlackDouble, *, team: str, reps: int) -> dict[str, int]:
    """A manager and `reps` reps in UTC, in the database and the double, with a weekly survey due right now.

    The survey's day is the latest working day (UTC) at 00:00, so its round is due in real time on any day of
    the week; it stays open four days. Returns person ids by Slack id.
    """
    from storage.models import Person, Team
    from storage.surveys import SurveyRepository
    from surveys.cadence import WEEKDAYS
    from surveys.service import create_survey

    now = datetime.now(UTC)
    day = now.date()
    while day.weekday() > 4:
        day -= timedelta(days=1)
    prefix = team[:3].upper()
    with sessions.begin() as session:
        row = Team(name=team, locale="en")
        session.add(row)
        session.flush()
        manager = Person(email=f"{team.lower()}-mgr@example.com", name=f"{team} Manager", team_id=row.id,
                         role="manager", slack_id=f"U{prefix}MGR", tz="UTC", locale="en-US", active=True)
        session.add(manager)
        session.flush()
        ids = {manager.slack_id: manager.id}
        for i in range(reps):
            rep = Person(email=f"{team.lower()}{i}@example.com", name=f"{team} Rep {i}", team_id=row.id,
                         manager_id=manager.id, role="rep", slack_id=f"U{prefix}{i}", tz="UTC", locale="en-US",
                         active=True)
            session.add(rep)
            session.flush()
            ids[f"U{prefix}{i}"] = rep.id
        create_survey(SurveyRepository(session), team=team, question_ids=["enps"], cadence="weekly",
                      weekday=WEEKDAYS[day.weekday()], send_time="00:00", now=now - timedelta(days=7),
                      window_hours=96)
    for slack_id in ids:
        slack.add_user(slack_id.lower(), id=slack_id, email=f"{slack_id.lower()}@example.com", tz="UTC")
    return ids


def posted_keys(slack: SlackDouble) -> Counter[str]:
    """How many times each outbox key reached Slack as a chat.postMessage (the key rides in message metadata)."""
    keys: Counter[str] = Counter()
    for call in slack.calls_to("chat.postMessage"):
        if not call.ok:
            continue
        metadata = call.params.get("metadata") or {}
        if isinstance(metadata, str):
            metadata = json.loads(metadata)
        keys[metadata.get("event_payload", {}).get("key", "")] += 1
    return keys


def survey_keys(slack: SlackDouble, people: dict[str, int]) -> dict[str, int]:
    """Survey DMs posted to these people: outbox key -> times posted."""
    wanted = {str(pid) for pid in people.values()}
    return {key: n for key, n in posted_keys(slack).items()
            if key.startswith("survey:") and key.rsplit(":", 1)[1] in wanted}
