"""Follow-up nudge listeners: Done, Snooze (1, 3 or 7 days) and Not relevant on each deal and each account of a
rep's nudge DM."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot import ids
from bot.bootstrap import Services
from bot.followups import nudges


class NudgeListeners:
    """A click records once (a Slack retry changes nothing) and edits the nudge DM in place through the outbox."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def register(self, app: App) -> None:
        app.action(ids.ACTION_NUDGE_RE)(self.on_deal_action)
        app.action(ids.ACTION_NUDGE_ACCOUNT_RE)(self.on_account_action)

    def on_deal_action(self, ack: Ack, body: dict[str, Any]) -> None:
        ack()
        action = body["actions"][0]
        verb = action["action_id"].split(":")[1]
        value = action.get("value") or (action.get("selected_option") or {}).get("value", "")
        keys = nudges.act_on_deal(self.services, slack_user=body["user"]["id"], verb=verb, value=value,
                                  blocks=(body.get("message") or {}).get("blocks") or [],
                                  response_url=body.get("response_url"), action_ts=action.get("action_ts"))
        self.services.delivery.drain(keys=keys)

    def on_account_action(self, ack: Ack, body: dict[str, Any]) -> None:
        ack()
        action = body["actions"][0]
        verb = action["action_id"].split(":")[1]
        value = action.get("value") or (action.get("selected_option") or {}).get("value", "")
        keys = nudges.act_on_account(self.services, slack_user=body["user"]["id"], verb=verb, value=value,
                                     blocks=(body.get("message") or {}).get("blocks") or [],
                                     response_url=body.get("response_url"), action_ts=action.get("action_ts"))
        self.services.delivery.drain(keys=keys)
