"""SlackDouble: a Slack Web API double served over real HTTP on 127.0.0.1, recording every call.

Point slack_sdk at it with WebClient(token=double.bot_token, base_url=double.api_url).
"""

from __future__ import annotations

import copy
import json
import threading
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.slack_double import webapi, webapi_oauth, webapi_views
from bot.slack_double.faults import FaultPlan
from bot.slack_double.socket_mode import SocketModeServer
from bot.slack_double.transport import HttpServer, decode_params
from bot.slack_double.workspace import ApiError, Workspace

APP_TOKEN_METHODS = {"apps.connections.open"}


def _copy(value: Any) -> Any:
    """A private copy of a JSON value (what came over HTTP, or goes back); far cheaper than deepcopy."""
    return json.loads(json.dumps(value))

METHODS: dict[str, webapi.Handler] = {**webapi.METHODS, **webapi_views.METHODS, **webapi_oauth.METHODS}


@dataclass
class Call:
    """One Web API call as the double saw and answered it."""

    method: str
    params: dict[str, Any]
    token: str | None
    status: int = 200  # 0: the client got no answer (dropped, or held past its timeout)
    response: dict[str, Any] | None = None
    at: float = field(default_factory=time.time)
    fault: str | None = None  # the FAULT_KINDS name (or "queued", "rate_limit") when the call was faulted

    @property
    def ok(self) -> bool:
        return bool(self.response and self.response.get("ok"))


@dataclass
class Hold:
    """A call held by SlackDouble.hold: `arrived` is set once it came in; `release()` lets it go on."""

    timeout: float
    arrived: threading.Event = field(default_factory=threading.Event)
    released: threading.Event = field(default_factory=threading.Event)

    def release(self) -> None:
        self.released.set()


