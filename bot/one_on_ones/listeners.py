"""One-on-one listeners: `/oneonone`, Held/Moved/Skipped after the slot, Done on action items, and the
"Add a talking point" button and modal."""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_bolt import Ack, App

from bot import ids
from bot.bootstrap import Services
from bot.one_on_ones import clicks as one_on_one_clicks
from bot.one_on_ones import usecases as one_on_ones
from bot.one_on_ones.views import parse_add_form


class OneOnOneListeners:
    """Each acks at once (the modal after checking its input), then records once and sends through the outbox."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def register(self, app: App) -> None:
        app.command(ids.CMD_ONEONONE)(self.on_command)
        app.action(ids.ACTION_ONEONONE_OUTCOME_RE)(self.on_outcome)
        app.action(ids.ACTION_ONEONONE_ITEM_DONE_RE)(self.on_item_done)
        app.action(ids.ACTION_ONEONONE_ADD)(self.on_add)
        app.view(ids.VIEW_ONEONONE_ADD)(self.on_add_submitted)

    def on_command(self, ack: Ack, body: dict[str, Any]) -> None:
        ack()
        keys = one_on_ones.answer(self.services, slack_user=body["user_id"], text=(body.get("text") or "").strip(),
                                  response_url=body["response_url"], key=f"oneonone:{body['trigger_id']}")
        self.services.delivery.drain(keys=keys)

    def on_outcome(self, ack: Ack, body: dict[str, Any]) -> None:
        """Held, Moved, Skipped, or a day picked in "Moved to…"."""
        ack()
        action = body["actions"][0]
        outcome = action["action_id"].split(":")[1]
        moved_to = date.fromisoformat(action["selected_date"]) if action.get("selected_date") else None
        value = action.get("value") or action["block_id"].partition("|")[2]  # a datepicker has no value
        keys = one_on_one_clicks.record_outcome(self.services, slack_user=body["user"]["id"], value=value,
                                                outcome="moved" if outcome == "moved_to" else outcome,
                                                moved_to=moved_to, response_url=body.get("response_url"),
                                                action_ts=action.get("action_ts"))
        self.services.delivery.drain(keys=keys)

    def on_item_done(self, ack: Ack, body: dict[str, Any]) -> None:
        ack()
        keys = one_on_one_clicks.complete_item(self.services, slack_user=body["user"]["id"],
                                               value=body["actions"][0]["value"],
                                               response_url=body.get("response_url"))
        self.services.delivery.drain(keys=keys)

    def on_add(self, ack: Ack, body: dict[str, Any]) -> None:
        ack()
        keys = one_on_one_clicks.open_add_form(self.services, slack_user=body["user"]["id"],
                                               trigger_id=body["trigger_id"], key=body["actions"][0]["value"])
        self.services.delivery.drain(keys=keys)

    def on_add_submitted(self, ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        result = one_on_one_clicks.submit_add_form(self.services, slack_user=body["user"]["id"], view_id=view["id"],
                                                   key=view["private_metadata"],
                                                   form=parse_add_form(view["state"]["values"]))
        if result.errors:
            ack(response_action="errors", errors=result.errors)
            return
        ack()
        self.services.delivery.drain(keys=result.keys)

