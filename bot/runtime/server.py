"""HTTP mode: one WSGI app (Slack at /slack/events, the CRM at /hooks/deals and /hooks/complaints, /healthz) served
by waitress.
Bodies are bounded before anything reads them (waitress refuses past MAX_BODY; each route has its own bound)."""

from __future__ import annotations

import json
import logging
import math
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from http import HTTPStatus
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_bolt.adapter.wsgi.http_response import WsgiHttpResponse
from slack_bolt.request import BoltRequest
from waitress.server import create_server

from bot.bootstrap import Services
from bot.complaints.webhook import PATH as COMPLAINTS_PATH
from bot.complaints.webhook import make_complaints_hook
from bot.recognition.webhook import MAX_BODY as DEALS_MAX_BODY
from bot.recognition.webhook import PATH as DEALS_PATH
from bot.recognition.webhook import make_deals_hook
from bot.runtime.oauth import INSTALL_PATH, REDIRECT_PATH
from bot.runtime.request_body import BodyRefused, read_body
from storage.db import database_state
from storage.outbox import Outbox

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]
# The largest body Slack sends us is a view submission of our longest modal, the survey: at most 10 written
# answers and a comment of 2,000 characters each, prefilled with as much, form-encoded JSON with every
# character escaped (an emoji as %5Cud83d%5Cude00, 16 bytes): under 0.8 MiB. Twice that, rounded up.
SLACK_MAX_BODY = 2 * 1024 * 1024
MAX_BODY = max(SLACK_MAX_BODY, DEALS_MAX_BODY)  # waitress refuses anything longer before the app sees it
log = logging.getLogger("salescoach.http")
MALFORMED = (ValueError, TypeError, LookupError, AttributeError, RecursionError)  # what bolt's parsing raises


def make_wsgi(app: App, services: Services) -> WsgiApp:
    slack = SlackRequestHandler(app, path="/slack/events")
    deals = make_deals_hook(services)
    complaints = make_complaints_hook(services)
    events = slack_events(app)

    def wsgi(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "GET")
        if path == "/slack/events" and method == "POST":
            with services.in_flight.request():  # until bolt has the ack; listeners' later work lets these go first
                return events(environ, start_response)
        if app.oauth_flow is not None and path in (INSTALL_PATH, REDIRECT_PATH) and method == "GET":
            if str(environ.get("CONTENT_LENGTH") or "0") != "0":
                return _refuse(environ, start_response, 400, "a GET has no body")
            return slack(environ, start_response)  # OAuth installs: bolt's flow answers both
        if path == "/healthz" and method in ("GET", "HEAD"):
            return _json(start_response, *health(services))
        if path == DEALS_PATH and method == "POST":
            return deals(environ, start_response)
        if path == COMPLAINTS_PATH and method == "POST":
            return complaints(environ, start_response)
        return _json(start_response, 404, {"error": "not found", "paths": ["/slack/events", "/healthz"]})

    return wsgi


def slack_events(app: App) -> WsgiApp:
    """POST /slack/events: the body bounded (413) and parsed as bolt parses it (400 when it cannot be, with one
    log line and no traceback), then bolt: signature, ack, listeners."""

    def events(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        http = WsgiHttpRequest(environ)
        try:
            body = read_body(environ, limit=SLACK_MAX_BODY, what="a Slack request")
            request = BoltRequest(body=body.decode("utf-8"), query=http.query_string, headers=http.get_headers())
        except BodyRefused as refused:
            return _refuse(environ, start_response, refused.status, refused.line)
        except MALFORMED as exc:  # never the body itself in the log: it may carry what people wrote
            return _refuse(environ, start_response, 400, f"the body is not a Slack request ({type(exc).__name__}); "
                           "expected JSON or a form as Slack sends")
        response = app.dispatch(request)
        answer = WsgiHttpResponse(status=response.status, headers=response.headers, body=response.body)
        start_response(answer.status, answer.get_headers())
        return answer.get_body()

    return events


def _refuse(environ: dict[str, Any], start_response: StartResponse, status: int, line: str) -> Iterable[bytes]:
    log.warning("%s %s from %s refused (%d): %s", environ.get("REQUEST_METHOD"), environ.get("PATH_INFO"),
                environ.get("REMOTE_ADDR", "?"), status, line)
    data = (line + "\n").encode()
    start_response(f"{status} {HTTPStatus(status).phrase}",
                   [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(data)))])
    return [data]


def health(services: Services) -> tuple[int, dict[str, Any]]:
    database = database_state(services.engine)
    body: dict[str, Any] = {"status": "ok" if database["ok"] else "unavailable", "database": database,
                            "scheduler": services.scheduler_role}
    if database["ok"]:
        with services.sessions.begin() as session:
            body["outbox"] = Outbox(session).counts()
    return (200 if database["ok"] else 503), body


def _json(start_response: StartResponse, status: int, body: dict[str, Any]) -> Iterable[bytes]:
    data = json.dumps(body).encode()
    reason = {200: "OK", 404: "Not Found", 503: "Service Unavailable"}[status]
    start_response(f"{status} {reason}", [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]


def make_server(app: App, services: Services, *, host: str, port: int, threads: int = 16,
                loop_timeout: float = 1.0) -> Any:
    """A waitress server; `.run()` serves until `.close()`; `.effective_port` is the bound port.

    waitress takes its loop's timeout in whole seconds (it applies int()): 0.05 became 0, a loop that never waited
    and kept a core busy; a fraction is rounded up to a second. Nothing waits for the timeout: new connections, a
    finished response and stop_server wake the loop at once."""
    return create_server(make_wsgi(app, services), host=host, port=port, threads=threads, ident="salescoach",
                         asyncore_loop_timeout=max(1, math.ceil(loop_timeout)),
                         max_request_body_size=MAX_BODY + 1)  # it refuses >=


@contextmanager
def serving(app: App, services: Services, *, threads: int = 16, loop_timeout: float = 1.0) -> Iterator[Any]:
    """The server on a free loopback port, run in a thread until the block ends (the demo, tests, benches)."""
    server = make_server(app, services, host="127.0.0.1", port=0, threads=threads, loop_timeout=loop_timeout)
    thread = threading.Thread(target=server.run, name="salescoach-http", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        stop_server(server)
        thread.join(timeout=5)
        server.task_dispatcher.shutdown()


def events_url(server: Any) -> str:
    """Where Slack (or the double's actor) posts to a server started by `serving`."""
    return f"http://127.0.0.1:{server.effective_port}/slack/events"


def stop_server(server: Any) -> None:
    """Stop a server that runs in another thread: its own loop closes every socket, then `.run()` returns."""

    def close_all() -> None:
        for dispatcher in list(server._map.values()):
            dispatcher.close()

    try:
        server.trigger.pull_trigger(close_all)
    except OSError:  # a worker's wake-up already ran close_all, which closed the trigger before this write
        if not server.trigger._closed:
            raise
