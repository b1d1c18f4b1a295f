"""Settings: defaults, normalisation, and one clear line naming a bad variable (exit status 2)."""

import subprocess
import sys

import pytest

from bot.settings import Settings, SettingsError


def test_defaults_need_no_configuration(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = Settings.from_env({})
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.database_url == f"sqlite:///{tmp_path}/salescoach.db"
    assert settings.anonymity_threshold == 5


def test_postgres_urls_use_psycopg_and_api_url_gets_its_slash():
    settings = Settings.from_env({"DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/test",
                                  "SLACK_API_URL": "http://127.0.0.1:9000/api"})
    assert settings.database_url == "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    assert settings.slack_api_url == "http://127.0.0.1:9000/api/"


@pytest.mark.parametrize(("variable", "value", "expected"), [
    ("SLACK_BOT_TOKEN", "xoxp-user-token", "starting with xoxb-"),
    ("SLACK_APP_TOKEN", "abc", "starting with xapp-"),
    ("SLACK_API_URL", "slack.com/api", "http(s) URL"),
    ("DATABASE_URL", "mysql://x", "sqlite:///PATH"),
    ("SALESCOACH_ANONYMITY_THRESHOLD", "2", "from 3 to 10"),
    ("SALESCOACH_IMPORT_MAX_ROWS", "0", "from 1 to 100000000"),
    ("SALESCOACH_IMPORT_MAX_ROWS", "1,000", "from 1 to 100000000"),
    ("SALESCOACH_ROSTER_WORKSPACES", "T024BE7LD, acme", "workspace ids (T…) or Enterprise Grid org ids (E…)"),
])
def test_a_malformed_setting_names_the_variable_and_what_is_expected(variable, value, expected):
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({variable: value})
    assert str(raised.value).startswith(variable)
    assert expected in str(raised.value)


def test_tokens_are_not_echoed_in_the_error():
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({"SLACK_BOT_TOKEN": "xoxp-1234567890-secret"})
    assert "secret" not in str(raised.value)


def test_serve_without_a_token_exits_2_with_one_line(tmp_path):
    env = {"PATH": "", "DATABASE_URL": f"sqlite:///{tmp_path}/x.db", "PYTHONPATH": str(_root())}
    done = subprocess.run([sys.executable, "-m", "bot.cli", "serve", "--http"], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "salescoach: SLACK_BOT_TOKEN: not set; copy the Bot User OAuth Token (xoxb-) from your Slack app's "
        "OAuth & Permissions page, or set SLACK_CLIENT_ID for installs in several workspaces"]


def _root():
    from pathlib import Path

    return Path(__file__).resolve().parent.parent


def test_coaching_settings_parse_and_a_bad_one_names_the_variable_and_what_is_allowed():
    s = Settings.from_env({"SALESCOACH_DIGEST_AT": "tue 07:30", "SALESCOACH_CURRENCY": "myr",
                           "SALESCOACH_NEW_BUSINESS_TARGET": "25%", "SALESCOACH_MIN_DEALS": "8"})
    assert (s.digest_day, s.digest_time, s.currency, s.new_business_target, s.min_closed_deals) == (
        1, "07:30", "MYR", 0.25, 8)
    for name, value, allowed in (("SALESCOACH_CURRENCY", "dollars", "an ISO 4217 currency code"),
                                 ("SALESCOACH_DIGEST_AT", "monday", "a weekday and local time, e.g. mon 08:00"),
                                 ("SALESCOACH_DIGEST_PERIOD", "year", "one of week, month, quarter"),
                                 ("SALESCOACH_NEW_BUSINESS_TARGET", "150%", "a share from 0 to 1")):
        with pytest.raises(SettingsError, match=f"^{name} is '{value}': expected {allowed}"):
            Settings.from_env({name: value})


def test_the_roster_workspaces_are_workspace_or_grid_org_ids():
    assert Settings.from_env({}).roster_workspaces == ()
    assert Settings.from_env({"SALESCOACH_ROSTER_WORKSPACES": " T024BE7LD, E0123ABCD "}).roster_workspaces == (
        "T024BE7LD", "E0123ABCD")
