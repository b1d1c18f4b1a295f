"""The double's workspace state: team, bot, tokens, users, channels, messages, views, triggers and files."""

from __future__ import annotations

import copy
import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

from bot.settings_values import DEFAULT_SCOPES

PRIVATE_KEYS = ("channel", "edit_history", "is_ephemeral", "ephemeral_user")
PROFILE_KEYS = {"email", "status_text", "status_emoji", "display_name", "title", "phone", "first_name", "last_name"}


class ApiError(Exception):
    """A Slack Web API error: answered as HTTP 200 {"ok": false, "error": ...} plus extra fields."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra


@dataclass
class Channel:
    id: str
    name: str
    is_im: bool = False
    user: str | None = None
    messages: list[dict[str, Any]] = field(default_factory=list)
    ephemeral: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Trigger:
    user_id: str
    issued_at: float
    used: bool = False


class Workspace:
    """Everything the double knows; guarded by `lock` (the server holds it while answering a call)."""

    def __init__(self, *, team_id: str, team_name: str, domain: str, app_id: str, bot_user_id: str,
                 bot_id: str, bot_name: str, clock: Callable[[], float] = time.time,
                 trigger_ttl: float = 3.0) -> None:
        self.lock = threading.RLock()
        self.clock = clock
        self.trigger_ttl = trigger_ttl
        self.team_id, self.team_name, self.domain, self.app_id = team_id, team_name, domain, app_id
        self.bot_user_id, self.bot_id, self.bot_name = bot_user_id, bot_id, bot_name
        self.bot_tokens: set[str] = set()
        self.bot_scopes: tuple[str, ...] = DEFAULT_SCOPES  # what the bot token was granted: the manifest's
        self.app_tokens: set[str] = set()
        self.users: dict[str, dict[str, Any]] = {}
        self.channels: dict[str, Channel] = {}
        self.views: dict[str, dict[str, Any]] = {}
        self.view_users: dict[str, str] = {}
        self.home_views: dict[str, dict[str, Any]] = {}
        self.triggers: dict[str, Trigger] = {}
        self.files: dict[str, dict[str, Any]] = {}
        self.response_urls: dict[str, dict[str, Any]] = {}
        self._ids = itertools.count(1)
        self._last_us = 0
        self.add_user("slackbot", id="USLACKBOT", real_name="Slackbot", email=None, is_bot=False)
        self.add_user(bot_name, id=bot_user_id, real_name=bot_name, email=None, is_bot=True)

    # ---- ids, timestamps -------------------------------------------------------------------------
    def new_id(self, prefix: str) -> str:
        return f"{prefix}0{next(self._ids):08X}"

    def next_ts(self) -> str:
        """Slack-like ts "1700000000.000100": unique and increasing across the workspace."""
        with self.lock:
            self._last_us = max(int(self.clock() * 1_000_000), self._last_us + 1)
            return f"{self._last_us // 1_000_000}.{self._last_us % 1_000_000:06d}"

    def fill_ids(self, blocks: Any) -> None:
        """Give blocks and elements without block_id/action_id generated ones, as Slack does."""
        if not isinstance(blocks, list):
            return
        for block in blocks:
            if not isinstance(block, dict):
                continue
            block.setdefault("block_id", f"{next(self._ids):x}Bk")
            elements = list(block.get("elements") or []) if block.get("type") == "actions" else []
            elements += [block[k] for k in ("accessory", "element") if k in block]
            for element in elements:
                if isinstance(element, dict) and element.get("type") != "image":
                    element.setdefault("action_id", f"{next(self._ids):x}Ac")

    # ---- users -----------------------------------------------------------------------------------
    def add_user(self, name: str | None = None, *, id: str | None = None, email: str | None = "",
                 real_name: str | None = None, tz: str = "America/New_York", locale: str = "en-US",
                 deleted: bool = False, is_bot: bool = False, is_admin: bool = False,
                 status_text: str = "", status_emoji: str = "", display_name: str = "") -> dict[str, Any]:
        with self.lock:
            user_id = id or self.new_id("U")
            name = name or f"user{len(self.users)}"
            if email == "":
                email = f"{name}@example.com"
            user: dict[str, Any] = {
                "id": user_id, "team_id": self.team_id, "name": name, "deleted": deleted, "color": "9f69e7",
                "real_name": real_name or name, "tz": tz, "tz_label": "", "tz_offset": 0, "locale": locale,
                "profile": {"real_name": real_name or name, "real_name_normalized": real_name or name,
                            "display_name": display_name, "display_name_normalized": display_name,
                            "status_text": status_text, "status_emoji": status_emoji, "team": self.team_id,
                            "image_48": f"https://avatars.example.invalid/{user_id}_48.png"},
                "is_admin": is_admin, "is_owner": False, "is_primary_owner": False, "is_restricted": False,
                "is_ultra_restricted": False, "is_bot": is_bot, "is_app_user": False, "updated": int(self.clock()),
            }
            if email is not None:
                user["profile"]["email"] = email
            if is_bot:
                user["profile"]["bot_id"] = self.bot_id if user_id == self.bot_user_id else self.new_id("B")
            self._refresh_tz(user)
            self.users[user_id] = user
            return copy.deepcopy(user)

    def set_user(self, user_id: str, **fields: Any) -> dict[str, Any]:
        """Change a user's fields; profile keys (email, status_text, ...) go into the profile."""
        with self.lock:
            user = self.users[user_id]
            for key, value in fields.items():
                if key in PROFILE_KEYS:
                    user["profile"][key] = value
                elif key == "profile":
                    user["profile"].update(value)
                else:
                    user[key] = value
                    if key == "real_name":
                        user["profile"]["real_name"] = value
            self._refresh_tz(user)
            user["updated"] = int(self.clock())
            return copy.deepcopy(user)

    def _refresh_tz(self, user: dict[str, Any]) -> None:
        try:
            now = datetime.fromtimestamp(self.clock(), ZoneInfo(user["tz"]))
        except (KeyError, ValueError):
            return
        offset = now.utcoffset()
        user["tz_offset"] = int(offset.total_seconds()) if offset else 0
        user["tz_label"] = now.tzname() or ""

    def user(self, user_id: str) -> dict[str, Any]:
        try:
            return self.users[user_id]
        except KeyError:
            raise ApiError("user_not_found") from None

    # ---- channels ----------------------------------------------------------------------------------
    def add_channel(self, name: str, *, id: str | None = None) -> str:
        with self.lock:
            channel = Channel(id=id or self.new_id("C"), name=name.lstrip("#"))
            self.channels[channel.id] = channel
            return channel.id

    def dm_channel(self, user_id: str) -> Channel:
        """The stable D... channel between the bot and a user (opened on first use)."""
        user = self.user(user_id)
        if user["deleted"]:
            raise ApiError("user_disabled")
        channel_id = "D" + user_id[1:]
        if channel_id not in self.channels:
            self.channels[channel_id] = Channel(id=channel_id, name=user_id, is_im=True, user=user_id)
        return self.channels[channel_id]

    def resolve(self, channel: Any) -> Channel:
        """A channel by id, user id (its DM) or #name; channel_not_found otherwise."""
        if not isinstance(channel, str) or not channel:
            raise ApiError("channel_not_found")
        if channel in self.channels:
            return self.channels[channel]
        if channel[0] in "UW" and channel in self.users:
            return self.dm_channel(channel)
        for candidate in self.channels.values():
            if not candidate.is_im and candidate.name == channel.lstrip("#"):
                return candidate
        raise ApiError("channel_not_found")

    def find_message(self, channel: Channel, ts: Any) -> dict[str, Any]:
        for message in channel.messages:
            if message["ts"] == ts:
                return message
        raise ApiError("message_not_found")

    def public_message(self, message: dict[str, Any], *, with_metadata: bool = True) -> dict[str, Any]:
        """A stored message as Slack returns it (no double-only keys)."""
        out = {k: copy.deepcopy(v) for k, v in message.items() if k not in PRIVATE_KEYS}
        if not with_metadata:
            out.pop("metadata", None)
        return out

    def messages(self, channel_or_user: str, since: int = 0) -> list[dict[str, Any]]:
        """Copies of the channel's messages from the `since`-th on (a caller that counted them copies only the new)."""
        with self.lock:
            try:
                channel = self.resolve(channel_or_user)
            except ApiError:
                return []
            return copy.deepcopy(channel.messages[since:])

    def message_count(self, channel_or_user: str) -> int:
        with self.lock:
            try:
                return len(self.resolve(channel_or_user).messages)
            except ApiError:
                return 0

    def ephemeral_messages(self, channel_or_user: str) -> list[dict[str, Any]]:
        with self.lock:
            try:
                channel = self.resolve(channel_or_user)
            except ApiError:
                return []
            return copy.deepcopy(channel.ephemeral)

    # ---- triggers and views --------------------------------------------------------------------------
    def issue_trigger(self, user_id: str) -> str:
        with self.lock:
            trigger_id = f"{next(self._ids)}.{int(self.clock())}.{self.new_id('X').lower()}"
            self.triggers[trigger_id] = Trigger(user_id=user_id, issued_at=self.clock())
            return trigger_id

    def expire_trigger(self, trigger_id: str) -> None:
        with self.lock:
            self.triggers[trigger_id].issued_at = -1e12

    def use_trigger(self, trigger_id: Any) -> str:
        """The user behind a trigger id; Slack's errors when it is missing, unknown, used or expired."""
        if not trigger_id:
            raise ApiError("invalid_arguments", response_metadata={"messages": [
                "[ERROR] missing required field: trigger_id"]})
        trigger = self.triggers.get(trigger_id)
        if trigger is None:
            raise ApiError("invalid_trigger_id")
        if trigger.used:
            raise ApiError("exchanged_trigger_id")
        if self.clock() - trigger.issued_at > self.trigger_ttl:
            raise ApiError("expired_trigger_id")
        trigger.used = True
        return trigger.user_id

    def make_view(self, spec: dict[str, Any], *, view_id: str | None = None,
                  root_view_id: str | None = None, previous_view_id: str | None = None) -> dict[str, Any]:
        view_id = view_id or self.new_id("V")
        self.fill_ids(spec.get("blocks"))
        view: dict[str, Any] = {
            "id": view_id, "team_id": self.team_id, "type": spec["type"], "blocks": spec.get("blocks", []),
            "private_metadata": spec.get("private_metadata", ""), "callback_id": spec.get("callback_id", ""),
            "state": {"values": {}}, "hash": f"{int(self.clock())}.{self.new_id('H').lower()}",
            "title": spec.get("title"), "clear_on_close": bool(spec.get("clear_on_close", False)),
            "notify_on_close": bool(spec.get("notify_on_close", False)), "close": spec.get("close"),
            "submit": spec.get("submit"), "previous_view_id": previous_view_id,
            "root_view_id": root_view_id or view_id, "app_id": self.app_id, "external_id": spec.get("external_id", ""),
            "app_installed_team_id": self.team_id, "bot_id": self.bot_id,
        }
        return view

    def find_view(self, view_id: Any, external_id: Any) -> dict[str, Any]:
        for view in [*self.views.values(), *self.home_views.values()]:
            if (view_id and view["id"] == view_id) or (external_id and view["external_id"] == external_id):
                return view
        raise ApiError("not_found")

    def close_view(self, view_id: str, *, whole_stack: bool = True) -> None:
        with self.lock:
            root = self.views.get(view_id, {}).get("root_view_id", view_id)
            for vid in [v for v, view in self.views.items()
                        if v == view_id or (whole_stack and view["root_view_id"] == root)]:
                self.views.pop(vid, None)
                self.view_users.pop(vid, None)

    # ---- OAuth: installs in more than one team ---------------------------------------------------------
    @cached_property
    def installs(self) -> Installs:
        """OAuth apps, the codes users approved, and the bot tokens minted for each team (see webapi_oauth)."""
        return Installs(self)


