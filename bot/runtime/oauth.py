"""Installing in several workspaces: bolt's OAuth flow over slack_sdk's SQLAlchemy stores (tokens sealed at rest),
the client for a workspace's installation, and the job that clears expired OAuth states.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from slack_bolt.oauth.oauth_settings import OAuthSettings

from storage.installations import ClockedOAuthStateStore

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


def clean_expired_states(services: Services, now: datetime) -> str:
    """Delete OAuth states that expired by `now` (abandoned installs); consuming one already deletes it."""
    removed = ClockedOAuthStateStore(engine=services.engine, clock=services.clock).delete_expired(now)
    return f"removed {removed} expired OAuth state(s)"
