"""The delivery service: outbox rows -> Slack by a few worker threads sharing one pace per method; each row
at most once (an uncertain post is looked for by its key before posting again, and no row is sent once its
lease runs short), its channel and ts recorded."""

from __future__ import annotations

import base64
import json
import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web.slack_response import SlackResponse
from slack_sdk.webhook import WebhookClient

from bot.runtime.pacing import Pacer, PastDeadline, pacer_of
from storage.outbox import Claimed, OutboxStore, Outcome

log = logging.getLogger(__name__)

OUTBOX_EVENT = "salescoach_outbox"
PERMANENT = {"channel_not_found", "invalid_blocks", "user_not_found", "not_in_channel", "is_archived",
             "account_inactive", "expired_trigger_id", "invalid_arguments", "msg_too_long", "no_text",
             "cant_update_message", "message_not_found", "invalid_auth", "not_authed", "missing_scope",
             "expired_url", "used_url", "invalid_payload"}
MAX_ATTEMPTS = 8
SETTLE = timedelta(seconds=2)  # the least wait after a lost answer before its post is looked for


def loggable(key: str) -> str:
    """A key as logs may show it: a survey DM's edit loses its person, so no log line says who changed an answer
    when ("survey:12:34:edit:ab12" -> "survey:12:edit")."""
    parts = key.split(":")
    if len(parts) == 5 and parts[0] == "survey" and parts[3] == "edit":
        return f"survey:{parts[1]}:edit"
    return key


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    reconciled: int = 0
    errors: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, row: Claimed, outcome: Outcome) -> None:
        with self._lock:
            if outcome.status == "sent":
                self.sent += 1
            elif outcome.status == "retry":
                self.retried += 1
            elif outcome.status == "failed":
                self.failed += 1
                self.errors.append(f"{loggable(row.key)}: {outcome.error}")


