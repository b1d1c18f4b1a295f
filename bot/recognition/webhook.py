"""POST /hooks/deals: one deal as JSON from the CRM, signed with SALESCOACH_WEBHOOK_SECRET
(bot.recognition.webhook_auth); each signed request is taken once, and a deal it turns won is posted once to the
rep's team. signed_hook is every CRM route's checking and answering (bot.complaints.webhook uses it too)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any

from bot.bootstrap import Services
from bot.recognition.usecases import take_deal
from bot.recognition.webhook_auth import Delivery, WebhookRefused, verify
from bot.runtime.request_body import BodyRefused, read_body
from coaching.recognition.wins import DealRefused, check_webhook_deal

PATH = "/hooks/deals"
MAX_BODY = 64 * 1024  # one deal is a few hundred bytes
log = logging.getLogger("salescoach.webhook")

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class HookRefused(ValueError):
    """A signed request whose content is refused (answer 400, nothing written): one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


# What a signed hook does with one verified request: the status ('duplicate' for a replay: 409), the JSON answer,
# and the outbox keys to send now; HookRefused rolls it back.
Take = Callable[[Any, Delivery], tuple[str, dict[str, Any], list[str]]]


def signed_hook(services: Services, *, what: str, one: str, max_body: int, example: str, take: Take) -> WsgiApp:
    """A WSGI handler for one CRM webhook route signed with SALESCOACH_WEBHOOK_SECRET (bot.recognition.webhook_auth):
    200 with take's answer; 400 with one line per problem; 401 unsigned, badly signed or stale; 409 a request taken
    already (a replay); 413 too large; 503 while the secret is unset. Only a 200 writes."""

    def hook(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        secret = services.settings.webhook_secret
        if not secret:
            return _lines(start_response, 503, [f"the {what} webhook is off: set SALESCOACH_WEBHOOK_SECRET (a shared "
                                                "secret of at least 16 characters) and restart"])
        try:
            body = read_body(environ, limit=max_body, what=one)
        except BodyRefused as refused:
            return _lines(start_response, refused.status, [refused.line])
        try:
            delivery = verify(body, _headers(environ), secret=secret, now=services.clock())
        except WebhookRefused as refused:
            log.warning("%s webhook refused from %s: %s", what, environ.get("REMOTE_ADDR", "?"), refused.reason)
            return _lines(start_response, 401, [f"unauthorized: {refused.reason}"])
        try:
            payload = json.loads(body)
        except ValueError:  # UnicodeDecodeError is one
            return _lines(start_response, 400, [f"body: not JSON; expected {one} as a JSON object such as {example}"])
        try:
            status, answer, keys = take(payload, delivery)
        except HookRefused as refused:
            log.info("%s webhook: %s refused: %s", what, one, refused)
            return _lines(start_response, 400, refused.problems)
        if status == "duplicate":
            log.warning("%s webhook refused from %s: a request taken already (a replay)", what,
                        environ.get("REMOTE_ADDR", "?"))
            return _lines(start_response, 409, ["duplicate: this request was taken already and nothing changed; "
                                                "a retry needs a fresh X-Salescoach-Timestamp and signature"])
        log.info("%s webhook: %s %s", what, answer.get("external_id", "?"), status)
        services.delivery.drain(keys=keys)
        return _answer(start_response, 200, "application/json", json.dumps(answer).encode())

    return hook


def make_deals_hook(services: Services) -> WsgiApp:
    """The WSGI handler bot.runtime.server routes POST /hooks/deals to (answers: see signed_hook); a 200 says
    'won' or 'recorded'."""

    def take(payload: Any, delivery: Delivery) -> tuple[str, dict[str, Any], list[str]]:
        try:
            deal = check_webhook_deal(payload)
            status, keys = take_deal(services, deal=deal, delivery=delivery)
        except DealRefused as refused:
            raise HookRefused(refused.problems) from None
        return status, {"status": status, "external_id": deal.external_id}, keys

    return signed_hook(services, what="deals", one="one deal", max_body=MAX_BODY, take=take,
                       example='{"external_id": "D-1", "owner": "ana@example.com", "stage": "won", '
                               '"closed_on": "2026-11-20", "amount": 12500}')


def _headers(environ: dict[str, Any]) -> dict[str, str]:
    """Request headers from the WSGI environ (HTTP_X_SALESCOACH_SIGNATURE -> x-salescoach-signature)."""
    return {key[5:].replace("_", "-").lower(): str(value) for key, value in environ.items()
            if key.startswith("HTTP_")}


def _lines(start_response: StartResponse, status: int, lines: list[str]) -> Iterable[bytes]:
    return _answer(start_response, status, "text/plain; charset=utf-8", ("\n".join(lines) + "\n").encode())


def _answer(start_response: StartResponse, status: int, content_type: str, data: bytes) -> Iterable[bytes]:
    start_response(f"{status} {HTTPStatus(status).phrase}",
                   [("Content-Type", content_type), ("Content-Length", str(len(data)))])
    return [data]
