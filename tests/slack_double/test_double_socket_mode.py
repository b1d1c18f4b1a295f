"""Socket Mode: slack_bolt's SocketModeHandler (slack_sdk's builtin client) connects, gets a command, acks it."""

from __future__ import annotations

import json
import threading

import pytest
from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from bot.slack_double import SlackActor, SlackDouble, close_socket_mode_client


def _app(double: SlackDouble) -> App:
    return App(signing_secret=double.signing_secret, client=WebClient(token=double.bot_token, base_url=double.api_url))


def test_apps_connections_open_needs_the_app_token_and_returns_a_ws_url(double: SlackDouble):
    url = WebClient(base_url=double.api_url).apps_connections_open(app_token=double.app_token)["url"]
    assert url.startswith("ws://127.0.0.1:") and "/link/?ticket=" in url


def test_bot_token_cannot_open_a_socket_connection_nor_app_token_post(double: SlackDouble):
    with pytest.raises(SlackApiError) as caught:
        WebClient(token=double.bot_token, base_url=double.api_url).api_call("apps.connections.open")
    assert caught.value.response["error"] == "not_allowed_token_type"
    with pytest.raises(SlackApiError) as caught:
        WebClient(token=double.app_token, base_url=double.api_url).auth_test()
    assert caught.value.response["error"] == "not_allowed_token_type"


def test_hello_is_sent_on_connect_and_tickets_are_single_use(double: SlackDouble):
    url = double.enable_socket_mode().new_url()
    with connect(url, open_timeout=2) as websocket:
        hello = json.loads(websocket.recv(timeout=2))
    assert hello["type"] == "hello" and hello["connection_info"]["app_id"] == double.workspace.app_id
    with pytest.raises(InvalidStatus):
        connect(url, open_timeout=2)


def test_bolt_socket_mode_handler_receives_a_slash_command_and_acks(double: SlackDouble):
    app = _app(double)
    ana = double.add_user("ana")
    seen = threading.Event()

    @app.command("/pulse")
    def pulse(ack, command):
        ack(text=f"pulse for {command['user_id']}: {command['text']}")
        seen.set()

    handler = SocketModeHandler(app, double.app_token)
    handler.connect()
    try:
        server = double.enable_socket_mode()
        assert server.wait_for_connection(timeout=5)
        answer = SlackActor(double).slash_command(None, "/pulse", "status", user_id=ana["id"], via_socket=True)
        assert seen.is_set()
        assert answer.status == 200 and answer.json() == {"text": f"pulse for {ana['id']}: status"}
        envelope_ack = server.received[-1]
        assert set(envelope_ack) == {"envelope_id", "payload"}
    finally:
        close_socket_mode_client(handler)
    assert server.wait_for_no_connection(timeout=5)


def test_events_and_interactivity_reach_bolt_over_socket_mode(double: SlackDouble):
    app = _app(double)
    ana = double.add_user("ana")
    events: list[str] = []
    clicked = threading.Event()

    @app.event("app_home_opened")
    def home(event, ack):
        events.append(event["user"])

    @app.action("vote")
    def vote(ack, body):
        ack()
        events.append(body["actions"][0]["value"])
        clicked.set()

    client = WebClient(token=double.bot_token, base_url=double.api_url)
    client.chat_postMessage(channel=ana["id"], text="Vote", blocks=[{"type": "actions", "elements": [
        {"type": "button", "action_id": "vote", "value": "yes", "text": {"type": "plain_text", "text": "Yes"}}]}])
    handler = SocketModeHandler(app, double.app_token)
    handler.connect()
    try:
        actor = SlackActor(double)
        assert actor.app_home_opened(None, ana["id"], via_socket=True).status == 200
        assert actor.click(None, ana["id"], double.messages(ana["id"])[0], "vote", via_socket=True).status == 200
        assert clicked.wait(5) and ana["id"] in events and "yes" in events
    finally:
        close_socket_mode_client(handler)
    assert double.socket_mode is not None and double.socket_mode.wait_for_no_connection(timeout=5)
