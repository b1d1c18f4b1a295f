"""Installing in several workspaces: bolt's OAuth flow over slack_sdk's SQLAlchemy stores (tokens sealed at rest),
the client for a workspace's installation, and the job that clears expired OAuth states.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from slack_bolt import BoltContext, BoltResponse
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient

from storage.installations import ClockedOAuthStateStore, PersonWorkspaces, SealedInstallationStore

if TYPE_CHECKING:
    from bot.bootstrap import Services

STATE_TTL_SECONDS = 600  # bolt's default: a browser has ten minutes from /slack/install back to the redirect
INSTALL_PATH, REDIRECT_PATH = "/slack/install", "/slack/oauth_redirect"


def authorize_url(api_url: str) -> str:
    """Where Slack asks the user to allow the app: next to the Web API (slack.com, GovSlack, a double)."""
    return urljoin(api_url, "../oauth/v2/authorize")


def oauth_settings(services: Services) -> OAuthSettings | None:
    """bolt's OAuth settings: /slack/install redirects to Slack with a state (cookie and table), and
    /slack/oauth_redirect exchanges the code through the app's client (SLACK_API_URL) and saves the install."""
    oauth, workspaces = services.settings.oauth, services.workspaces
    if oauth is None or workspaces is None:
        return None
    states = ClockedOAuthStateStore(engine=services.engine, clock=services.clock,
                                    expiration_seconds=STATE_TTL_SECONDS)
    return OAuthSettings(
        client_id=oauth.client_id, client_secret=oauth.client_secret, scopes=list(oauth.scopes),
        user_scopes=[], redirect_uri=oauth.redirect_uri, install_path=INSTALL_PATH, redirect_uri_path=REDIRECT_PATH,
        install_page_rendering_enabled=False, authorization_url=authorize_url(services.settings.slack_api_url),
        installation_store=workspaces.store, installation_store_bot_only=True, state_store=states,
        state_expiration_seconds=STATE_TTL_SECONDS)


class Workspaces:
    """Which workspace each person writes from, noted from authorized requests (a bolt middleware), and the
    client with that workspace's bot token for what we send them (Delivery's `client_for`)."""

    def __init__(self, *, people: PersonWorkspaces, store: SealedInstallationStore,
                 make_client: Callable[..., WebClient]) -> None:
        self.people, self.store, self.make_client = people, store, make_client
        self._noted: dict[str, str] = {}  # person -> workspace, as this process last recorded it
        self._clients: dict[str, WebClient] = {}
        self._lock = threading.Lock()

    def remember(self, context: BoltContext, next: Callable[[], BoltResponse]) -> BoltResponse:
        """bolt middleware: a person's first request from a workspace records it (a write only when it changes)."""
        user, team = context.user_id, context.team_id
        if user and team and self._noted.get(user) != team:
            self.people.remember(slack_id=user, team_id=team)
            with self._lock:
                self._noted[user] = team
        return next()

    def client_for(self, payload: dict[str, Any]) -> WebClient | None:
        """The payload's "team_id", else its person's workspace, picks the bot token; None: the default client."""
        team_id = payload.get("team_id")
        if not isinstance(team_id, str) or not team_id:
            user = payload.get("_for") or payload.get("user_id") or payload.get("user") or payload.get("channel")
            if not isinstance(user, str) or user[:1] not in ("U", "W"):
                return None  # a channel, a modal's trigger, a response_url: the default client
            team_id = self.people.of(user)
            if team_id is None:
                return None
        bot = self.store.find_bot(enterprise_id=None, team_id=team_id)
        if bot is None or not bot.bot_token:
            return None
        with self._lock:  # one client per token, so its Pacer (rate limits, Retry-After) is shared by all rows
            if bot.bot_token not in self._clients:
                self._clients[bot.bot_token] = self.make_client(token=bot.bot_token)
            return self._clients[bot.bot_token]


def clean_expired_states(services: Services, now: datetime) -> str:
    """Delete OAuth states that expired by `now` (abandoned installs); consuming one already deletes it."""
    removed = ClockedOAuthStateStore(engine=services.engine, clock=services.clock).delete_expired(now)
    return f"removed {removed} expired OAuth state(s)"
