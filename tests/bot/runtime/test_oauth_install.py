"""Installing in several workspaces over real HTTP: /slack/install, Slack's consent (the double), the redirect with
its state cookie, and then each workspace's requests authorized with that workspace's own bot token."""

from __future__ import annotations

import http.client
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from cryptography.fernet import Fernet
from oauth_fixtures import CLIENT_ID, TEAM_A, TEAM_B, oauth_bot
from sqlalchemy import text

from bot.settings import Settings, SettingsError
from tests.conftest import eventually

pytestmark = pytest.mark.both_databases  # sealed tokens as each engine stores them

__all__ = ["oauth_bot"]  # a fixture


def auth_tests(slack, token: str) -> list[str]:
    return [c.response["team_id"] for c in slack.calls_to("auth.test") if c.token == token and c.ok]


@pytest.mark.parametrize("oauth_bot", [(TEAM_A, TEAM_B)], indirect=True)  # both may link roster people
def test_two_workspaces_install_and_each_request_is_authorized_with_its_own_token(oauth_bot):
    slack = oauth_bot.slack
    token_a = oauth_bot.install(TEAM_A, "Acme")
    token_b = oauth_bot.install(TEAM_B, "Bolt & Co")
    assert token_a != token_b and oauth_bot.installed_teams() == [TEAM_A, TEAM_B]
    exchanges = slack.calls_to("oauth.v2.access")
    assert [c.response["team"]["id"] for c in exchanges] == [TEAM_A, TEAM_B]
    assert all(c.token and c.token.startswith("Basic ") for c in exchanges)  # the app's credentials, no token

    slack.clear_calls()
    assert oauth_bot.event_from(TEAM_B, {"type": "app_home_opened", "user": "UREP1", "tab": "home"}) == 200
    published = eventually(lambda: slack.calls_to("views.publish"), timeout=20)  # the listener's one Slack call
    assert [(c.token, c.ok) for c in published] == [(token_b, True)]
    assert auth_tests(slack, token_b) == [TEAM_B] and auth_tests(slack, token_a) == []  # bolt's authorize

    slack.clear_calls()
    assert oauth_bot.event_from(TEAM_A, {"type": "app_home_opened", "user": "UREP0", "tab": "home"}) == 200
    published = eventually(lambda: slack.calls_to("views.publish"), timeout=20)
    assert [(c.token, c.ok) for c in published] == [(token_a, True)]
    assert auth_tests(slack, token_a) == [TEAM_A] and auth_tests(slack, token_b) == []

    with oauth_bot.services.engine.connect() as conn:  # the states were used up
        assert conn.execute(text("SELECT count(*) FROM slack_oauth_states")).scalar() == 0


def test_a_request_from_a_workspace_without_an_install_is_not_authorized(oauth_bot):
    oauth_bot.install(TEAM_A, "Acme")
    oauth_bot.slack.clear_calls()

    oauth_bot.event_from("T0NOTINSTALLED", {"type": "app_home_opened", "user": "UMGR", "tab": "home"})
    assert not eventually(lambda: oauth_bot.slack.calls_to("views.publish"), timeout=0.5)
    assert oauth_bot.slack.calls_to("auth.test") == []


def test_a_replayed_unknown_or_expired_state_is_refused(oauth_bot):
    slack = oauth_bot.slack
    state = oauth_bot.start_install()
    assert oauth_bot.finish_install(state, slack.workspace.installs.approve(CLIENT_ID, TEAM_A))[0] == 200

    code_b = slack.workspace.installs.approve(CLIENT_ID, TEAM_B)
    refused = (401, "invalid_state")
    replayed = oauth_bot.finish_install(state, code_b)
    assert (replayed[0], refused[1] in replayed[1]) == (refused[0], True)
    unknown = oauth_bot.finish_install("made-up-state", code_b)
    assert (unknown[0], refused[1] in unknown[1]) == (refused[0], True)
    other = oauth_bot.start_install()  # a valid state, but the cookie belongs to another browser
    elsewhere = oauth_bot.finish_install(other, code_b, cookie_state="someone-else")
    assert (elsewhere[0], "invalid_browser" in elsewhere[1]) == (400, True)

    stale = oauth_bot.start_install()
    oauth_bot.clock.advance(minutes=10, seconds=1)
    expired = oauth_bot.finish_install(stale, code_b)
    assert (expired[0], refused[1] in expired[1]) == (refused[0], True)

    assert oauth_bot.installed_teams() == [TEAM_A]
    assert len(slack.calls_to("oauth.v2.access")) == 1  # refused states never reach Slack


