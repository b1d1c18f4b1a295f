"""`salescoach check` against the Slack double: one line per finding, exit 1 on anything that must be fixed."""

import pytest
from conftest import seed_team

from bot.cli.main import main
from storage.db import make_engine, make_sessions


@pytest.fixture
def setup(cli_database, slack, monkeypatch):
    monkeypatch.setenv("SLACK_API_URL", slack.api_url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", slack.bot_token)
    monkeypatch.setenv("SLACK_APP_TOKEN", slack.app_token)
    monkeypatch.delenv("SLACK_SIGNING_SECRET", raising=False)
    engine = make_engine(cli_database)
    with make_sessions(engine).begin() as s:
        seed_team(s, reps=5, slack_ids=False)
    engine.dispose()
    return slack


def findings(capsys) -> dict[str, str]:
    return {line.split(":", 1)[0]: line for line in capsys.readouterr().out.splitlines() if ":" in line}


def test_a_working_setup_is_ready_and_names_what_is_still_missing(setup, capsys):
    assert main(["check"]) == 0
    found = findings(capsys)
    assert found["ok   Slack"] == "ok   Slack: the bot is @salescoach in Salescoach Demo"
    assert found["ok   scopes"].endswith("every scope app_manifest.yml asks for")
    assert found["ok   SLACK_APP_TOKEN"].startswith("ok   SLACK_APP_TOKEN: Slack accepts it for Socket Mode")
    assert found["warn roster"] == ("warn roster: 6 of 6 people are not matched to Slack yet: run `salescoach import "
                                    "roster` with Slack reachable, or add slack_id")
    assert found["warn teams"].startswith("warn teams: no channel for Hunters;")
    assert any(key.endswith("fonts") for key in found)


def test_a_missing_scope_and_a_wrong_app_token_each_fail_the_check(setup, capsys, monkeypatch):
    setup.workspace.bot_scopes = ("chat:write", "commands")
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1-A0DOUBLE01-wrong")
    assert main(["check"]) == 1
    found = findings(capsys)
    assert found["fail scopes"].startswith("fail scopes: the bot token lacks chat:write.public, files:write, "
                                           "im:history, im:write, reactions:read, users:read, users:read.email")
    assert found["fail SLACK_APP_TOKEN"].startswith("fail SLACK_APP_TOKEN: Slack refused the token (invalid_auth)")


def test_offline_check_asks_slack_nothing(setup, capsys):
    calls = len(setup.calls)
    assert main(["check", "--offline"]) == 0
    assert len(setup.calls) == calls
    assert not any(key.endswith("Slack") for key in findings(capsys))
