"""/intel listeners: the command and the global shortcut open the modal, its submission keeps and posts the item,
and reaction_added / reaction_removed count reactions on intel posts."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot import ids
from bot.bootstrap import Services
from bot.intel import usecases
from bot.intel.views import parse_intel_view
from bot.slack_text import plain


class IntelListeners:
    """Each acks, parses, calls one use case and sends what it queued (a modal's errors go back in its ack). A
    replayed submission keeps nothing twice (keyed by the view id); a replayed reaction counts once (one row per
    person and emoji)."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def register(self, app: App) -> None:
        app.command(ids.CMD_INTEL)(self.on_command)
        app.shortcut(ids.SHORTCUT_INTEL)(self.on_shortcut)
        app.view(ids.VIEW_INTEL)(self.on_submitted)
        app.event(ids.EVENT_REACTION_ADDED)(self.on_reaction_added)
        app.event(ids.EVENT_REACTION_REMOVED)(self.on_reaction_removed)

    def on_command(self, ack: Ack, body: dict[str, Any]) -> None:
        """`/intel [what you saw]` opens the modal (the text prefilled)."""
        ack()
        keys = usecases.open_form(self.services, slack_user=body["user_id"], trigger_id=body["trigger_id"],
                                  text=plain((body.get("text") or "").strip()))
        self.services.delivery.drain(keys=keys)

    def on_shortcut(self, ack: Ack, body: dict[str, Any]) -> None:
        ack()
        keys = usecases.open_form(self.services, slack_user=body["user"]["id"], trigger_id=body["trigger_id"])
        self.services.delivery.drain(keys=keys)

    def on_submitted(self, ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
        outcome = usecases.submit(self.services, slack_user=body["user"]["id"], slack_team_id=context.team_id,
                                  view_id=view["id"], **parse_intel_view(view["state"]["values"]))
        if outcome.errors:
            ack(response_action="errors", errors=outcome.errors)
            return
        ack(response_action="update", view=outcome.view)
        self.services.delivery.drain(keys=outcome.keys)

    def on_reaction_added(self, event: dict[str, Any], context: BoltContext) -> None:
        self._react(event, context, added=True)

    def on_reaction_removed(self, event: dict[str, Any], context: BoltContext) -> None:
        self._react(event, context, added=False)

    def _react(self, event: dict[str, Any], context: BoltContext, *, added: bool) -> None:
        item = event.get("item")
        usecases.react(self.services, slack_team_id=context.team_id, slack_user=event.get("user"),
                       item=item if isinstance(item, dict) else {}, reaction=str(event.get("reaction") or ""),
                       added=added)
