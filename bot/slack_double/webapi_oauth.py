"""Web API methods for installs in several teams: oauth.v2.access (a code for a bot token) and auth.test per team.

Approve an install as a user would with `double.workspace.installs.approve(client_id, team_id)`.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from bot.slack_double import webapi
from bot.slack_double.webapi import Context, Handler
from bot.slack_double.workspace import ApiError, Workspace

CLIENT_CREDENTIAL_METHODS = frozenset({"oauth.v2.access"})  # the app authenticates, not a token


def client_credentials(authorization: str | None, params: dict[str, Any]) -> tuple[Any, Any]:
    """client_id and client_secret from HTTP Basic auth (what slack_sdk sends) or from the form."""
    if authorization and authorization.startswith("Basic "):
        try:
            client_id, _, secret = base64.b64decode(authorization[len("Basic "):]).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            raise ApiError("invalid_client_id") from None
        return client_id, secret
    return params.get("client_id"), params.get("client_secret")


def oauth_v2_access(ws: Workspace, p: dict[str, Any], ctx: Context) -> dict[str, Any]:
    client_id, secret = client_credentials(ctx.token, p)
    token, install = ws.installs.exchange(client_id, secret, p.get("code"), p.get("redirect_uri"))
    return {"ok": True, "app_id": ws.app_id, "authed_user": {"id": install.installer}, "scope": install.scopes,
            "token_type": "bot", "access_token": token, "bot_user_id": install.bot_user_id,
            "team": {"id": install.team_id, "name": install.team_name}, "is_enterprise_install": False,
            "enterprise": {"id": install.enterprise_id, "name": f"Org {install.enterprise_id}"}
            if install.enterprise_id else None}


def auth_test(ws: Workspace, p: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """Like webapi.auth_test, but a token minted by an install answers for its own team and bot."""
    answer = webapi.auth_test(ws, p, ctx)
    install = ws.installs.by_token.get(ctx.token)
    if install is not None:
        answer.update(team=install.team_name, team_id=install.team_id, user_id=install.bot_user_id,
                      bot_id=install.bot_id, url=f"https://{install.team_id.lower()}.slack.com/")
        if install.enterprise_id:
            answer["enterprise_id"] = install.enterprise_id
    return answer


METHODS: dict[str, Handler] = {
    "oauth.v2.access": oauth_v2_access,
    "auth.test": auth_test,
}