@dataclass
class Install:
    """One team's install of the app, as oauth.v2.access and auth.test describe it."""

    client_id: str
    team_id: str
    team_name: str
    bot_user_id: str
    bot_id: str
    scopes: str
    installer: str
    redirect_uri: str | None = None
    approved_at: float = 0.0
    enterprise_id: str | None = None  # the Enterprise Grid org the team belongs to


class Installs:
    """Install the app in more teams: register the app's credentials, approve (as a user would at
    slack.com/oauth/v2/authorize) to get a code, and exchange the code for a bot token the Web API accepts."""

    CODE_TTL = 600.0  # Slack's codes expire after ten minutes

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.apps: dict[str, str] = {}
        self.codes: dict[str, Install] = {}
        self.by_token: dict[str, Install] = {}

    def register_app(self, client_id: str, client_secret: str) -> None:
        with self.ws.lock:
            self.apps[client_id] = client_secret

    def approve(self, client_id: str, team_id: str, *, team_name: str | None = None, installer: str = "UMGR",
                scopes: str = "chat:write,commands", redirect_uri: str | None = None,
                enterprise_id: str | None = None) -> str:
        """The code Slack appends to the redirect URL once a user in `team_id` (of Grid org `enterprise_id`)
        allowed the app."""
        with self.ws.lock:
            if client_id not in self.apps:
                raise ApiError("invalid_client_id")
            current = self.installed(client_id, team_id)
            code = f"{team_id}.{self.ws.new_id('K').lower()}"
            self.codes[code] = Install(
                client_id=client_id, team_id=team_id, team_name=team_name or f"Team {team_id}",
                bot_user_id=current.bot_user_id if current else self.ws.new_id("U"),
                bot_id=current.bot_id if current else self.ws.new_id("B"), scopes=scopes, installer=installer,
                redirect_uri=redirect_uri, approved_at=self.ws.clock(), enterprise_id=enterprise_id)
            return code

    def installed(self, client_id: str, team_id: str) -> Install | None:
        return next((i for i in self.by_token.values() if i.client_id == client_id and i.team_id == team_id), None)

    def exchange(self, client_id: Any, client_secret: Any, code: Any, redirect_uri: Any = None
                 ) -> tuple[str, Install]:
        """Slack's checks in order; a code works once; a team keeps its bot token across re-installs."""
        with self.ws.lock:
            if client_id not in self.apps:
                raise ApiError("invalid_client_id")
            if self.apps[client_id] != client_secret:
                raise ApiError("bad_client_secret")
            install = self.codes.pop(code, None) if isinstance(code, str) else None
            if install is None or install.client_id != client_id \
                    or self.ws.clock() - install.approved_at > self.CODE_TTL:
                raise ApiError("invalid_code")
            if install.redirect_uri is not None and redirect_uri != install.redirect_uri:
                raise ApiError("bad_redirect_uri")
            current = self.installed(client_id, install.team_id)
            token = next((t for t, i in self.by_token.items() if i is current), None) \
                or f"xoxb-{install.team_id}-{self.ws.new_id('').lower()}"
            self.by_token[token] = install
            self.ws.bot_tokens.add(token)
            return token, install