class SlackDouble:
    """A loopback Slack: Web API on http://127.0.0.1:PORT/api/, upload and response URLs, Socket Mode."""

    def __init__(self, *, bot_token: str = "xoxb-double-bot-token", app_token: str = "xapp-1-A0DOUBLE01-double",
                 signing_secret: str = "double-signing-secret", team_id: str = "T0DOUBLE01",
                 team_name: str = "Salescoach Demo", domain: str = "salescoach-demo", app_id: str = "A0DOUBLE01",
                 bot_user_id: str = "U0DOUBLEBOT", bot_id: str = "B0DOUBLEBOT", bot_name: str = "salescoach",
                 clock: Callable[[], float] = time.time, trigger_ttl: float = 3.0, host: str = "127.0.0.1",
                 port: int = 0) -> None:
        self.workspace = Workspace(team_id=team_id, team_name=team_name, domain=domain, app_id=app_id,
                                   bot_user_id=bot_user_id, bot_id=bot_id, bot_name=bot_name, clock=clock,
                                   trigger_ttl=trigger_ttl)
        self.workspace.bot_tokens.add(bot_token)
        self.workspace.app_tokens.add(app_token)
        self.bot_token, self.app_token, self.signing_secret = bot_token, app_token, signing_secret
        self.faults = FaultPlan(clock)
        self.calls: list[Call] = []
        self.response_posts: list[dict[str, Any]] = []
        self.socket_mode: SocketModeServer | None = None
        self._host, self._port = host, port
        self._server: HttpServer | None = None
        self._stopping = False
        self._base_url = ""
        self._thread: threading.Thread | None = None
        self._calls_lock = threading.Lock()
        self._holds: dict[str, Hold] = {}

    # ---- lifecycle --------------------------------------------------------------------------------------
    def start(self) -> SlackDouble:
        if self._server is None:
            self._server = HttpServer((self._host, self._port), self)
            self._base_url = f"http://{self._host}:{self._server.server_address[1]}/"
            self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                            name="slack-double-http", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop HTTP first, then Socket Mode (close your SocketModeHandler before, or it will try to reconnect)."""
        self._stopping = True
        try:
            if self._server is not None:
                self._server.shutdown()
                self._server.server_close()
                if self._thread is not None:
                    self._thread.join(timeout=5)
                self._server, self._thread = None, None
            if self.socket_mode is not None:
                self.socket_mode.stop()
                self.socket_mode = None
        finally:
            self._stopping = False

    def __enter__(self) -> SlackDouble:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("SlackDouble is not started")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        """http://127.0.0.1:PORT/ (kept after stop() so late requests still build URLs)."""
        if not self._base_url:
            raise RuntimeError("SlackDouble is not started")
        return self._base_url

    @property
    def api_url(self) -> str:
        return f"{self.base_url}api/"

    def enable_socket_mode(self) -> SocketModeServer:
        """Start (once) and return the loopback Socket Mode server that apps.connections.open points to."""
        with self.workspace.lock:
            if self.socket_mode is None:
                self.socket_mode = SocketModeServer(app_id=self.workspace.app_id, host=self._host).start()
            return self.socket_mode

    # ---- answering ----------------------------------------------------------------------------------------
    def answer(self, method: str, params: dict[str, Any], token: str | None
               ) -> tuple[int, dict[str, Any], dict[str, str]] | None:
        """Status, JSON body and headers for one Web API call; None means drop the connection.

        A fault that holds the answer (a client timeout) waits here, in this connection's own thread.
        """
        token = token or params.pop("token", None)
        call = Call(method=method, params=_copy(params), token=token, at=self.workspace.clock())
        with self._calls_lock:
            self.calls.append(call)
        headers: dict[str, str] = {}
        held = self._holds.pop(method, None)
        if held is not None:
            held.arrived.set()
            held.released.wait(held.timeout)  # the test orders what happens meanwhile, then lets the call go on
        fault = self.faults.take(method)
        if fault is None or fault.carried_out:  # carried out, then perhaps answered with a fault anyway
            body = self._dispatch(method, params, token)
            status = 200 if method in METHODS else 404
        if fault is not None and (fault.answers or not fault.carried_out):  # posted-then-dropped keeps its result
            status, body = fault.status, {"ok": False, "error": fault.body_error}
            retry_after = fault.retry_after_header(self.faults.exact_retry_after(method))
            if retry_after is not None:
                headers["Retry-After"] = retry_after
        call.fault = fault.kind if fault is not None else None
        call.response = _copy(body)
        if fault is not None and not fault.answers:
            call.status = 0
            if fault.late is not None:
                time.sleep(fault.late)  # the answer comes after the client has given up waiting
            return None
        call.status = status
        headers["X-Slack-Req-Id"] = f"double-{len(self.calls)}"
        if token in self.workspace.bot_tokens:  # as Slack, every answer to a bot token names its scopes
            headers["X-OAuth-Scopes"] = ",".join(self.workspace.bot_scopes)
        return status, body, headers

    def _dispatch(self, method: str, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        handler = METHODS.get(method)
        if handler is None:
            return {"ok": False, "error": "unknown_method"}
        ws = self.workspace
        if not token:
            return {"ok": False, "error": "not_authed"}
        if token not in ws.bot_tokens and token not in ws.app_tokens \
                and method not in webapi_oauth.CLIENT_CREDENTIAL_METHODS:  # oauth.v2.access: the app's credentials
            return {"ok": False, "error": "invalid_auth"}
        if (method in APP_TOKEN_METHODS) != (token in ws.app_tokens):
            return {"ok": False, "error": "not_allowed_token_type"}
        ctx = webapi.Context(token=token, base_url=self.base_url, socket_url=self._socket_url)
        try:
            with ws.lock:
                return handler(ws, params, ctx)
        except ApiError as exc:
            return {"ok": False, "error": exc.error, **exc.extra}
        except Exception:
            return {"ok": False, "error": "internal_error", "double_traceback": traceback.format_exc()}

    def _socket_url(self) -> str:
        if self._stopping:
            raise ApiError("service_unavailable")
        return self.enable_socket_mode().new_url()

    def store_upload(self, file_id: str, content: bytes) -> bool:
        with self.workspace.lock:
            return webapi_views.store_upload(self.workspace, file_id, content)

    def answer_response_url(self, key: str, body: bytes, content_type: str) -> tuple[int, dict[str, Any]]:
        ws = self.workspace
        try:
            data = decode_params("", body, content_type)
            if isinstance(data.get("payload"), str):
                data = json.loads(data["payload"])
        except ValueError:
            return 400, {"ok": False, "error": "invalid_payload"}
        with ws.lock:
            target = ws.response_urls.get(key)
            if target is None:
                return 404, {"ok": False, "error": "expired_url"}
            self.response_posts.append({"url_key": key, **copy.deepcopy(target), "body": data})
            try:
                webapi.respond(ws, target, data)
            except ApiError as exc:
                return 400, {"ok": False, "error": exc.error, **exc.extra}
        return 200, {"ok": True}

    # ---- workspace set-up and inspection ------------------------------------------------------------------
    def add_user(self, name: str | None = None, **fields: Any) -> dict[str, Any]:
        """Add a user (id, email, real_name, tz, locale, deleted, is_bot, is_admin, status_text, ...)."""
        return self.workspace.add_user(name, **fields)

    def set_user(self, user_id: str, **fields: Any) -> dict[str, Any]:
        return self.workspace.set_user(user_id, **fields)

    def user(self, user_id: str) -> dict[str, Any]:
        with self.workspace.lock:
            return copy.deepcopy(self.workspace.user(user_id))

    def add_channel(self, name: str, *, id: str | None = None) -> str:
        return self.workspace.add_channel(name, id=id)

    def dm_channel_id(self, user_id: str) -> str:
        with self.workspace.lock:
            return self.workspace.dm_channel(user_id).id

    def messages(self, channel_or_user: str, since: int = 0) -> list[dict[str, Any]]:
        """Current messages, oldest first, with "channel" and "edit_history" (earlier text/blocks/metadata); from the
        `since`-th on when given."""
        return self.workspace.messages(channel_or_user, since)

    def message_count(self, channel_or_user: str) -> int:
        return self.workspace.message_count(channel_or_user)

    def ephemeral_messages(self, channel_or_user: str) -> list[dict[str, Any]]:
        return self.workspace.ephemeral_messages(channel_or_user)

    def home_view(self, user_id: str) -> dict[str, Any] | None:
        with self.workspace.lock:
            return copy.deepcopy(self.workspace.home_views.get(user_id))

    @property
    def open_views(self) -> dict[str, dict[str, Any]]:
        """Open modals by view id."""
        with self.workspace.lock:
            return copy.deepcopy(self.workspace.views)

    def view_user(self, view_id: str) -> str | None:
        return self.workspace.view_users.get(view_id)

    @property
    def files(self) -> dict[str, dict[str, Any]]:
        """Uploaded files by id: name, title, content (bytes), channels, initial_comment."""
        with self.workspace.lock:
            return copy.deepcopy(self.workspace.files)

    def issue_trigger_id(self, user_id: str) -> str:
        return self.workspace.issue_trigger(user_id)

    def expire_trigger_id(self, trigger_id: str) -> None:
        self.workspace.expire_trigger(trigger_id)

    def issue_response_url(self, channel_id: str, user_id: str, message_ts: str | None = None) -> str:
        key = self.workspace.new_id("R").lower()
        self.workspace.response_urls[key] = {"channel": channel_id, "user": user_id, "message_ts": message_ts}
        return f"{self.base_url}response/{key}"

    def calls_to(self, method: str) -> list[Call]:
        with self._calls_lock:
            return [c for c in self.calls if c.method == method]

    def hold(self, method: str, *, timeout: float = 30.0) -> Hold:
        """The next call to `method` waits, before it takes effect, until the Hold is released (or `timeout`):
        a test can then order other work against a call in flight, without sleeping."""
        held = Hold(timeout=timeout)
        self._holds[method] = held
        return held

    def clear_calls(self) -> None:
        with self._calls_lock:
            self.calls.clear()

    # ---- faults ----------------------------------------------------------------------------------------------
    def fail_next(self, method: str, *, status: int = 429, retry_after: float | None = 1, count: int = 1,
                  error: str | None = None, drop: bool = False, late: float | None = None,
                  carried_out: bool = False) -> None:
        """The next `count` calls to `method` fail: 429 + Retry-After, 5xx, status 200 + error, a drop, or an
        answer held `late` seconds and then dropped; `carried_out` drops or holds it after the call took effect."""
        self.faults.fail_next(method, status=status, retry_after=retry_after, count=count, error=error, drop=drop,
                              late=late, carried_out=carried_out)

    def rate_limit(self, method: str, per_minute: int | None = None, *, per_second: float | None = None,
                   burst: float | None = None, exact_retry_after: bool = False) -> None:
        """Answer 429 + Retry-After past `per_minute` calls in 60 s, or past `per_second` (bursts up to `burst`,
        default one second's worth); no limit lifts it. Retry-After is whole seconds, as Slack sends it, unless
        `exact_retry_after` (a double-only knob) sends the fraction."""
        self.faults.rate_limit(method, per_minute, per_second=per_second, burst=burst,
                               exact_retry_after=exact_retry_after)

    def set_fault_rate(self, rate: float, *, seed: int = 0, methods: list[str] | None = None,
                       status: int = 429, retry_after: float = 1, mix: Mapping[str, float] | None = None,
                       late: float = 1.0) -> None:
        """Fail a seeded-random share of calls (for load tests): all with `status`, or a weighted `mix` of
        FAULT_KINDS (429, 5xx, timeouts held `late` seconds, drops, and posted-then-timeout/dropped)."""
        self.faults.set_fault_rate(rate, seed=seed, methods=methods, status=status, retry_after=retry_after,
                                   mix=mix, late=late)
