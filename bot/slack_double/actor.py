"""SlackActor: sends an app the signed HTTP requests (or Socket Mode envelopes) Slack would send.

It shares state with a SlackDouble, so it clicks what the bot posted and hands out trigger ids the double accepts.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import time
from typing import Any, NamedTuple
from urllib.parse import urlencode, urlsplit

from bot.slack_double import payloads
from bot.slack_double.server import SlackDouble
from bot.slack_double.workspace import Workspace


class ActorResponse(NamedTuple):
    """The app's answer: (status, headers, body); over Socket Mode status is 200 and body the ack's payload."""

    status: int
    headers: dict[str, str]
    body: bytes
    sent: tuple[bytes, str] = (b"", "")  # the request's (body, content type), for replaying it as Slack's retry would

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


def sign(signing_secret: str, timestamp: int | str, body: bytes) -> str:
    """Slack's v0 signature: v0=hex(HMAC-SHA256(secret, "v0:{ts}:{body}"))."""
    base = b"v0:" + str(timestamp).encode() + b":" + body
    return "v0=" + hmac.new(signing_secret.encode(), base, hashlib.sha256).hexdigest()


class SlackActor:
    """Plays Slack (and its users) towards an app at `url` (a default for every method's url argument)."""

    def __init__(self, double: SlackDouble, url: str | None = None, *, signing_secret: str | None = None,
                 timeout: float = 10.0, team_id: str | None = None, enterprise_id: str | None = None) -> None:
        """`team_id` (and `enterprise_id`): send as Slack does for the app's install in that workspace (and Grid
        org) rather than the double's own team."""
        self.double = double
        self.url = url
        self.signing_secret = signing_secret or double.signing_secret
        self.timeout = timeout
        self.team_id, self.enterprise_id = team_id, enterprise_id

    @property
    def ws(self) -> Workspace:
        return self.double.workspace

    def trigger_id(self, user_id: str) -> str:
        """A trigger id that the double accepts once in views.open/views.push within its TTL (3s like Slack)."""
        return self.double.issue_trigger_id(user_id)

    # ---- transport ------------------------------------------------------------------------------------
    def post(self, url: str | None, body: bytes, content_type: str, *, retry_num: int | None = None,
             retry_reason: str | None = None, timestamp: int | None = None,
             bad_signature: bool = False) -> ActorResponse:
        """POST a signed request over real HTTP and return the app's answer."""
        target = urlsplit(url or self.url or "")
        if not target.hostname:
            raise ValueError("no URL to send to: pass url or give SlackActor(double, url=...)")
        ts = int(time.time()) if timestamp is None else timestamp
        secret = self.signing_secret + ("-wrong" if bad_signature else "")
        headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": str(ts),
                   "X-Slack-Signature": sign(secret, ts, body), "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)"}
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = retry_reason or "http_timeout"
        connection = http.client.HTTPConnection(target.hostname, target.port or 80, timeout=self.timeout)
        try:
            path = (target.path or "/") + (f"?{target.query}" if target.query else "")
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            return ActorResponse(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read(),
                                 (body, content_type))
        finally:
            connection.close()

    def replay(self, url: str | None, earlier: ActorResponse, *, retry_num: int | None = 1,
               retry_reason: str | None = None) -> ActorResponse:
        """The same request body again, freshly signed: a Slack retry (retry_num) or a captured request re-sent."""
        body, content_type = earlier.sent
        return self.post(url, body, content_type, retry_num=retry_num, retry_reason=retry_reason)

    def _deliver(self, url: str | None, envelope_type: str, payload: dict[str, Any], *, form: str | None,
                 via_socket: bool = False, retry_num: int | None = None, retry_reason: str | None = None,
                 timestamp: int | None = None, bad_signature: bool = False) -> ActorResponse:
        if self.team_id:
            payload = payloads.as_from(payload, self.team_id, self.enterprise_id)
        if via_socket:
            server = self.double.enable_socket_mode()
            ack = server.send_envelope(envelope_type, payload, retry_attempt=retry_num or 0,
                                       retry_reason=retry_reason or "")
            answer = ack.get("payload")
            return ActorResponse(200, {}, json.dumps(answer).encode() if answer else b"")
        if form == "fields":
            body, content_type = urlencode(payload).encode(), "application/x-www-form-urlencoded"
        elif form == "payload":
            body = urlencode({"payload": json.dumps(payload)}).encode()
            content_type = "application/x-www-form-urlencoded"
        else:
            body, content_type = json.dumps(payload).encode(), "application/json"
        return self.post(url, body, content_type, retry_num=retry_num, retry_reason=retry_reason,
                         timestamp=timestamp, bad_signature=bad_signature)

    # ---- slash commands and interactivity ----------------------------------------------------------------
    def slash_command(self, url: str | None, command: str, text: str = "", *, user_id: str,
                      channel_id: str | None = None, **delivery: Any) -> ActorResponse:
        """/command text typed by user_id (in their DM with the bot unless channel_id is given)."""
        channel_id = channel_id or self.double.dm_channel_id(user_id)
        fields = payloads.slash_command(self.ws, command=command, text=text, user_id=user_id, channel_id=channel_id,
                                        response_url=self.double.issue_response_url(channel_id, user_id),
                                        trigger_id=self.trigger_id(user_id))
        return self._deliver(url, "slash_commands", fields, form="fields", **delivery)

    def click(self, url: str | None, user_id: str, message: dict[str, Any], action_id: str,
              value: str | None = None, **delivery: Any) -> ActorResponse:
        """Click the button `action_id` in a stored message (double.messages(...)[i]) or a view."""
        return self._act(url, user_id, message, action_id, value, **delivery)

    def select(self, url: str | None, user_id: str, message: dict[str, Any], action_id: str, value: Any,
               **delivery: Any) -> ActorResponse:
        """Pick option value(s) (or a user/channel/date) in the select-like element `action_id`."""
        return self._act(url, user_id, message, action_id, value, **delivery)

    def _act(self, url: str | None, user_id: str, source: dict[str, Any], action_id: str, value: Any,
             **delivery: Any) -> ActorResponse:
        block_id, element = payloads.find_element(source.get("blocks"), action_id)
        response_url = None
        if source.get("type") not in ("modal", "home"):
            response_url = self.double.issue_response_url(source["channel"], user_id, source["ts"])
        payload = payloads.block_actions(self.ws, user_id=user_id, source=source,
                                         action=payloads.action_for(element, block_id, value),
                                         trigger_id=self.trigger_id(user_id), response_url=response_url)
        return self._deliver(url, "interactive", payload, form="payload", **delivery)

    def submit_view(self, url: str | None, view: dict[str, Any] | str, values: dict[str, Any] | None = None, *,
                    user_id: str | None = None, **delivery: Any) -> ActorResponse:
        """Submit an open modal (dict or view id) with values keyed by action_id or block_id.

        The double then does what Slack does with the answer: empty -> close, update/push/clear, errors -> stay.
        """
        view = self.double.open_views[view] if isinstance(view, str) else view
        user_id = user_id or self.double.view_user(view["id"])
        if user_id is None:
            raise LookupError(f"view {view['id']} is not open on the double; pass user_id")
        payload = payloads.view_submission(self.ws, view=view, values=values or {}, user_id=user_id,
                                           trigger_id=self.trigger_id(user_id))
        response = self._deliver(url, "interactive", payload, form="payload", **delivery)
        if response.status == 200:
            self._apply_response_action(view["id"], user_id, response)
        return response

    def _apply_response_action(self, view_id: str, user_id: str, response: ActorResponse) -> None:
        try:
            answer = response.json() if response.body.strip() else None
        except ValueError:
            return
        action = answer.get("response_action") if isinstance(answer, dict) else None
        ws = self.ws
        with ws.lock:
            if action is None:
                ws.close_view(view_id, whole_stack=False)
            elif action == "clear":
                ws.close_view(view_id)
            elif action in ("update", "push") and isinstance(answer, dict) and view_id in ws.views:
                current = ws.views[view_id]
                if action == "update":
                    fresh = ws.make_view(answer["view"], view_id=view_id, root_view_id=current["root_view_id"],
                                         previous_view_id=current["previous_view_id"])
                    ws.views[view_id] = fresh
                else:
                    fresh = ws.make_view(answer["view"], root_view_id=current["root_view_id"],
                                         previous_view_id=view_id)
                    ws.views[fresh["id"]], ws.view_users[fresh["id"]] = fresh, user_id

    # ---- events ----------------------------------------------------------------------------------------
    def send_event(self, url: str | None, event: dict[str, Any], *, event_id: str | None = None,
                   **delivery: Any) -> ActorResponse:
        """An Events API event_callback carrying `event`."""
        body = payloads.event_callback(self.ws, event, event_id=event_id)
        return self._deliver(url, "events_api", body, form=None, **delivery)

    def app_home_opened(self, url: str | None, user_id: str, *, tab: str = "home", **delivery: Any) -> ActorResponse:
        channel = self.double.dm_channel_id(user_id)
        event: dict[str, Any] = {"type": "app_home_opened", "user": user_id, "channel": channel, "tab": tab}
        home = self.double.home_view(user_id)
        if home is not None and tab == "home":
            event["view"] = home
        return self.send_event(url, event, **delivery)

    def user_change(self, url: str | None, user_id: str, **delivery: Any) -> ActorResponse:
        """user_change with the user as the double holds it now (change it first with double.set_user)."""
        user = self.double.user(user_id)
        return self.send_event(url, {"type": "user_change", "user": user, "cache_ts": int(time.time())}, **delivery)

    def team_join(self, url: str | None, user_id: str, **delivery: Any) -> ActorResponse:
        user = self.double.user(user_id)
        return self.send_event(url, {"type": "team_join", "user": user, "cache_ts": int(time.time())}, **delivery)

    def url_verification(self, url: str | None, challenge: str = "double-challenge", **delivery: Any) -> ActorResponse:
        body = {"token": payloads.VERIFICATION_TOKEN, "challenge": challenge, "type": "url_verification"}
        return self._deliver(url, "events_api", body, form=None, **delivery)
