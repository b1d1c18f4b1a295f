"""Installing the app over real HTTP in several teams of the Slack double (bolt's OAuth flow, a browser with its
state cookie), and the bot serving each team's signed requests."""

from __future__ import annotations

import http.client
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text

from bot.settings import DEFAULT_SCOPES, OAuthApp, Settings
from bot.slack_double import SlackActor
from tests.conftest import add_slack_users, seed_team

CLIENT_ID, CLIENT_SECRET = "1111.2222", "double-client-secret"
TEAM_A, TEAM_B = "T0AAAAAAAA", "T0BBBBBBBB"
COOKIE = "slack-app-oauth-state"


class OAuthBot:
    """The real bot over HTTP in OAuth mode, and a browser that installs it into a team of the Slack double."""

    def __init__(self, services, app, server, slack, clock) -> None:
        self.services, self.app, self.server, self.slack, self.clock = services, app, server, slack, clock
        self.host, self.port = "127.0.0.1", server.effective_port

    def get(self, path: str, cookie: str | None = None) -> tuple[int, dict[str, str], str]:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=10)
        try:
            connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
            response = connection.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read().decode()
        finally:
            connection.close()

    def start_install(self) -> str:
        """GET /slack/install: a redirect to Slack's consent page whose state is also set as a cookie."""
        status, headers, _ = self.get("/slack/install")
        assert status == 302, status
        location = urlsplit(headers["location"])
        query = parse_qs(location.query)
        assert location.path == "/oauth/v2/authorize" and query["client_id"] == [CLIENT_ID]
        assert query["scope"] == [",".join(DEFAULT_SCOPES)]
        state = query["state"][0]
        assert f"{COOKIE}={state}" in headers["set-cookie"]
        return state

    def finish_install(self, state: str, code: str, cookie_state: str | None = None) -> tuple[int, str]:
        """The browser comes back from Slack to /slack/oauth_redirect with the code, the state and its cookie."""
        status, _, body = self.get("/slack/oauth_redirect?" + urlencode({"code": code, "state": state}),
                                   cookie=f"{COOKIE}={cookie_state or state}")
        return status, body

    def install(self, team_id: str, team_name: str, enterprise_id: str | None = None) -> str:
        """Install the app in a team (of an Enterprise Grid org) through the whole flow; its bot token."""
        state = self.start_install()
        code = self.slack.workspace.installs.approve(CLIENT_ID, team_id, team_name=team_name,
                                                     enterprise_id=enterprise_id)
        status, body = self.finish_install(state, code)
        assert status == 200, body
        install = self.slack.workspace.installs.installed(CLIENT_ID, team_id)
        assert install is not None
        return next(t for t, i in self.slack.workspace.installs.by_token.items() if i is install)

    def actor(self, team_id: str, enterprise_id: str | None = None) -> SlackActor:
        """Slack (and its users) sending signed requests for the app's install in `team_id`."""
        return SlackActor(self.slack, f"http://{self.host}:{self.port}/slack/events", team_id=team_id,
                          enterprise_id=enterprise_id)

    def event_from(self, team_id: str, event: dict) -> int:
        """A signed Events API request as Slack sends it for an install in `team_id`."""
        return self.actor(team_id).send_event(None, event).status

    def installed_teams(self) -> list[str]:
        with self.services.engine.connect() as conn:
            return sorted(conn.execute(text("SELECT team_id FROM slack_bots")).scalars())


@pytest.fixture
def oauth_bot(request, migrated_database_url, slack, clock):
    """The bot in OAuth mode, nothing installed yet; a seeded team (UMGR, UREP0, UREP1) not yet linked to a
    workspace. Parametrize it indirectly with workspace ids for SALESCOACH_ROSTER_WORKSPACES."""
    from bot.app import build_app
    from bot.bootstrap import bootstrap
    from bot.runtime.server import serving

    database_url = migrated_database_url
    slack.workspace.installs.register_app(CLIENT_ID, CLIENT_SECRET)
    oauth = OAuthApp(client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                     encryption_keys=(Fernet.generate_key().decode(),))
    settings = Settings(database_url=database_url, slack_api_url=slack.api_url,
                        slack_signing_secret=slack.signing_secret, oauth=oauth,
                        roster_workspaces=tuple(getattr(request, "param", ())))
    services = bootstrap(settings, clock=clock, migrate=False)
    with services.sessions.begin() as session:
        seed_team(session, reps=2)
    add_slack_users(slack, reps=2)
    app = build_app(services, token_verification=True)
    with serving(app, services, threads=4) as server:
        yield OAuthBot(services, app, server, slack, clock)
    services.close()


