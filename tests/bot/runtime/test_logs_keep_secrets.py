"""Tokens, the signing secret, survey answers, written answers, comments and kudos never reach a log line, even
with slack_sdk, slack_bolt, urllib3 and sqlalchemy.engine at DEBUG; in the bot and in a real `serve --http`."""

import io
import logging
import os
import subprocess
import sys
from datetime import UTC, datetime

import pytest
from conftest import eventually, seed_team
from sqlalchemy import select
from test_serve_process import ROOT, _free_port, _health

from bot.runtime.log_privacy import REDACTED, install, secrets_of
from bot.slack_double import SlackActor
from storage.db import make_engine, make_sessions, upgrade
from storage.models import Answer
from surveys import service

pytestmark = pytest.mark.both_databases  # what the logs hold, with each engine's statements

NOW = datetime(2026, 11, 30, 18, 0, tzinfo=UTC)

WRITTEN, COMMENT, KUDOS = "Legal review took nine weeks", "My manager never listens to me", "Saved the Acme renewal"
DEBUG_LOGGERS = ("slack_sdk", "slack_bolt", "urllib3", "sqlalchemy.engine", "salescoach", "waitress")


@pytest.fixture
def captured():
    """Every record of the process at DEBUG into one buffer, as an operator's log file would get it."""
    buffer, root = io.StringIO(), logging.getLogger()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    levels = {name: logging.getLogger(name).level for name in ("", *DEBUG_LOGGERS)}
    root.addHandler(handler)
    for name in levels:
        logging.getLogger(name).setLevel(logging.DEBUG)
    yield buffer
    root.removeHandler(handler)
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


def _secrets(slack):
    return [slack.bot_token, slack.signing_secret, slack.app_token]


def _leaks(text, slack, answers=()):
    return [s for s in (*_secrets(slack), WRITTEN, COMMENT, KUDOS, *answers) if s in text]


def test_debug_logs_of_real_traffic_hold_no_token_secret_answer_or_comment(running_bot, captured):
    bot, slack = running_bot, running_bot.slack
    install([*secrets_of(bot.services.settings), slack.app_token])
    bot.clock.now = NOW
    with bot.services.unit() as u:
        buttons = service.create_survey(u.surveys, team="Hunters", question_ids=["enps"], cadence="weekly",
                                        weekday="mon", send_time="09:00", now=NOW)
        written = service.add_question(u.surveys, text="What slowed your deals down?", kind="text", now=NOW)
        modal = service.create_survey(u.surveys, team="Hunters", question_ids=["manager", written.id],
                                      cadence="weekly", weekday="tue", send_time="09:00", now=NOW)
        service.open_round_now(u.surveys, u.messenger, survey_id=buttons, now=NOW)
    bot.deliver()
    enps_dm = bot.slack.messages("UREP0")[0]
    assert bot.actor.click(None, "UREP0", enps_dm, "survey_answer:enps:7").status == 200
    with bot.services.unit() as u:
        service.open_round_now(u.surveys, u.messenger, survey_id=modal, now=NOW)
    bot.deliver()
    view = _modal(bot, "UREP0")
    bot.actor.submit_view(None, view["id"], {"q:manager": "2", f"q:{written.id}": WRITTEN, "comment": COMMENT},
                          user_id="UREP0")
    assert eventually(lambda: {WRITTEN, COMMENT} <= set(_texts(bot)))
    _modal(bot, "UREP0")  # the modal again, prefilled with the written answer
    slack.fail_next("chat.postMessage", status=500, count=4)  # a failing Slack call, retried then given up
    bot.actor.slash_command(None, "/kudos", f"<@UREP1|rep1> {KUDOS}", user_id="UREP0")
    assert eventually(lambda: any(KUDOS in str(c.params) for c in slack.calls_to("chat.postMessage")))
    logging.getLogger("salescoach").warning("calling Slack with %s and %s", slack.bot_token, slack.signing_secret)
    try:
        raise RuntimeError(f"auth failed for {slack.bot_token} (app {slack.app_token})")
    except RuntimeError:
        logging.getLogger("salescoach").exception("a listener failed")
    log = captured.getvalue()
    assert "Sending a request" in log and "INSERT INTO survey_answer" in log  # DEBUG really was on
    assert REDACTED in log and "a listener failed" in log and "RuntimeError" in log
    assert _leaks(log, slack, answers=(":enps:7",)) == []


