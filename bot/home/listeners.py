"""App Home: the dashboard on app_home_opened, its buttons, and the person's language setting."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot import ids
from bot.bootstrap import Services
from bot.home import publish as home
from bot.i18n import Translator
from bot.recognition import usecases as recognition
from bot.surveys.access import survey_teams
from bot.surveys.pulse_views import create_view


class HomeListeners:
    """Publishes the App Home tab on app_home_opened; the same view is published once (keyed by its content)."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def register(self, app: App) -> None:
        app.event(ids.EVENT_APP_HOME_OPENED)(self.on_home_opened)
        app.action(ids.ACTION_WIN_OPEN)(self.on_win_button)
        app.action(ids.ACTION_PULSE_NEW)(self.on_new_survey)
        app.action(ids.ACTION_LANGUAGE)(self.on_language)
        app.command(ids.CMD_LANGUAGE)(self.on_language_command)

    def on_home_opened(self, event: dict[str, Any]) -> None:
        if event.get("tab", "home") != "home":
            return
        self.services.delivery.drain(keys=home.publish(self.services, slack_user=event["user"]))

    def on_win_button(self, ack: Ack, body: dict[str, Any]) -> None:
        ack()
        keys = recognition.open_win_form(self.services, slack_user=body["user"]["id"], trigger_id=body["trigger_id"])
        self.services.delivery.drain(keys=keys)

    def on_new_survey(self, ack: Ack, body: dict[str, Any]) -> None:
        ack()
        with self.services.unit() as u:
            member = u.people.by_slack_id(body["user"]["id"])
            teams = survey_teams(u, member)
            if member is None or not teams:
                return
            t = Translator.for_person(member.locale, member.tz)
            u.messenger.open_view(body["trigger_id"], create_view(t, teams, u.surveys.bank()),
                                  for_user=body["user"]["id"], person_id=member.person_id)
            keys = u.messenger.enqueued
        self.services.delivery.drain(keys=keys)

    def on_language(self, ack: Ack, body: dict[str, Any]) -> None:
        """The language menu: a language, or "auto" for Slack's; the App Home is re-published in it."""
        ack()
        choice = body["actions"][0]["selected_option"]["value"]
        keys = home.set_language(self.services, slack_user=body["user"]["id"], language=choice)
        self.services.delivery.drain(keys=keys)

    def on_language_command(self, ack: Ack, body: dict[str, Any]) -> None:
        """`/language ms` (or en, zh, lt, fa; `auto` follows Slack's language again); answered in the new one."""
        choice = (body.get("text") or "").strip().lower() or "auto"
        keys = home.set_language(self.services, slack_user=body["user_id"], language=choice)
        with self.services.unit() as u:
            member = u.people.by_slack_id(body["user_id"])
        t = Translator.for_person(member.locale if member else None)
        if choice not in (*home.LANGUAGES, "auto"):
            ack(text=t.gettext("Choose one of: en, ms, zh, lt, fa, or auto for Slack's language."))
            return
        if member is None:
            ack(text=t.gettext("You are not in the roster yet. Ask your admin to add you."))
            return
        ack(text=t.gettext("Done: from now on salescoach speaks to you in this language."))
        self.services.delivery.drain(keys=keys)
