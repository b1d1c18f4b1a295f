"""The CRM webhook against someone who captured a signed request: replayed as is, under a fresh timestamp or
months later, it changes nothing; absurd timestamps get 401, never a 500; the README's recipes work as written."""

import json
import logging
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import with_recognition_channel
from test_webhook_deals_over_http import CHANNEL, DEAL, SECRET, deal, post, recorded, signed, stored_deal

from bot.runtime.jobs import run_job
from storage.models import Person

pytestmark = pytest.mark.both_databases  # replays refused by each engine's unique keys

README = Path(__file__).resolve().parents[3] / "README.md"


@pytest.fixture
def bot(running_bot):
    import dataclasses

    running_bot.services.settings = dataclasses.replace(running_bot.services.settings, webhook_secret=SECRET)
    return with_recognition_channel(running_bot, CHANNEL, "wins")


def capture(bot, payload=DEAL):
    """A request as it went over the wire, signed now: (body, headers)."""
    body = json.dumps(payload).encode()
    return body, signed(body, timestamp=int(bot.clock.now.timestamp()))


def replay(bot, body, headers, **changed):
    return post(bot.server.effective_port, body, {**headers, **changed})


def test_a_captured_won_request_replayed_as_is_or_under_a_fresh_timestamp_changes_nothing(bot):
    body, headers = capture(bot)
    assert replay(bot, body, headers) == (200, '{"status": "won", "external_id": "SF-006Q1"}')
    bot.deliver()
    before = recorded(bot)
    assert replay(bot, body, headers) == (409, "duplicate: this request was taken already and nothing changed; a "
                                               "retry needs a fresh X-Salescoach-Timestamp and signature\n")
    bot.clock.advance(seconds=90)
    fresh = str(int(bot.clock.now.timestamp()))
    assert replay(bot, body, headers)[0] == 409  # still inside the window
    assert replay(bot, body, headers, **{"X-Salescoach-Timestamp": fresh})[0] == 401
    assert recorded(bot) == before
    assert len(bot.slack.messages(CHANNEL)) == 1


def test_a_won_request_replayed_91_days_later_does_not_turn_the_lost_deal_back(bot):
    won_body, won_headers = capture(bot)
    assert replay(bot, won_body, won_headers)[0] == 200
    bot.clock.advance(days=1)
    assert deal(bot, {**DEAL, "stage": "Closed Lost", "closed_on": "2026-11-23"})[0] == 200
    lost = stored_deal(bot)
    before = recorded(bot)
    bot.clock.advance(days=91)
    now = str(int(bot.clock.now.timestamp()))
    assert replay(bot, won_body, won_headers)[0] == 401  # its own timestamp is months old
    assert replay(bot, won_body, won_headers, **{"X-Salescoach-Timestamp": now})[0] == 401  # and a fresh one unsigned
    assert (stored_deal(bot), recorded(bot)) == (lost, before)
    assert lost[0] == "lost"


def test_the_replay_store_keeps_a_signature_until_its_timestamp_is_refused_anyway(bot):
    body, headers = capture(bot)
    assert replay(bot, body, headers)[0] == 200
    taken_at = bot.clock.now
    assert run_job(bot.services, "webhook_signatures", taken_at + timedelta(minutes=5)) == \
        "forgot 0 webhook signature(s)"
    bot.clock.now = taken_at + timedelta(minutes=5)
    assert replay(bot, body, headers)[0] == 409  # the last second its timestamp is accepted
    assert run_job(bot.services, "webhook_signatures", taken_at + timedelta(minutes=10)) == \
        "forgot 0 webhook signature(s)"  # 5 more minutes for replicas' clocks
    assert run_job(bot.services, "webhook_signatures", taken_at + timedelta(minutes=10, seconds=1)) == \
        "forgot 1 webhook signature(s)"
    bot.clock.now = taken_at + timedelta(minutes=5, seconds=1)
    assert replay(bot, body, headers) == (401, "unauthorized: X-Salescoach-Timestamp is more than 0:05:00 away from "
                                               "now\n")


@pytest.mark.parametrize("stamp", ["999999999999", "99999999999999999999", "9" * 5000, "-1", "1e10", "NaN", " ",
                                   "１７００００００００"])
def test_an_unsigned_request_with_an_absurd_timestamp_gets_401_and_no_traceback(bot, caplog, stamp):
    caplog.set_level(logging.INFO)
    body = json.dumps(DEAL).encode()
    status, text = post(bot.server.effective_port, body, {"Content-Type": "application/json",
                                                          "X-Salescoach-Timestamp": stamp.encode(),
                                                          "X-Salescoach-Signature": "v0=" + "0" * 64})
    assert status == 401 and text.startswith("unauthorized: ") and "X-Salescoach-Timestamp" in text
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert recorded(bot) == (0, 0, 0, 0)


# ---- the README's recipes, run as written against the real server ----------------------------------------

def readme_block(language: str) -> str:
    section = README.read_text().split("### The CRM webhook", 1)[1].split("\n## ", 1)[0]
    (block,) = re.findall(rf"```{language}\n(.*?)```", section, flags=re.S)
    return block


@pytest.fixture
def ana(bot):
    """The README's examples are for Ana; the server's clock reads the real time, as theirs do."""
    with bot.services.sessions.begin() as session:
        maria = session.query(Person).filter_by(email="maria@example.com").one()
        session.add(Person(email="ana@example.com", name="Ana", team_id=maria.team_id, manager_id=maria.id,
                           role="rep", slack_id="UANA", tz="Asia/Kuala_Lumpur", locale="en-US", active=True))
    bot.clock.now = datetime.now(UTC)
    return bot


def run_recipe(bot, command: list[str], language: str) -> subprocess.CompletedProcess[str]:
    recipe = readme_block(language).replace("https://YOUR-HOST", f"http://127.0.0.1:{bot.server.effective_port}")
    env = {"PATH": os.environ["PATH"], "SALESCOACH_WEBHOOK_SECRET": SECRET}
    return subprocess.run([*command, recipe], env=env, capture_output=True, text=True, timeout=30)


def test_the_readme_curl_recipe_is_taken_as_written(ana):
    done = run_recipe(ana, ["bash", "-c"], "sh")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["external_id"] == "SF-006Q1"
    assert json.loads(done.stdout)["status"] in ("won", "recorded")
    assert stored_deal(ana)[0] == "won"


def test_the_readme_python_example_is_taken_as_written(ana):
    done = run_recipe(ana, [sys.executable, "-c"], "python")
    assert done.returncode == 0, done.stderr
    status, answer = done.stdout.split(" ", 1)
    assert status == "200" and json.loads(answer)["external_id"] == "SF-006Q1"
    assert stored_deal(ana)[0] == "won"