def _modal(bot, user):
    """Open the long-survey modal from the DM that has the button; the view as the double holds it."""
    dm = next(m for m in bot.slack.messages(user) if "survey_open" in str(m.get("blocks")))
    before = set(bot.slack.open_views)
    bot.actor.click(None, user, dm, "survey_open")
    return eventually(lambda: next((bot.slack.open_views[v] for v in set(bot.slack.open_views) - before), None))


def _texts(bot):
    return _stored_comments(bot.services.sessions)


def _stored_comments(sessions):
    with sessions.begin() as s:
        return [c for c in s.scalars(select(Answer.comment)) if c]


def test_a_real_serve_process_at_debug_logs_no_token_secret_answer_or_comment(tmp_path, slack):
    url = f"sqlite:///{tmp_path}/serve.db"
    engine = make_engine(url)
    upgrade(engine)
    sessions = make_sessions(engine)
    with sessions.begin() as s:
        seed_team(s, reps=1)
    slack.add_user("rep0", id="UREP0", email="rep0@example.com", real_name="Rep 0", tz="Europe/London")
    slack.add_user("rep1", id="UREP1", email="rep1@example.com", real_name="Rep 1", tz="Europe/London")
    port, log_path = _free_port(), tmp_path / "serve.log"
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), "DATABASE_URL": url, "LOG_LEVEL": "DEBUG",
           "SLACK_API_URL": slack.api_url, "SLACK_BOT_TOKEN": slack.bot_token,
           "SLACK_SIGNING_SECRET": slack.signing_secret, "SLACK_APP_TOKEN": slack.app_token}
    with log_path.open("w") as log:
        process = subprocess.Popen([sys.executable, "-m", "bot.cli", "serve", "--http", "--host", "127.0.0.1",
                                    "--port", str(port), "--no-scheduler"], cwd=tmp_path, env=env, stdout=log,
                                   stderr=subprocess.STDOUT)
    try:
        assert eventually(lambda: process.poll() is not None or _health(f"http://127.0.0.1:{port}/healthz"),
                          timeout=20) and process.poll() is None, log_path.read_text()
        from bot.messenger import OutboxMessenger
        from storage.outbox import Outbox
        from storage.surveys import SurveyRepository

        now = datetime.now(UTC)  # the process delivers by the real clock
        with sessions.begin() as s:
            store = SurveyRepository(s)
            survey_id = service.create_survey(store, team="Hunters", question_ids=["enps"], cadence="weekly",
                                              weekday="mon", send_time="09:00", now=now)
            service.open_round_now(store, OutboxMessenger(Outbox(s), now=now), survey_id=survey_id, now=now)
        dm = eventually(lambda: (slack.messages("UREP0") or [None])[0], timeout=15)  # the worker delivers it
        assert dm, log_path.read_text()[-3000:]
        actor = SlackActor(slack, f"http://127.0.0.1:{port}/slack/events")
        assert actor.click(None, "UREP0", dm, "survey_answer:enps:7").status == 200
        opened = set(slack.open_views)
        actor.click(None, "UREP0", dm, "survey_comment")
        view_id = eventually(lambda: next(iter(set(slack.open_views) - opened), None), timeout=10)
        assert actor.submit_view(None, view_id, {"comment": COMMENT}, user_id="UREP0").status == 200
        assert eventually(lambda: COMMENT in _stored_comments(sessions), timeout=10)
    finally:
        process.terminate()
        process.wait(timeout=10)
        engine.dispose()
    log = log_path.read_text()
    assert "serving HTTP" in log and "Sending a request" in log and "Responding with status" in log  # DEBUG was on
    assert _leaks(log, slack, answers=(":enps:7",)) == []


def test_oauth_client_secret_and_sealing_keys_count_as_secrets(tmp_path):
    from bot.settings import OAuthApp, Settings

    settings = Settings(database_url=f"sqlite:///{tmp_path}/x.db", slack_bot_token="xoxb-1",
                        oauth=OAuthApp(client_id="1.2", client_secret="client-secret-xyz",
                                       encryption_keys=("key-new", "key-old")))
    assert {"client-secret-xyz", "key-new", "key-old", "xoxb-1"} <= set(filter(None, secrets_of(settings)))
