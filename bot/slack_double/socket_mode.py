"""Loopback Socket Mode server (websockets' sync server): says hello, pushes envelopes, collects acks."""

from __future__ import annotations

import json
import threading
import uuid
from typing import Any
from urllib.parse import parse_qs, urlsplit

from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response
from websockets.sync.server import Server, ServerConnection, serve

ENVELOPE_TYPES = ("slash_commands", "interactive", "events_api")


class SocketModeServer:
    """One app's Socket Mode endpoint; URLs carry single-use tickets handed out by apps.connections.open."""

    def __init__(self, *, app_id: str, host: str = "127.0.0.1", ping_interval: float | None = 0.1) -> None:
        self.app_id = app_id
        # Frequent pings wake slack_sdk's builtin client out of its 3s blocking recv, so its close() is quick.
        self.ping_interval = ping_interval
        self.host = host
        self.received: list[dict[str, Any]] = []
        self._tickets: set[str] = set()
        self._connections: list[ServerConnection] = []
        self._pending: dict[str, tuple[threading.Event, list[dict[str, Any]]]] = {}
        self._changed = threading.Condition()
        self._server: Server | None = None
        self._thread: threading.Thread | None = None

    # ---- lifecycle ----------------------------------------------------------------------------------
    def start(self) -> SocketModeServer:
        if self._server is None:
            self._server = serve(self._handle, self.host, 0, process_request=self._check_ticket,
                                 ping_interval=self.ping_interval, ping_timeout=None, close_timeout=1,
                                 compression=None)
            self._thread = threading.Thread(target=self._server.serve_forever, name="slack-double-socket",
                                            daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            if self._thread is not None:
                self._thread.join(timeout=5)
            self._server, self._thread = None, None

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("socket mode server is not started")
        return int(self._server.socket.getsockname()[1])

    def new_url(self) -> str:
        """A fresh ws:// URL with a single-use ticket, as apps.connections.open returns."""
        ticket = uuid.uuid4().hex
        with self._changed:
            self._tickets.add(ticket)
        return f"ws://{self.host}:{self.port}/link/?ticket={ticket}&app_id={self.app_id}"

    # ---- connections ----------------------------------------------------------------------------------
    @property
    def connection_count(self) -> int:
        with self._changed:
            return len(self._connections)

    def wait_for_connection(self, timeout: float = 5.0, *, count: int = 1) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: len(self._connections) >= count, timeout)

    def wait_for_no_connection(self, timeout: float = 5.0) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: not self._connections, timeout)

    def _check_ticket(self, connection: ServerConnection, request: Request) -> Response | None:
        ticket = parse_qs(urlsplit(request.path).query).get("ticket", [""])[0]
        with self._changed:
            if ticket in self._tickets:
                self._tickets.discard(ticket)
                return None
        return connection.respond(401, "invalid_ticket\n")

    def _handle(self, connection: ServerConnection) -> None:
        with self._changed:
            self._connections.append(connection)
            count = len(self._connections)
        connection.send(json.dumps({
            "type": "hello", "num_connections": count,
            "debug_info": {"host": "applink-double", "build_number": 1, "approximate_connection_time": 18060},
            "connection_info": {"app_id": self.app_id},
        }))
        with self._changed:
            self._changed.notify_all()
        try:
            for raw in connection:
                self._on_message(raw)
        except ConnectionClosed:
            pass
        finally:
            with self._changed:
                self._connections.remove(connection)
                self._changed.notify_all()

    def _on_message(self, raw: str | bytes) -> None:
        try:
            data = json.loads(raw)
        except ValueError:
            return
        if not isinstance(data, dict):
            return
        with self._changed:
            self.received.append(data)
            waiter = self._pending.get(str(data.get("envelope_id")))
        if waiter is not None:
            waiter[1].append(data)
            waiter[0].set()

    # ---- pushing --------------------------------------------------------------------------------------
    def send_envelope(self, type: str, payload: dict[str, Any], *, timeout: float = 5.0,
                      accepts_response_payload: bool | None = None, retry_attempt: int = 0,
                      retry_reason: str = "") -> dict[str, Any]:
        """Push an envelope to the newest connection and wait for its ack ({"envelope_id", "payload"?})."""
        if type not in ENVELOPE_TYPES:
            raise ValueError(f"unknown envelope type {type!r}")
        if not self.wait_for_connection(timeout):
            raise TimeoutError("no Socket Mode client is connected")
        envelope_id = str(uuid.uuid4())
        envelope: dict[str, Any] = {"envelope_id": envelope_id, "type": type, "payload": payload}
        if type == "events_api":
            envelope.update(accepts_response_payload=False, retry_attempt=retry_attempt, retry_reason=retry_reason)
        else:
            default = type == "slash_commands" or payload.get("type") == "view_submission"
            envelope["accepts_response_payload"] = default if accepts_response_payload is None \
                else accepts_response_payload
        done = threading.Event()
        acks: list[dict[str, Any]] = []
        with self._changed:
            self._pending[envelope_id] = (done, acks)
            connection = self._connections[-1]
        try:
            connection.send(json.dumps(envelope))
            if not done.wait(timeout):
                raise TimeoutError(f"no ack for envelope {envelope_id} within {timeout}s")
            return acks[0]
        finally:
            with self._changed:
                self._pending.pop(envelope_id, None)

    def send_disconnect(self, reason: str = "refresh_requested") -> None:
        """Tell every client to reconnect, as Slack does before rotating a connection."""
        with self._changed:
            connections = list(self._connections)
        for connection in connections:
            connection.send(json.dumps({"type": "disconnect", "reason": reason,
                                        "debug_info": {"host": "applink-double"}}))


def close_socket_mode_client(handler_or_client: Any) -> None:
    """Close slack_bolt's SocketModeHandler (or slack_sdk's builtin SocketModeClient) without its 1s queue wait.

    The client's message processor blocks up to 1s on an empty queue; marking it closed and waking it first
    lets close() return at once. Reconnection is off from the start, so nothing dials the double again.
    """
    client = getattr(handler_or_client, "client", handler_or_client)
    client.auto_reconnect_enabled = False
    client.closed = True
    client.message_queue.put(None)
    handler_or_client.close()
