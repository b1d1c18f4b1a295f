"""The double's HTTP plumbing: a ThreadingHTTPServer routing /api/, upload URLs and response URLs."""

from __future__ import annotations

import contextlib
import json
import socket
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlsplit


class Answers(Protocol):
    """What the HTTP front needs from the double (bot.slack_double.server.SlackDouble implements it)."""

    def answer(self, method: str, params: dict[str, Any], token: str | None
               ) -> tuple[int, dict[str, Any], dict[str, str]] | None: ...
    def store_upload(self, file_id: str, content: bytes) -> bool: ...
    def answer_response_url(self, key: str, body: bytes, content_type: str) -> tuple[int, dict[str, Any]]: ...

JSON_FIELDS = {"blocks", "attachments", "view", "metadata", "files", "unfurls", "user_auth_blocks"}


def decode_params(query: str, body: bytes, content_type: str) -> dict[str, Any]:
    """Query-string plus form or JSON body; JSON-valued form fields (blocks, view, ...) decoded."""
    params: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    if body and "application/json" in content_type:
        loaded = json.loads(body.decode("utf-8"))
        if isinstance(loaded, dict):
            params.update(loaded)
    elif body:
        params.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    for key in JSON_FIELDS & params.keys():
        if isinstance(params[key], str):
            with contextlib.suppress(ValueError):
                params[key] = json.loads(params[key])
    return params


class Handler(BaseHTTPRequestHandler):
    server: HttpServer
    protocol_version = "HTTP/1.1"
    wbufsize = 64 * 1024  # status line, headers and body leave in one write (flushed after each request)

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_GET(self) -> None:
        self._route()

    def do_POST(self) -> None:
        self._route()

    def _route(self) -> None:
        double = self.server.double
        url = urlsplit(self.path)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if url.path.startswith("/api/"):
            token = (self.headers.get("Authorization") or "").removeprefix("Bearer ").strip() or None
            try:
                params = decode_params(url.query, body, self.headers.get("Content-Type") or "")
            except ValueError:
                self._reply(200, {"ok": False, "error": "invalid_json"})
                return
            answer = double.answer(url.path[len("/api/"):], params, token)
            if answer is None:
                self._drop()
            else:
                self._reply(*answer)
        elif url.path.startswith("/upload/v1/"):
            stored = double.store_upload(url.path.rsplit("/", 1)[-1], body)
            self._reply(200 if stored else 404, f"OK - {len(body)}" if stored else "not_found")
        elif url.path.startswith("/response/"):
            self._reply(*double.answer_response_url(url.path.rsplit("/", 1)[-1], body,
                                                    self.headers.get("Content-Type") or ""))
        else:
            self._reply(404, {"ok": False, "error": "unknown_method"})

    def _reply(self, status: int, payload: dict[str, Any] | str, headers: dict[str, str] | None = None) -> None:
        is_text = isinstance(payload, str)
        data = (payload if isinstance(payload, str) else json.dumps(payload)).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain" if is_text else "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _drop(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)


class HttpServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # many delivery threads connect at once; a full backlog costs a 1 s SYN retry

    def __init__(self, address: tuple[str, int], double: Answers) -> None:
        self.double = double
        super().__init__(address, Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        return  # dropped connections and clients that hang up are expected
