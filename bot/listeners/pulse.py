"""/pulse: managers and admins create a pulse survey for a team from a modal."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot import ids, usecases
from bot.bootstrap import Services
from bot.i18n import Translator, escape
from bot.render.pulse import create_view, created_text, parse_create


class PulseListeners:
    """`/pulse` opens the create-survey modal (team, questions, cadence, weekday, local time)."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def register(self, app: App) -> None:
        app.command(ids.CMD_PULSE)(self.on_pulse)
        app.view(ids.VIEW_PULSE_CREATE)(self.on_create_submitted)

    def on_pulse(self, ack: Ack, body: dict[str, Any]) -> None:
        with self.services.unit() as u:
            member = u.people.by_slack_id(body["user_id"])
            t = Translator.for_person(member.locale if member else None, member.tz if member else None)
            teams = u.people.teams_managed_by(member) if member else []
            if not teams:
                ack(text=t.gettext("Only managers and admins in the roster can create pulse surveys."))
                return
            ack()
            u.messenger.open_view(body["trigger_id"], create_view(t, teams))
            keys = u.messenger.enqueued
        self.services.delivery.drain(keys=keys)

    def on_create_submitted(self, ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        values = parse_create(view["state"]["values"])
        result = usecases.create_survey(self.services, created_by=body["user"]["id"], origin=f"view:{view['id']}",
                                        **values)
        t = Translator.for_person(result.member.locale if result.member else None,
                                  result.member.tz if result.member else None)
        if result.status != "created":
            message = result.detail or t.gettext("You can create surveys only for teams you manage.")
            ack(response_action="errors", errors={"questions" if "question" in message else "team": message})
            return
        ack()
        text = created_text(t, survey_id=result.detail, team=escape(values["team"]), cadence=values["cadence"],
                            weekday=values["weekday"], send_time=values["send_time"])
        with self.services.unit() as u:
            u.messenger.post(f"pulse-created:{result.detail}", body["user"]["id"], text,
                             [{"type": "section", "text": {"type": "mrkdwn", "text": text}}])
            keys = u.messenger.enqueued
        self.services.delivery.drain(keys=keys)