def test_the_oauth_states_job_deletes_states_that_expired_unused(oauth_bot):
    from bot.runtime.jobs import run_job

    for _ in range(2):
        oauth_bot.start_install()  # abandoned at Slack's consent page
    oauth_bot.clock.advance(minutes=9)
    live = oauth_bot.start_install()

    assert run_job(oauth_bot.services, "oauth_states", oauth_bot.clock.now + timedelta(minutes=1)) == \
        "removed 2 expired OAuth state(s)"
    assert oauth_bot.finish_install(live, oauth_bot.slack.workspace.installs.approve(CLIENT_ID, TEAM_A))[0] == 200


@pytest.mark.parametrize("oauth_bot", [(TEAM_A, TEAM_B)], indirect=True)  # both may link roster people
def test_outbound_rows_go_out_with_the_token_of_their_persons_workspace(oauth_bot):
    token_a, token_b = oauth_bot.install(TEAM_A, "Acme"), oauth_bot.install(TEAM_B, "Bolt & Co")
    client_for = oauth_bot.services.delivery.client_for
    assert client_for is not None and oauth_bot.services.workspaces is not None

    first = client_for({"channel": "UMGR", "text": "hi"})  # not yet bound: the first roster workspace's token
    assert first is not None and first.token == token_a
    oauth_bot.event_from(TEAM_B, {"type": "app_home_opened", "user": "UMGR", "tab": "home"})  # first contact
    eventually(lambda: oauth_bot.slack.calls_to("views.publish"), timeout=20)
    dm = client_for({"channel": "UMGR", "text": "hi"})
    assert dm is not None and dm.token == token_b and dm.auth_test()["team_id"] == TEAM_B
    assert client_for({"user_id": "UMGR", "view": {}}) is dm  # one client per workspace, sharing its pacing
    explicit = client_for({"team_id": TEAM_A, "channel": "C0SALES"})
    assert explicit is not None and explicit.token == token_a
    assert client_for({"channel": "C0SALES"}) is None and client_for({"team_id": "T0NOTINSTALLED"}) is None
    assert client_for({"channel": "UNOBODY"}) is None  # not in the roster: the default client
    # a modal and a survey DM's edit carry who they are for (a hint the delivery never sends to Slack)
    assert client_for({"trigger_id": "1.2.abc", "view": {}, "_for": "UMGR"}) is dm
    assert client_for({"text": "edited", "blocks": [], "_for": "UMGR"}) is dm


def test_single_workspace_mode_serves_no_install_pages(running_bot):
    from bot.slack_double.actor import SlackActor

    assert running_bot.app.oauth_flow is None
    connection = http.client.HTTPConnection("127.0.0.1", running_bot.server.effective_port, timeout=10)
    connection.request("GET", "/slack/install")
    assert connection.getresponse().status == 404
    connection.close()
    assert isinstance(running_bot.actor, SlackActor)


@pytest.mark.parametrize(("env", "variable"), [
    ({"SLACK_CLIENT_ID": "1111.2222", "SLACK_CLIENT_SECRET": "a-secret-value"}, "SALESCOACH_ENCRYPTION_KEY is not set"),
    ({"SLACK_CLIENT_ID": "1111.2222", "SLACK_CLIENT_SECRET": "a-secret-value",
      "SALESCOACH_ENCRYPTION_KEY": "not-a-key"}, "SALESCOACH_ENCRYPTION_KEY is '***'"),
    ({"SLACK_CLIENT_ID": "1111.2222"}, "SLACK_CLIENT_SECRET is not set"),
    ({"SLACK_CLIENT_SECRET": "a-secret-value"}, "SLACK_CLIENT_ID is not set"),
    ({"SLACK_CLIENT_ID": "my-app", "SLACK_CLIENT_SECRET": "a-secret-value"}, "SLACK_CLIENT_ID is 'my-app'"),
])
def test_oauth_settings_refuse_a_missing_or_bad_value_in_one_line(env, variable):
    with pytest.raises(SettingsError) as refused:
        Settings.from_env({"DATABASE_URL": "sqlite:///x.db", **env})
    message = str(refused.value)
    assert message.startswith(variable) and "\n" not in message and "a-secret-value" not in message
    if "ENCRYPTION_KEY" in variable:
        assert "Fernet.generate_key()" in message


def test_oauth_is_off_without_client_credentials_and_asks_for_the_manifests_scopes():
    key = Fernet.generate_key().decode()
    assert Settings.from_env({"DATABASE_URL": "sqlite:///x.db", "SALESCOACH_ENCRYPTION_KEY": key}).oauth is None
    oauth = Settings.from_env({"DATABASE_URL": "sqlite:///x.db", "SLACK_CLIENT_ID": "1111.2222",
                               "SLACK_CLIENT_SECRET": "a-secret-value", "SALESCOACH_ENCRYPTION_KEY": key}).oauth
    assert oauth is not None and "a-secret-value" not in repr(oauth)
    manifest = yaml.safe_load((Path(__file__).parents[3] / "app_manifest.yml").read_text())
    assert oauth.scopes == tuple(manifest["oauth_config"]["scopes"]["bot"])
