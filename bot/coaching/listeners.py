"""Coaching listeners: `/coach` (team digest, one rep, or your own numbers) and the digest's Excel-pack button."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot import ids
from bot.bootstrap import Services
from bot.coaching import coach


class CoachListeners:
    """`/coach` acks at once; the reply, only the asker sees it, goes out through the outbox."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def register(self, app: App) -> None:
        app.command(ids.CMD_COACH)(self.on_coach)
        app.action(ids.ACTION_COACH_PACK)(self.on_pack)

    def on_coach(self, ack: Ack, body: dict[str, Any]) -> None:
        ack()
        keys = coach.answer(self.services, slack_user=body["user_id"], text=(body.get("text") or "").strip(),
                            response_url=body["response_url"], key=f"coach:{body['trigger_id']}")
        self.services.delivery.drain(keys=keys)

    def on_pack(self, ack: Ack, body: dict[str, Any]) -> None:
        """The digest's button: the same workbook as `salescoach export coaching`, uploaded to the asker's DM."""
        ack()
        manager_id, period_key = body["actions"][0]["value"].split(":", 1)
        keys = coach.send_pack(self.services, slack_user=body["user"]["id"], manager_id=int(manager_id),
                               period_key=period_key)
        self.services.delivery.drain(keys=keys)
