"""Installing in several workspaces: bolt's OAuth flow over slack_sdk's SQLAlchemy stores (tokens sealed at rest),
the client for a workspace's installation, and the job that clears expired OAuth states.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient

from storage.identity import Origin, PersonWorkspaces
from storage.installations import ClockedOAuthStateStore, SealedInstallationStore

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
    """Each workspace's install: which workspaces may link people to the roster, and the client with the bot token
    of the workspace a person is linked in, for what we send them (Delivery's `client_for`)."""

    def __init__(self, *, people: PersonWorkspaces, store: SealedInstallationStore,
                 make_client: Callable[..., WebClient], roster: Sequence[str] = ()) -> None:
        self.people, self.store, self.make_client, self.roster = people, store, make_client, tuple(roster)
        self._first: tuple[str | None, str | None] | None = None  # the first install never changes once made
        self._clients: dict[str, WebClient] = {}
        self._lock = threading.Lock()

    def _first_install(self) -> tuple[str | None, str | None] | None:
        if self._first is None:
            self._first = self.store.first_workspace()
        return self._first

    def roster_workspaces(self) -> frozenset[str]:
        """SALESCOACH_ROSTER_WORKSPACES, else the workspace (or org, for an org-wide install) installed first."""
        if self.roster:
            return frozenset(self.roster)
        first = self._first_install()
        own = (first[0] or first[1]) if first else None
        return frozenset({own}) if own else frozenset()

    def _default(self) -> tuple[str | None, str | None] | None:
        """Where a person not yet bound to a workspace is written to: the first roster workspace, or first install."""
        named = next((w for w in self.roster if w.startswith("T")), None)
        return (named, None) if named else self._first_install()

    def sends_to(self, origin: Origin) -> bool:
        """Does what we send someone not yet bound to a workspace go to the origin's workspace already?"""
        default = self._default()
        return default is not None and default[0] == origin.team_id

    def client_for(self, payload: dict[str, Any]) -> WebClient | None:
        """The payload's "team_id", else the workspace its person is linked in, picks the bot token (never the
        workspace they last wrote from); None: the default client."""
        team_id, enterprise_id = payload.get("team_id"), payload.get("enterprise_id")
        if not isinstance(team_id, str) or not team_id:
            user = payload.get("_for") or payload.get("user_id") or payload.get("user") or payload.get("channel")
            if not isinstance(user, str) or user[:1] not in ("U", "W"):
                return None  # a channel, a modal's trigger, a response_url: the default client
            linked = self.people.of(user)
            if linked is None:
                return None
            if linked == (None, None):
                linked = self._default() or linked
            team_id, enterprise_id = linked
        bot = self.store.find_bot(enterprise_id=enterprise_id, team_id=team_id)
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
