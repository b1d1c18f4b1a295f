"""The bolt App: built once by the composition root, with every feature's listeners and one error handler."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltResponse

from bot.bootstrap import Services
from bot.identity import IdentityGate
from bot.input_guard import ControlCharacters
from bot.listeners.home import HomeListeners
from bot.listeners.pulse import PulseListeners
from bot.listeners.surveys import SurveyListeners
from bot.oauth import oauth_settings

log = logging.getLogger("salescoach")


def feature_classes() -> list[type]:
    from bot.listeners.coach import CoachListeners
    from bot.listeners.nudges import NudgeListeners
    from bot.listeners.one_on_ones import OneOnOneListeners
    from bot.listeners.people import PeopleListeners
    from bot.listeners.recognition import RecognitionListeners

    return [PulseListeners, SurveyListeners, HomeListeners, PeopleListeners, CoachListeners,
            RecognitionListeners, NudgeListeners, OneOnOneListeners]


def build_app(services: Services, *, token_verification: bool = False) -> App:
    """The Slack app over the configured client; signatures are verified by bolt on every HTTP request."""
    app = App(
        client=services.client,
        signing_secret=services.settings.slack_signing_secret or "unused-in-socket-mode",
        token_verification_enabled=token_verification,
        logger=log,
        # Slack retries events it got no 2xx for; our effects are keyed, so retries are safe to process.
        raise_error_for_unhandled_request=False,
        # OAuth (SLACK_CLIENT_ID): each request is authorized with its workspace's installed bot token
        oauth_settings=oauth_settings(services),
    )
    # a request acts only for the person linked in the workspace it came from (a stranger's answer otherwise)
    app.middleware(IdentityGate(services).admit)
    app.middleware(ControlCharacters(services).refuse)
    for feature in feature_classes():
        feature(services).register(app)

    @app.error
    def on_error(error: Exception, body: dict[str, Any], logger: logging.Logger) -> BoltResponse | None:
        kind = body.get("type") or body.get("command") or "request"
        logger.error("listener failed on %s: %s", kind, type(error).__name__, exc_info=error)
        return None

    return app
