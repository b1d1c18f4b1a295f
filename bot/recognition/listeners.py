"""Recognition listeners: `/kudos`, `/win`, the kudos shortcut and App Home button, and the two modals; each
acks, parses, calls one service in bot.recognition.usecases and sends what it queued."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot import ids
from bot.bootstrap import Services
from bot.recognition import usecases as recognition
from bot.recognition.views import parse_kudos_view, parse_win_view
from bot.slack_text import plain


class RecognitionListeners:
    """Kudos and logged wins. A replayed request records nothing twice: kudos are keyed by the trigger (or view)
    id, wins by the view id, and every post by its outbox key."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def register(self, app: App) -> None:
        app.command(ids.CMD_KUDOS)(self.on_kudos)
        app.command(ids.CMD_WIN)(self.on_win)
        app.shortcut(ids.SHORTCUT_KUDOS)(self.on_kudos_shortcut)
        app.action(ids.ACTION_KUDOS_OPEN)(self.on_kudos_button)
        app.view(ids.VIEW_KUDOS)(self.on_kudos_submitted)
        app.view(ids.VIEW_WIN)(self.on_win_submitted)

    def on_kudos(self, ack: Ack, body: dict[str, Any]) -> None:
        """`/kudos @person [#value] message`, `/kudos` (the form), `/kudos history`, `/kudos help`."""
        ack()
        keys = recognition.kudos_command(self.services, slack_user=body["user_id"],
                                         text=(body.get("text") or "").strip(), response_url=body["response_url"],
                                         trigger_id=body["trigger_id"])
        self.services.delivery.drain(keys=keys)

    def on_kudos_shortcut(self, ack: Ack, body: dict[str, Any]) -> None:
        ack()
        keys = recognition.open_kudos_form(self.services, slack_user=body["user"]["id"],
                                           trigger_id=body["trigger_id"])
        self.services.delivery.drain(keys=keys)

    def on_kudos_button(self, ack: Ack, body: dict[str, Any]) -> None:
        ack()
        keys = recognition.open_kudos_form(self.services, slack_user=body["user"]["id"],
                                           trigger_id=body["trigger_id"])
        self.services.delivery.drain(keys=keys)

    def on_kudos_submitted(self, ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        result = recognition.submit_kudos(self.services, slack_user=body["user"]["id"], view_id=view["id"],
                                          **parse_kudos_view(view["state"]["values"]))
        if result.errors:
            ack(response_action="errors", errors=result.errors)
            return
        ack()
        self.services.delivery.drain(keys=result.keys)

    def on_win(self, ack: Ack, body: dict[str, Any]) -> None:
        """`/win [account]` opens the form (the account prefilled)."""
        ack()
        keys = recognition.open_win_form(self.services, slack_user=body["user_id"], trigger_id=body["trigger_id"],
                                         account=plain((body.get("text") or "").strip()))
        self.services.delivery.drain(keys=keys)

    def on_win_submitted(self, ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        result = recognition.submit_win(self.services, slack_user=body["user"]["id"], view_id=view["id"],
                                        **parse_win_view(view["state"]["values"]))
        if result.errors:
            ack(response_action="errors", errors=result.errors)
            return
        ack()
        self.services.delivery.drain(keys=result.keys)
