"""Complaint listeners: `/complaint [account]`, its modal, and Resolved / Snooze on the owner's DM."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot import ids
from bot.bootstrap import Services
from bot.complaints import usecases
from bot.complaints.views import parse_complaint_view


class ComplaintListeners:
    """Each acks, parses, calls one use case and sends what it queued (a modal's errors go back in its ack)."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def register(self, app: App) -> None:
        app.command(ids.CMD_COMPLAINT)(self.on_complaint)
        app.view(ids.VIEW_COMPLAINT)(self.on_submitted)
        app.action(ids.ACTION_COMPLAINT_RE)(self.on_action)

    def on_complaint(self, ack: Ack, body: dict[str, Any]) -> None:
        ack()
        keys = usecases.open_form(self.services, slack_user=body["user_id"], trigger_id=body["trigger_id"],
                                  account=(body.get("text") or "").strip())
        self.services.delivery.drain(keys=keys)

    def on_submitted(self, ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        outcome = usecases.submit(self.services, slack_user=body["user"]["id"], view_id=view["id"],
                                  **parse_complaint_view(view["state"]["values"]))
        if outcome.errors:
            ack(response_action="errors", errors=outcome.errors)
            return
        ack(response_action="update", view=outcome.view)
        self.services.delivery.drain(keys=outcome.keys)

    def on_action(self, ack: Ack, body: dict[str, Any]) -> None:
        ack()
        action = body["actions"][0]
        value = action.get("value") or (action.get("selected_option") or {}).get("value", "")
        keys = usecases.act(self.services, slack_user=body["user"]["id"], verb=action["action_id"].split(":")[1],
                            value=value, blocks=(body.get("message") or {}).get("blocks") or [],
                            response_url=body.get("response_url"), action_ts=action.get("action_ts"))
        self.services.delivery.drain(keys=keys)
