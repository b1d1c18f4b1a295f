"""A Slack double on loopback that answers like Slack, plus an actor that plays Slack towards the app."""

from bot.slack_double.actor import ActorResponse, SlackActor, sign
from bot.slack_double.blockkit import validate_blocks, validate_message, validate_view
from bot.slack_double.server import Call, SlackDouble
from bot.slack_double.socket_mode import SocketModeServer, close_socket_mode_client
from bot.slack_double.workspace import ApiError

__all__ = ["ActorResponse", "ApiError", "Call", "SlackActor", "SlackDouble", "SocketModeServer",
           "close_socket_mode_client", "sign", "validate_blocks", "validate_message", "validate_view"]
