"""`salescoach serve --http` as a real process: migrates, verifies its token, answers Slack, stops on a signal."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from conftest import eventually

from bot.slack_double import SlackActor
from storage.db import MIGRATIONS

ROOT = Path(__file__).resolve().parents[3]
HEAD = ScriptDirectory(str(MIGRATIONS)).get_current_head()
REFUSAL = "Only managers and admins in the roster can create pulse surveys."


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _env(tmp_path, slack, **overrides):
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), "DATABASE_URL": f"sqlite:///{tmp_path}/serve.db",
           "SLACK_API_URL": slack.api_url, "SLACK_BOT_TOKEN": slack.bot_token,
           "SLACK_SIGNING_SECRET": slack.signing_secret}
    env.update(overrides)
    return env


def _health(url):
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status, json.loads(response.read())
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


@contextmanager
def _serving(folder, slack):
    """The CLI serving HTTP on a free port, in its own process (cwd `folder`, so no .env is read)."""
    port = _free_port()
    log = (folder / "serve.log").open("w+")
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve", "--http", "--host", "127.0.0.1", "--port", str(port),
         "--no-scheduler"], cwd=folder, env=_env(folder, slack), stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        up = eventually(lambda: process.poll() is not None or _health(f"{base}/healthz"), timeout=20)
        if process.poll() is not None or not up:
            log.seek(0)
            pytest.fail(f"serve did not come up (exit {process.poll()}):\n{log.read()}")
        yield process, base, log
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=5)
        log.close()


@pytest.fixture
def served(tmp_path, slack, migrated_sqlite):
    """The CLI serving HTTP on a free port, in its own process, for one test (which may stop it); its database is
    a copy of the suite's migrated file (migrating a new one is served_to_ask's test)."""
    shutil.copyfile(migrated_sqlite, tmp_path / "serve.db")
    with _serving(tmp_path, slack) as running:
        yield running


@pytest.fixture(scope="module")
def served_to_ask(tmp_path_factory):
    """One serving process on a new database and its own Slack double for the tests that only send it requests
    and read what it answered (started, migrated and token-checked once for them), never stop it: (process, base,
    log, slack)."""
    from bot.slack_double import SlackDouble

    with SlackDouble() as slack, _serving(tmp_path_factory.mktemp("serve"), slack) as (process, base, log):
        yield process, base, log, slack


def test_serve_migrates_verifies_its_token_and_answers_health(served_to_ask):
    _, base, log, slack = served_to_ask
    status, body = _health(f"{base}/healthz")
    assert status == 200
    assert body["database"] == {"ok": True, "dialect": "sqlite", "migration": HEAD}
    assert body["outbox"] == {}
    (auth,) = slack.calls_to("auth.test")
    assert auth.ok and auth.token == slack.bot_token
    log.seek(0)
    started = log.read()
    assert "will be unused" not in started and "Traceback" not in started  # bolt's "client as well" warning


def test_serve_refuses_a_signed_pulse_from_someone_outside_the_roster(served_to_ask):
    _, base, _, slack = served_to_ask
    slack.add_user("stranger", id="USTRANGER")
    reply = SlackActor(slack, f"{base}/slack/events").slash_command(None, "/pulse", user_id="USTRANGER")
    assert (reply.status, reply.text) == (200, REFUSAL)
    unsigned = SlackActor(slack, f"{base}/slack/events").slash_command(None, "/pulse", user_id="USTRANGER",
                                                                      bad_signature=True)
    assert unsigned.status == 401


def _stop(served, sig):
    process, _, log = served
    process.send_signal(sig)
    try:
        code = process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pytest.fail(f"serve was still running 5 s after {sig.name}")
    log.seek(0)
    return code, log.read()


def test_serve_shuts_down_cleanly_within_seconds_on_sigint(served):
    code, output = _stop(served, signal.SIGINT)
    assert code == 0, output
    assert "Traceback" not in output
    assert _health(f"{served[1]}/healthz") is None


def test_serve_exits_within_seconds_on_sigterm(served):
    code, output = _stop(served, signal.SIGTERM)
    assert code in (0, -signal.SIGTERM), output
    assert _health(f"{served[1]}/healthz") is None


def test_serve_shuts_down_cleanly_on_sigterm_like_on_sigint(served):
    code, output = _stop(served, signal.SIGTERM)
    assert code == 0, output


def test_a_malformed_slack_api_url_exits_2_with_one_line_naming_it(tmp_path, slack):
    done = subprocess.run([sys.executable, "-m", "bot.cli", "serve", "--http", "--no-scheduler"], cwd=tmp_path,
                          env=_env(tmp_path, slack, SLACK_API_URL="not-a-url"), capture_output=True, text=True,
                          timeout=20)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "SLACK_API_URL" in lines[0], done.stderr
    assert lines[0].startswith("salescoach: SLACK_API_URL is 'not-a-url'")
    assert not (tmp_path / "serve.db").exists()  # nothing was started, not even the database
