"""Loss reason listeners: a reason button in the owner's DM, "Competitor or note…", and the modal's Save."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot import ids
from bot.bootstrap import Services
from bot.losses import usecases


def _value(view: dict[str, Any], block: str, *, selected: bool = False) -> str | None:
    element = view["state"]["values"].get(block, {})
    state: dict[str, Any] = next(iter(element.values()), {})
    if selected:
        return (state.get("selected_option") or {}).get("value")
    return state.get("value")


class LossListeners:
    """Each acks, parses, calls one use case and sends what it queued (a modal's errors go back in its ack)."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def register(self, app: App) -> None:
        app.action(ids.ACTION_LOSS_REASON_RE)(self.on_reason)
        app.action(ids.ACTION_LOSS_DETAILS)(self.on_details)
        app.view(ids.VIEW_LOSS_DETAILS)(self.on_saved)

    def on_reason(self, ack: Ack, body: dict[str, Any]) -> None:
        ack()
        action = body["actions"][0]
        keys = usecases.choose_reason(self.services, slack_user=body["user"]["id"], value=action.get("value", ""),
                                      reason=action["action_id"].split(":", 1)[1], action_ts=action["action_ts"],
                                      response_url=body.get("response_url"))
        self.services.delivery.drain(keys=keys)

    def on_details(self, ack: Ack, body: dict[str, Any]) -> None:
        ack()
        keys = usecases.open_details(self.services, slack_user=body["user"]["id"],
                                     value=body["actions"][0].get("value", ""), trigger_id=body["trigger_id"])
        self.services.delivery.drain(keys=keys)

    def on_saved(self, ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        competitor = _value(view, "competitor_text") or _value(view, "competitor", selected=True)
        outcome = usecases.save_details(self.services, slack_user=body["user"]["id"], view_id=view["id"],
                                        metadata=view.get("private_metadata", ""),
                                        reason=_value(view, "reason", selected=True), competitor=competitor,
                                        note=_value(view, "note"))
        if outcome.errors:
            ack(response_action="errors", errors=outcome.errors)
            return
        ack()
        self.services.delivery.drain(keys=outcome.keys)
