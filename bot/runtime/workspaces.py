"""Each workspace's install: which workspaces may link people to the roster, and the client with the bot token of
the workspace a person is linked in (bot.runtime.oauth runs the install flow itself)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

from slack_sdk import WebClient

from storage.identity import Origin, PersonWorkspaces
from storage.installations import SealedInstallationStore


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
