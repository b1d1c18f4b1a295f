"""The delivery service: outbox rows -> Slack through one WebClient, each at most once, ts recorded."""

from __future__ import annotations

import base64
import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.slack_response import SlackResponse
from slack_sdk.webhook import WebhookClient

from storage.outbox import Claimed, OutboxStore

log = logging.getLogger(__name__)

OUTBOX_EVENT = "salescoach_outbox"
PERMANENT = {"channel_not_found", "invalid_blocks", "user_not_found", "not_in_channel", "is_archived",
             "account_inactive", "expired_trigger_id", "invalid_arguments", "msg_too_long", "no_text",
             "cant_update_message", "message_not_found", "invalid_auth", "not_authed", "missing_scope",
             "expired_url", "used_url", "invalid_payload"}
MAX_ATTEMPTS = 8


class _NoBlindRepost(ConnectionErrorRetryHandler):
    """Retries dropped connections, except a post whose first try may have landed: the outbox reconciles it."""

    def _can_retry(self, *, state: RetryState, request: HttpRequest, response: HttpResponse | None = None,
                   error: Exception | None = None) -> bool:
        if request.url.endswith("chat.postMessage"):
            return False
        return super()._can_retry(state=state, request=request, response=response, error=error)


def make_client(*, token: str, base_url: str, timeout: int = 15) -> WebClient:
    """The one WebClient: connection, rate-limit and server-error retries, all pointed at SLACK_API_URL."""
    client = WebClient(token=token, base_url=base_url, timeout=timeout)
    client.retry_handlers = [
        _NoBlindRepost(max_retry_count=3),
        RateLimitErrorRetryHandler(max_retry_count=4),
        ServerErrorRetryHandler(max_retry_count=3),
    ]
    return client


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    reconciled: int = 0
    errors: list[str] = field(default_factory=list)


class Delivery:
    """Claims due outbox rows, sends them, and records the outcome; safe to run in many processes."""

    def __init__(self, store: OutboxStore, client: WebClient, clock: Callable[[], datetime], *,
                 batch: int = 50, lease: timedelta = timedelta(minutes=2)) -> None:
        self.store, self.client, self.clock = store, client, clock
        self.batch, self.lease = batch, lease
        self._wake = threading.Event()

    def drain(self, now: datetime | None = None, *, keys: list[str] | None = None) -> DeliveryReport:
        """Send everything due at `now` (or only `keys`); returns what happened."""
        report = DeliveryReport()
        while True:
            at = now or self.clock()
            with self.store.transaction() as outbox:
                claimed = outbox.claim(now=at, limit=self.batch, lease=self.lease, keys=keys)
            if not claimed:
                return report
            for row in claimed:
                self._deliver(row, now or self.clock(), report)

    def _deliver(self, row: Claimed, now: datetime, report: DeliveryReport) -> None:
        try:
            channel, ts = self._send(row)
        except _Later as later:
            with self.store.transaction() as outbox:
                outbox.retry(row.id, at=now + later.delay, error=later.reason)
            report.retried += 1
            return
        except SlackApiError as exc:
            self._after_error(row, exc, now, report)
            return
        except Exception as exc:
            with self.store.transaction() as outbox:
                outbox.retry(row.id, at=now + _backoff(row.attempts), error=f"uncertain: {exc!r}")
            report.retried += 1
            return
        with self.store.transaction() as outbox:
            outbox.complete(row.id, now=now, channel=channel, ts=ts)
        report.sent += 1

    def _after_error(self, row: Claimed, exc: SlackApiError, now: datetime, report: DeliveryReport) -> None:
        error = str(exc.response.get("error", "unknown"))
        status = exc.response.status_code
        with self.store.transaction() as outbox:
            if error in PERMANENT or row.attempts >= MAX_ATTEMPTS:
                outbox.fail(row.id, error=error)
                report.failed += 1
                report.errors.append(f"{row.key}: {error}")
                log.warning("outbox %s failed: %s", row.key, error)
            else:
                delay = timedelta(seconds=int(exc.response.headers.get("Retry-After", 0) or 0)) \
                    if status == 429 else _backoff(row.attempts)
                outbox.retry(row.id, at=now + max(delay, timedelta(seconds=1)), error=error)
                report.retried += 1

    def _send(self, row: Claimed) -> tuple[str | None, str | None]:
        payload: dict[str, Any] = dict(row.payload)
        if row.method == "chat.update":
            with self.store.transaction() as outbox:
                target = outbox.target_of(row.edits_key or "")
            if target is None:
                raise _Later(timedelta(seconds=2), "waiting for the original message")
            payload["channel"], payload["ts"] = target
        if row.method == "files.uploadV2":
            return self._upload(payload)
        if row.method == "response_url":
            return self._respond(payload)
        if row.method == "chat.postMessage":
            payload["metadata"] = {"event_type": OUTBOX_EVENT, "event_payload": {"key": row.key}}
            if row.may_have_landed:
                found = self._already_posted(row, payload["channel"])
                if found:
                    return found
        response = self.client.api_call(row.method, json=payload)
        channel = response.get("channel") or payload.get("channel")
        return channel, response.get("ts")

    def _respond(self, payload: dict[str, Any]) -> tuple[str | None, str | None]:
        """A slash command's reply through its response_url (slack_sdk's WebhookClient, same retry handlers)."""
        reply = WebhookClient(payload["url"], retry_handlers=self.client.retry_handlers).send_dict(payload["body"])
        if reply.status_code != 200:
            try:
                error = str(json.loads(reply.body).get("error", reply.body))
            except (ValueError, AttributeError):
                error = reply.body or str(reply.status_code)
            raise SlackApiError(f"response_url answered {reply.status_code}", SlackResponse(
                client=self.client, http_verb="POST", api_url=payload["url"], req_args={},
                data={"ok": False, "error": error}, headers=reply.headers, status_code=reply.status_code))
        return None, None

    def _upload(self, payload: dict[str, Any]) -> tuple[str | None, str | None]:
        """A file (a chart) into a person's DM, with slack_sdk's files_upload_v2."""
        channel = self.client.conversations_open(users=payload["user"])["channel"]["id"]
        self.client.files_upload_v2(channel=channel, content=base64.b64decode(payload["content_base64"]),
                                    filename=payload["filename"], title=payload["title"])
        return channel, None

    def _already_posted(self, row: Claimed, channel: str) -> tuple[str, str] | None:
        """After a crash or a dropped answer, look for the post by its outbox key before posting again."""
        if channel.startswith("U") or channel.startswith("W"):
            channel = self.client.conversations_open(users=channel)["channel"]["id"]
        history = self.client.conversations_history(channel=channel, limit=100, include_all_metadata=True)
        messages: list[dict[str, Any]] = history.get("messages", [])
        for message in messages:
            meta = message.get("metadata") or {}
            if meta.get("event_type") == OUTBOX_EVENT and meta.get("event_payload", {}).get("key") == row.key:
                log.info("outbox %s was already posted; recorded without posting again", row.key)
                return channel, message["ts"]
        return None

    # Background worker -------------------------------------------------------------------------------------
    def wake(self) -> None:
        self._wake.set()

    def run_forever(self, stop: threading.Event, interval: float = 2.0) -> None:
        while not stop.is_set():
            try:
                self.drain()
            except Exception:
                log.exception("delivery pass failed; trying again")
            self._wake.wait(interval)
            self._wake.clear()


class _Later(Exception):
    def __init__(self, delay: timedelta, reason: str) -> None:
        super().__init__(reason)
        self.delay, self.reason = delay, reason


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(300, 2 ** attempts))
