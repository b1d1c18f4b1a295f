"""People: Slack's user_change and team_join events keep each person's tz, locale and deactivation current."""

from __future__ import annotations

from logging import Logger
from typing import Any

from slack_bolt import App, BoltContext

from bot import ids
from bot.bootstrap import Services
from bot.people.directory import sync_profile
from bot.people.identity import origin_of


class PeopleListeners:
    """Keeps tz, locale and deactivation current from Slack's user_change and team_join events."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def register(self, app: App) -> None:
        app.event(ids.EVENT_USER_CHANGE)(self.on_user_change)
        app.event(ids.EVENT_TEAM_JOIN)(self.on_team_join)

    def on_user_change(self, event: dict[str, Any], context: BoltContext, logger: Logger) -> None:
        """A profile changed (time zone, deactivation ...): apply it to the person with that Slack id, if they are
        linked in the workspace the event came from."""
        outcome = sync_profile(self.services, event["user"], origin=origin_of(self.services, context))
        logger.debug("user_change for %s: %s", event["user"].get("id"), outcome)

    def on_team_join(self, event: dict[str, Any], context: BoltContext, logger: Logger) -> None:
        """Someone joined the workspace: link them to their roster entry by email, if they have one and have no
        Slack user yet, and the workspace may link people."""
        outcome = sync_profile(self.services, event["user"], origin=origin_of(self.services, context))
        logger.debug("team_join of %s: %s", event["user"].get("id"), outcome)
