"""Ask-for-help listeners: "Need help" on a deal, the rep's modal, the manager's three answers and the reply modal."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot import ids
from bot.asks import usecases
from bot.bootstrap import Services


class AskListeners:
    """Each acks, parses, calls one use case and sends what it queued (a modal's errors go back in its ack)."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def register(self, app: App) -> None:
        app.action(ids.ACTION_ASK_HELP_RE)(self.on_need_help)
        app.view(ids.VIEW_ASK_HELP)(self.on_ask_submitted)
        app.action(ids.ACTION_ASK_ANSWER_RE)(self.on_answer)
        app.view(ids.VIEW_ASK_REPLY)(self.on_reply_submitted)

    def on_need_help(self, ack: Ack, body: dict[str, Any]) -> None:
        ack()
        keys = usecases.open_ask_form(self.services, slack_user=body["user"]["id"], trigger_id=body["trigger_id"],
                                      deal_id=int(body["actions"][0]["value"]))
        self.services.delivery.drain(keys=keys)

    def on_ask_submitted(self, ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        note = view["state"]["values"]["note"]["text"].get("value") or ""
        outcome = usecases.submit_ask(self.services, slack_user=body["user"]["id"], view_id=view["id"],
                                      deal_id=int(view["private_metadata"]), note=note)
        if outcome.errors:
            ack(response_action="errors", errors=outcome.errors)
            return
        ack(response_action="update", view=outcome.view)
        self.services.delivery.drain(keys=outcome.keys)

    def on_answer(self, ack: Ack, body: dict[str, Any]) -> None:
        ack()
        action = body["actions"][0]
        outcome = usecases.answer(self.services, slack_user=body["user"]["id"], ask_id=int(action["value"]),
                                  kind=action["action_id"].split(":")[1], trigger_id=body["trigger_id"],
                                  response_url=body.get("response_url"))
        self.services.delivery.drain(keys=outcome.keys)

    def on_reply_submitted(self, ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        reply = view["state"]["values"]["reply"]["text"].get("value") or ""
        outcome = usecases.answer(self.services, slack_user=body["user"]["id"], ask_id=int(view["private_metadata"]),
                                  kind="reply", trigger_id=view["id"], response_url=None, reply=reply)
        if outcome.errors:
            ack(response_action="errors", errors=outcome.errors)
            return
        ack()
        self.services.delivery.drain(keys=outcome.keys)