class Delivery:
    """Claims due outbox rows under leases, sends them, and records the outcomes; safe in many processes.

    A full drain runs `workers` threads; they share each client's Pacer, so a configured pace or a 429's
    Retry-After holds for all of them. `client_for(payload)` may pick another workspace's client for a row.
    Every claim is leased from the clock's time at that claim, and a row is sent only while a fifth of its lease
    remains (checked after waiting for the pace, just before the call); otherwise it is handed back untried.
    """

    def __init__(self, store: OutboxStore, client: WebClient, clock: Callable[[], datetime], *,
                 batch: int = 20, lease: timedelta = timedelta(minutes=2), workers: int = 4,
                 client_for: Callable[[dict[str, Any]], WebClient | None] | None = None,
                 draw: Callable[[dict[str, Any]], bytes] | None = None) -> None:
        """`draw(request)`: the PNG of an upload queued as a chart request (bot.chart_requests.draw)."""
        self.store, self.client, self.clock = store, client, clock
        self.batch, self.lease, self.workers, self.client_for = batch, lease, max(1, workers), client_for
        self.draw = draw
        self._wake = threading.Event()
        self._stop = threading.Event()  # run_forever's stop: workers give back what they hold
        self._fallback = Pacer()
        self._margin = lease / 5  # a send must fit in what is left of the lease: its answer, or its timeout

    def drain(self, now: datetime | None = None, *, keys: list[str] | None = None) -> DeliveryReport:
        """Send everything due (or only `keys`); returns what happened. `now` (a job's time) may bring forward
        what counts as due; it never dates a claim, which is always leased from the clock at the moment it is made."""
        report = DeliveryReport()
        first = self._claim(now, keys)
        if not first:
            return report
        helpers: list[threading.Thread] = []
        failures: list[BaseException] = []
        if keys is None and len(first) == self.batch:  # a big queue: more hands
            helpers = [threading.Thread(target=self._help, args=(now, report, failures), daemon=True,
                                        name=f"delivery-{i}") for i in range(1, self.workers)]
            for helper in helpers:
                helper.start()
        try:
            done = self._send_batch(first, now, report)
            if keys is not None:  # what is left of them (none: the drain is done without claiming again)
                keys = sorted(set(keys) - done)
            if keys is None or keys:
                self._work(now, keys, report)
        finally:
            for helper in helpers:
                helper.join()
        if failures:
            raise failures[0]
        return report

    def _help(self, now: datetime | None, report: DeliveryReport, failures: list[BaseException]) -> None:
        try:
            self._work(now, None, report)
        except BaseException as exc:  # handed to drain()'s caller
            failures.append(exc)

    def _work(self, now: datetime | None, keys: list[str] | None, report: DeliveryReport) -> None:
        while not self._stop.is_set():
            claimed = self._claim(now, keys)
            if not claimed:
                return
            done = self._send_batch(claimed, now, report)
            if keys is not None:
                keys = sorted(set(keys) - done)
                if not keys:
                    return

    def _as_of(self, now: datetime | None, at: datetime | None = None) -> datetime:
        """The drain's idea of now for what is due and when to retry: the clock, or a job's later time."""
        at = at or self.clock()
        return max(now, at) if now is not None else at

    def _claim(self, now: datetime | None, keys: list[str] | None) -> list[Claimed]:
        at = self.clock()  # each claim's own time: a claim dated earlier would be born with its lease run out
        with self.store.transaction() as outbox:
            return outbox.claim(now=at, due_by=self._as_of(now, at), limit=self.batch, lease=self.lease, keys=keys)

    def _time_left(self, row: Claimed) -> float:
        """Seconds until a call for this row could no longer finish within its lease (the clock every process reads)."""
        return (row.leased_until - self._margin - self.clock()).total_seconds() if row.leased_until else 3600.0

    def _leased(self, row: Claimed) -> bool:
        return self._time_left(row) > 0

    def _ready(self, row: Claimed, client: WebClient, method: str) -> None:
        """Wait for the method's pace, then make sure the lease still covers the call (else _Released)."""
        self._pacer(client).wait(method)
        if not self._leased(row) or self._stop.is_set():
            raise _Released

    def _send_batch(self, rows: list[Claimed], now: datetime | None, report: DeliveryReport) -> set[str]:
        """Send a claimed batch, then record every outcome in one transaction; rows whose lease ran short
        (or that a stopping worker still holds) go back untried. The keys of the rows tried."""
        outcomes: list[Outcome] = []
        for row in rows:
            if self._stop.is_set() or not self._leased(row):
                outcome = Outcome(row.id, "released", error=row.last_error)
            else:
                outcome = self._deliver(row, self._as_of(now))
            outcomes.append(replace(outcome, lease=row.leased_until))
        with self.store.transaction() as outbox:
            outbox.settle(outcomes)
        for row, outcome in zip(rows, outcomes, strict=True):
            report.add(row, outcome)
            if outcome.status == "failed":
                log.warning("outbox %s failed: %s", loggable(row.key), outcome.error)
        return {row.key for row, outcome in zip(rows, outcomes, strict=True) if outcome.status != "released"}

    def _deliver(self, row: Claimed, now: datetime) -> Outcome:
        client = (self.client_for(row.payload) if self.client_for else None) or self.client
        started = self.clock()
        try:
            with self._pacer(client).deadline(self._time_left(row)):  # slack_sdk's retries wait no longer either
                channel, ts = self._send(row, client)
        except (_Released, PastDeadline):
            return Outcome(row.id, "released", error=row.last_error)
        except _Later as later:
            return Outcome(row.id, "retry", at=now + later.delay, error=later.reason)
        except _NotDrawn as failed:  # nothing was sent: try again later, a few times, never "uncertain"
            if row.attempts >= MAX_ATTEMPTS:
                return Outcome(row.id, "failed", error=failed.reason)
            return Outcome(row.id, "retry", at=now + max(_backoff(row.attempts), timedelta(seconds=1)),
                           error=failed.reason)
        except SlackApiError as exc:
            return self._after_error(row, exc, now, client)
        except Exception as exc:  # no answer: the outbox reconciles a post before trying it again
            # Wait as long again as this attempt waited (a timeout: the whole timeout), and at least SETTLE, so
            # that a slow post has landed before we look; a connection dropped early is looked at soon.
            ended = self.clock()
            settle = max(SETTLE, ended - started, _uncertain_backoff(row.attempts))
            return Outcome(row.id, "retry", at=max(now, ended) + settle, error=f"uncertain: {exc!r}")
        return Outcome(row.id, "sent", at=now, channel=channel, ts=ts)

    def _after_error(self, row: Claimed, exc: SlackApiError, now: datetime, client: WebClient) -> Outcome:
        error = str(exc.response.get("error", "unknown"))
        if error in PERMANENT or row.attempts >= MAX_ATTEMPTS:
            return Outcome(row.id, "failed", error=error)
        if exc.response.status_code == 429:
            wait = _retry_after(exc.response.headers)
            self._pacer(client).pause(row.method, wait)
            return Outcome(row.id, "retry", at=now + max(timedelta(seconds=wait), timedelta(seconds=1)), error=error)
        if exc.response.status_code >= 500 and row.method == "chat.postMessage":
            error = f"uncertain: {error}"  # Slack may have posted before failing: look before posting again
        return Outcome(row.id, "retry", at=now + max(_backoff(row.attempts), timedelta(seconds=1)), error=error)

    def _pacer(self, client: WebClient) -> Pacer:
        return pacer_of(client) or self._fallback

    def _send(self, row: Claimed, client: WebClient) -> tuple[str | None, str | None]:
        payload: dict[str, Any] = {k: v for k, v in row.payload.items() if not k.startswith("_")}  # hints stay here
        if row.method == "chat.update":
            target = row.target
            if target is None:
                with self.store.transaction() as outbox:
                    target = outbox.target_of(row.edits_key or "")
            if target is None:
                raise _Later(timedelta(seconds=2), "waiting for the original message")
            payload["channel"], payload["ts"] = target
        if row.method == "files.uploadV2":
            return self._upload(row, payload, client)
        if row.method == "response_url":
            self._ready(row, client, row.method)
            return self._respond(payload, client)
        if row.method == "chat.postMessage":
            payload["metadata"] = {"event_type": OUTBOX_EVENT, "event_payload": {"key": row.key}}
            if row.may_have_landed:
                found = self._already_posted(row, payload["channel"], client)
                if found:
                    return found
        self._ready(row, client, row.method)
        response = client.api_call(row.method, json=payload)
        channel = response.get("channel") or payload.get("channel")
        return channel, response.get("ts")

    def _respond(self, payload: dict[str, Any], client: WebClient) -> tuple[str | None, str | None]:
        """A slash command's reply through its response_url (slack_sdk's WebhookClient, same retry handlers)."""
        reply = WebhookClient(payload["url"], retry_handlers=client.retry_handlers).send_dict(payload["body"])
        if reply.status_code != 200:
            try:
                error = str(json.loads(reply.body).get("error", reply.body))
            except (ValueError, AttributeError):
                error = reply.body or str(reply.status_code)
            raise SlackApiError(f"response_url answered {reply.status_code}", SlackResponse(
                client=client, http_verb="POST", api_url=payload["url"], req_args={},
                data={"ok": False, "error": error}, headers=reply.headers, status_code=reply.status_code))
        return None, None

    def _upload(self, row: Claimed, payload: dict[str, Any], client: WebClient) -> tuple[str | None, str | None]:
        """A file (a chart, a pack) into a person's DM, with slack_sdk's files_upload_v2; a chart queued as what it
        shows is drawn first, on every attempt (a retry draws it again)."""
        content = self._content(payload)
        self._ready(row, client, "conversations.open")
        channel = client.conversations_open(users=payload["user"])["channel"]["id"]
        self._ready(row, client, "files.uploadV2")
        client.files_upload_v2(channel=channel, content=content, filename=payload["filename"], title=payload["title"])
        return channel, None

    def _content(self, payload: dict[str, Any]) -> bytes:
        if "chart" not in payload:
            return base64.b64decode(payload["content_base64"])
        if self.draw is None:
            raise _NotDrawn("chart: no drawer configured")
        try:
            return self.draw(payload["chart"])
        except Exception as exc:  # the name of the error only: the request may carry a team's figures
            raise _NotDrawn(f"chart: {type(exc).__name__}") from exc

    def _already_posted(self, row: Claimed, channel: str, client: WebClient) -> tuple[str, str] | None:
        """After a crash or a lost answer, look for the post by its outbox key before posting again."""
        if channel.startswith("U") or channel.startswith("W"):
            self._ready(row, client, "conversations.open")
            channel = client.conversations_open(users=channel)["channel"]["id"]
        self._ready(row, client, "conversations.history")
        history = client.conversations_history(channel=channel, limit=100, include_all_metadata=True)
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
        """Drain, then sleep until woken, the next retry is due, or `interval` passes; until `stop`."""
        self._stop = stop  # once set, workers finish the row in hand, give the rest back and return
        while not stop.is_set():
            wait = interval
            try:
                self.drain()
                wait = self._until_next_due(interval)
            except Exception:
                log.exception("delivery pass failed; trying again")
            self._wake.wait(wait)
            self._wake.clear()

    def _until_next_due(self, interval: float) -> float:
        now = self.clock()
        with self.store.transaction() as outbox:
            due = outbox.next_due(now)
        if due is None:
            return interval
        return min(interval, max(0.05, (due - now).total_seconds()))


class _Released(Exception):
    """The row's lease ran short before its call: it goes back to the outbox untried."""


class _NotDrawn(Exception):
    """A chart could not be drawn: nothing was sent."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _Later(Exception):
    def __init__(self, delay: timedelta, reason: str) -> None:
        super().__init__(reason)
        self.delay, self.reason = delay, reason


def _retry_after(headers: Mapping[str, Any]) -> float:
    value = headers.get("Retry-After") or headers.get("retry-after") or 1
    if isinstance(value, list):
        value = value[0] if value else 1
    try:
        return max(0.0, float(value))
    except ValueError:
        return 1.0


def _backoff(attempts: int) -> timedelta:
    """1 s after a first failure, then doubling (2, 4, 8 s ...) up to five minutes."""
    return timedelta(seconds=min(300, 2 ** max(0, attempts - 1)))


def _uncertain_backoff(attempts: int) -> timedelta:
    """Look again soon the first time (the answer was lost, not refused), then back off."""
    return timedelta(seconds=min(300, 2 ** (attempts - 1) - 1))
