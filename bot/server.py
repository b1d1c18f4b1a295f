"""HTTP mode: one WSGI app (Slack at /slack/events, the CRM at /hooks/deals, /healthz) served by waitress."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from waitress.server import create_server

from bot.bootstrap import Services
from bot.oauth import INSTALL_PATH, REDIRECT_PATH
from bot.webhook import PATH as DEALS_PATH
from bot.webhook import make_deals_hook
from storage.db import database_state
from storage.outbox import Outbox

StartResponse = Callable[..., Any]


def make_wsgi(app: App, services: Services) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    slack = SlackRequestHandler(app, path="/slack/events")
    deals = make_deals_hook(services)

    def wsgi(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "GET")
        if path == "/slack/events" and method == "POST":
            with services.in_flight.request():  # until bolt has the ack; listeners' later work lets these go first
                return slack(environ, start_response)
        if app.oauth_flow is not None and path in (INSTALL_PATH, REDIRECT_PATH) and method == "GET":
            return slack(environ, start_response)  # OAuth installs: bolt's flow answers both
        if path == "/healthz" and method in ("GET", "HEAD"):
            return _json(start_response, *health(services))
        if path == DEALS_PATH and method == "POST":
            return deals(environ, start_response)
        return _json(start_response, 404, {"error": "not found", "paths": ["/slack/events", "/healthz"]})

    return wsgi


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
    """A waitress server; `.run()` serves until `.close()`; `.effective_port` is the bound port."""
    return create_server(make_wsgi(app, services), host=host, port=port, threads=threads, ident="salescoach",
                         asyncore_loop_timeout=loop_timeout)


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

    server.trigger.pull_trigger(close_all)
