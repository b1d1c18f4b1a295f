"""Focus listeners: "Choose a focus" under the results, its modal, and Mark done (App Home, the reminder)."""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_bolt import Ack, App

from bot import ids
from bot.bootstrap import Services
from bot.surveys import focus


class FocusListeners:
    """Each acks, parses, calls one use case and sends what it queued (a modal's errors go back in its ack)."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def register(self, app: App) -> None:
        app.action(ids.ACTION_FOCUS_CHOOSE)(self.on_choose)
        app.view(ids.VIEW_FOCUS)(self.on_submitted)
        app.action(ids.ACTION_FOCUS_DONE)(self.on_done)

    def on_choose(self, ack: Ack, body: dict[str, Any]) -> None:
        ack()
        keys = focus.open_form(self.services, slack_user=body["user"]["id"], trigger_id=body["trigger_id"],
                               round_id=int(body["actions"][0]["value"]))
        self.services.delivery.drain(keys=keys)

    def on_submitted(self, ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        values = view["state"]["values"]
        chosen = (values["theme"]["theme"].get("selected_option") or {}).get("value")
        share = bool(values.get("share", {}).get("share", {}).get("selected_options"))
        outcome = focus.submit(self.services, slack_user=body["user"]["id"], view_id=view["id"],
                               round_id=_number(view.get("private_metadata")), theme=chosen,
                               action=values["action"]["text"].get("value") or "",
                               due=_day(values["due"]["day"].get("selected_date")), share=share)
        if outcome.errors:
            ack(response_action="errors", errors=outcome.errors)
            return
        ack(response_action="update", view=outcome.view)
        self.services.delivery.drain(keys=outcome.keys)

    def on_done(self, ack: Ack, body: dict[str, Any]) -> None:
        ack()
        keys = focus.done(self.services, slack_user=body["user"]["id"], focus_id=int(body["actions"][0]["value"]))
        self.services.delivery.drain(keys=keys)


def _number(text: object) -> int:
    """A view's round id; 0 (no round) for anything else a forged request sends."""
    return int(text) if isinstance(text, str) and text.isdigit() else 0


def _day(text: object) -> date | None:
    """The datepicker's day; None (refused as no date) for anything else."""
    try:
        return date.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        return None
