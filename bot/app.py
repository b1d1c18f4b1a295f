"""The bolt App: built once by the composition root, with every feature's listeners and one error handler."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltResponse

from bot.bootstrap import Services
from bot.home.listeners import HomeListeners
from bot.home.publish import home_refresher, publish
from bot.people.identity import IdentityGate
from bot.runtime.input_guard import ControlCharacters
from bot.runtime.oauth import oauth_settings
from bot.surveys.answer_listeners import SurveyListeners
from bot.surveys.pulse_listeners import PulseListeners

log = logging.getLogger("salescoach")


def feature_classes() -> list[type]:
    from bot.asks.listeners import AskListeners
    from bot.coaching.listeners import CoachListeners
    from bot.complaints.listeners import ComplaintListeners
    from bot.followups.listeners import NudgeListeners
    from bot.intel.listeners import IntelListeners
    from bot.losses.listeners import LossListeners
    from bot.one_on_ones.listeners import OneOnOneListeners
    from bot.people.listeners import PeopleListeners
    from bot.recognition.listeners import RecognitionListeners
    from bot.surveys.focus_listeners import FocusListeners

    return [PulseListeners, SurveyListeners, HomeListeners, PeopleListeners, CoachListeners,
            RecognitionListeners, NudgeListeners, OneOnOneListeners, AskListeners,
            FocusListeners, LossListeners, IntelListeners, ComplaintListeners]


def build_app(services: Services, *, token_verification: bool = False) -> App:
    """The Slack app over the configured client; signatures are verified by bolt on every HTTP request."""
    app = App(
        # named, so bolt does not read the caller's frame from the stack (inspect.stack() with source: 0.12 s a call)
        name="salescoach",
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
    services.refresh_home = lambda u, slack_user: publish(services, slack_user=slack_user, u=u)
    services.home_refresher = home_refresher(services)
    services.refresh_home_later = services.home_refresher.mark
    app.middleware(ControlCharacters(services).refuse)
    for feature in feature_classes():
        feature(services).register(app)

    @app.error
    def on_error(error: Exception, body: dict[str, Any], logger: logging.Logger) -> BoltResponse | None:
        kind = body.get("type") or body.get("command") or "request"
        logger.error("listener failed on %s: %s", kind, type(error).__name__, exc_info=error)
        return None

    return app
