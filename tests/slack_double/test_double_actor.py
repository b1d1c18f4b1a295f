"""The actor sends Slack's signed requests to a real bolt App over HTTP, using what the bot posted on the double."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

from bot.slack_double import SlackActor, SlackDouble, sign

MODAL = {"type": "modal", "callback_id": "feedback", "title": {"type": "plain_text", "text": "Feedback"},
         "submit": {"type": "plain_text", "text": "Send"}, "private_metadata": "round-7", "blocks": [
             {"type": "input", "block_id": "score", "label": {"type": "plain_text", "text": "Score"},
              "element": {"type": "static_select", "action_id": "pick", "options": [
                  {"text": {"type": "plain_text", "text": str(i)}, "value": str(i)} for i in range(11)]}},
             {"type": "input", "block_id": "note", "label": {"type": "plain_text", "text": "Note"},
              "element": {"type": "plain_text_input", "action_id": "text"}}]}
VOTE: list[dict] = [{"type": "section", "block_id": "q", "text": {"type": "mrkdwn", "text": "Pick one"}},
        {"type": "actions", "block_id": "answers", "elements": [
            {"type": "button", "action_id": "vote", "value": "yes", "text": {"type": "plain_text", "text": "Yes"}},
            {"type": "static_select", "action_id": "level", "options": [
                {"text": {"type": "plain_text", "text": "High"}, "value": "high"},
                {"text": {"type": "plain_text", "text": "Low"}, "value": "low"}]}]}]


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def app(double: SlackDouble) -> App:
    return App(signing_secret=double.signing_secret, process_before_response=True,
               client=WebClient(token=double.bot_token, base_url=double.api_url))


@pytest.fixture
def app_url(app: App) -> Iterator[str]:
    server: WSGIServer = make_server("127.0.0.1", 0, SlackRequestHandler(app), handler_class=_Quiet)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/slack/events"
    server.shutdown()
    server.server_close()


@pytest.fixture
def actor(double: SlackDouble, app_url: str) -> SlackActor:
    return SlackActor(double, app_url)


def test_signature_is_slacks_v0_scheme():
    assert sign("secret", 1700000000, b"a=b") == (
        "v0=" + __import__("hmac").new(b"secret", b"v0:1700000000:a=b", "sha256").hexdigest())


def test_signed_slash_command_is_accepted_and_bad_signature_gets_401(app: App, actor: SlackActor,
                                                                       double: SlackDouble):
    ana = double.add_user("ana")
    seen: list[dict] = []

    @app.command("/pulse")
    def pulse(ack, command):
        seen.append(command)
        ack(text="ok")

    answer = actor.slash_command(None, "/pulse", "status", user_id=ana["id"])
    assert answer.status == 200 and answer.text == "ok"
    assert seen[0]["user_id"] == ana["id"] and seen[0]["channel_id"].startswith("D") and seen[0]["trigger_id"]
    assert set(seen[0]) >= {"token", "team_id", "team_domain", "channel_name", "user_name", "api_app_id",
                            "is_enterprise_install", "response_url"}
    assert actor.slash_command(None, "/pulse", user_id=ana["id"], bad_signature=True).status == 401
    assert actor.slash_command(None, "/pulse", user_id=ana["id"], timestamp=int(time.time()) - 600).status == 401
    assert len(seen) == 1


def test_retry_headers_reach_the_app(app: App, actor: SlackActor, double: SlackDouble):
    ana = double.add_user("ana")
    retries: list[tuple] = []

    @app.event("app_home_opened")
    def home(request, ack):
        retries.append((request.headers.get("x-slack-retry-num"), request.headers.get("x-slack-retry-reason")))

    assert actor.app_home_opened(None, ana["id"], retry_num=1, retry_reason="http_timeout").status == 200
    assert retries == [(["1"], ["http_timeout"])]


def test_click_a_posted_button_and_respond_replaces_it(app: App, actor: SlackActor, double: SlackDouble):
    ana = double.add_user("ana")
    clicks: list[dict] = []

    @app.action("vote")
    def vote(ack, body, respond):
        ack()
        clicks.append(body)
        respond(text="Thanks for voting", replace_original=True)

    app.client.chat_postMessage(channel=ana["id"], text="Pick one", blocks=VOTE)
    [message] = double.messages(ana["id"])
    assert actor.click(None, ana["id"], message, "vote").status == 200
    body = clicks[0]
    assert body["actions"][0] == {**body["actions"][0], "action_id": "vote", "block_id": "answers", "value": "yes",
                                  "type": "button"}
    assert body["container"] == {"type": "message", "message_ts": message["ts"], "channel_id": message["channel"],
                                 "is_ephemeral": False}
    assert body["message"]["ts"] == message["ts"] and body["message"]["blocks"] == message["blocks"]
    assert body["user"]["id"] == ana["id"] and body["channel"]["id"] == message["channel"]
    [edited] = double.messages(ana["id"])
    assert edited["text"] == "Thanks for voting" and double.response_posts[0]["body"]["replace_original"]


def test_select_an_option_in_a_posted_message(app: App, actor: SlackActor, double: SlackDouble):
    ana = double.add_user("ana")
    picked: list[dict] = []

    @app.action("level")
    def level(ack, action):
        ack()
        picked.append(action)

    app.client.chat_postMessage(channel=ana["id"], text="Pick one", blocks=VOTE)
    assert actor.select(None, ana["id"], double.messages(ana["id"])[0], "level", "low").status == 200
    assert picked[0]["selected_option"]["value"] == "low" and picked[0]["type"] == "static_select"


def test_slash_command_opens_a_modal_and_the_submission_closes_it(app: App, actor: SlackActor,
                                                                   double: SlackDouble):
    ana = double.add_user("ana")
    submitted: list[dict] = []

    @app.command("/feedback")
    def feedback(ack, body, client):
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=MODAL)

    @app.view("feedback")
    def on_submit(ack, view):
        submitted.append(view)
        ack()

    actor.slash_command(None, "/feedback", user_id=ana["id"])
    [view] = double.open_views.values()
    assert actor.submit_view(None, view, {"pick": "9", "note": "Great week"}).status == 200
    values = submitted[0]["state"]["values"]
    assert values["score"]["pick"]["selected_option"]["value"] == "9"
    assert values["note"]["text"] == {"type": "plain_text_input", "value": "Great week"}
    assert submitted[0]["private_metadata"] == "round-7" and double.open_views == {}


def test_submission_errors_keep_the_modal_open(app: App, actor: SlackActor, double: SlackDouble):
    ana = double.add_user("ana")

    @app.view("feedback")
    def on_submit(ack):
        ack(response_action="errors", errors={"note": "Say a bit more"})

    app.client.views_open(trigger_id=actor.trigger_id(ana["id"]), view=MODAL)
    [view_id] = double.open_views
    answer = actor.submit_view(None, view_id, {"note": "meh"})
    assert answer.json()["errors"] == {"note": "Say a bit more"} and view_id in double.open_views


def test_home_opened_user_change_team_join_and_url_verification(app: App, actor: SlackActor,
                                                                  double: SlackDouble):
    ana = double.add_user("ana")
    seen: list[tuple] = []

    @app.event("app_home_opened")
    def home(event, client):
        client.views_publish(user_id=event["user"], view={"type": "home", "blocks": [{"type": "divider"}]})

    @app.event("user_change")
    def changed(event):
        seen.append(("change", event["user"]["tz"], event["user"]["profile"]["email"]))

    @app.event("team_join")
    def joined(event):
        seen.append(("join", event["user"]["id"]))

    assert actor.app_home_opened(None, ana["id"]).status == 200
    home_view = double.home_view(ana["id"])
    assert home_view is not None and home_view["blocks"][0]["type"] == "divider"
    double.set_user(ana["id"], tz="Asia/Tokyo", email="ana@new.example")
    actor.user_change(None, ana["id"])
    newcomer = double.add_user("ben")
    actor.team_join(None, newcomer["id"])
    assert seen == [("change", "Asia/Tokyo", "ana@new.example"), ("join", newcomer["id"])]
    verified = actor.url_verification(None, challenge="abc123")
    assert verified.status == 200 and verified.json() == {"challenge": "abc123"}
