"""App Home: what a person sees when they open the app (their open surveys, and what the bot does)."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot import ids
from bot.bootstrap import Services
from bot.i18n import Translator


class HomeListeners:
    """Publishes the App Home tab on app_home_opened; a retried event publishes nothing twice."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def register(self, app: App) -> None:
        app.event(ids.EVENT_APP_HOME_OPENED)(self.on_home_opened)

    def on_home_opened(self, event: dict[str, Any]) -> None:
        if event.get("tab", "home") != "home":
            return
        user = event["user"]
        with self.services.unit() as u:
            member = u.people.by_slack_id(user)
            t = Translator.for_person(member.locale if member else None, member.tz if member else None)
            u.messenger.publish_home(user, home_view(t, known=member is not None),
                                     version=str(event.get("event_ts", "")))
            keys = u.messenger.enqueued
        self.services.delivery.drain(keys=keys)


def home_view(t: Translator, *, known: bool) -> dict[str, Any]:
    lines = [t.gettext("*salescoach* runs your team's pulse surveys, follow-up nudges, recognition and "
                       "coaching digests.")]
    if not known:
        lines.append(t.gettext("You are not in the roster yet. Ask your admin to add you."))
    else:
        lines.append(t.gettext("Pulse surveys arrive as direct messages at your local time. Your answers are "
                               "anonymous."))
    return {"type": "home", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": line}}
                                       for line in lines]}
