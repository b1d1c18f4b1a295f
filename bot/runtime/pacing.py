"""Client-side pace per Web API method, shared by every thread using one WebClient, and slack_sdk retry
handlers that go through it: a 429's Retry-After pauses the whole method, not only the thread that saw it; and
make_client, the WebClient every sender uses with them."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator
from slack_sdk.http_retry.jitter import Jitter
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState


class _ShareJitter(Jitter):
    """Up to `share` of the interval again at random (slack_sdk's RandomJitter adds up to a whole second)."""

    def __init__(self, share: float) -> None:
        self.share = share

    def recalculate(self, duration: float) -> float:
        return duration * (1 + random.random() * self.share)


def backoff_intervals(factor: float) -> BackoffRetryIntervalCalculator:
    """Exponential backoff from `factor` seconds, with jitter in proportion."""
    return BackoffRetryIntervalCalculator(backoff_factor=factor, jitter=_ShareJitter(1.0))


def method_of(request: HttpRequest) -> str:
    return request.url.split("?", 1)[0].rsplit("/", 1)[-1]


def retry_after(response: HttpResponse) -> float:
    """Seconds from a 429's Retry-After (Slack sends whole seconds; a fraction is taken as it is)."""
    for name, values in response.headers.items():
        if name.lower() == "retry-after" and values:
            try:
                return max(0.0, float(values[0]))
            except ValueError:
                break
    return 1.0


class PastDeadline(Exception):
    """Waiting for the pace would run past the deadline this thread set (Pacer.deadline); nothing was called."""


@dataclass
class _Lane:
    rate: float | None  # calls a second, None: no pace of our own
    tokens: float
    at: float
    paused_until: float = 0.0


class Pacer:
    """One token bucket per paced method (bursts up to one second's worth) and Retry-After pauses per method.

    A thread may set a deadline: its waits (its own, and those of slack_sdk's retries) end in PastDeadline
    rather than go past it.
    """

    def __init__(self, paces: Mapping[str, float] | None = None, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], object] = time.sleep) -> None:
        self.paces = dict(paces or {})
        self._clock, self._sleep = clock, sleep
        self._lock = threading.Lock()
        self._lanes: dict[str, _Lane] = {}
        self._deadlines = threading.local()

    def __deepcopy__(self, memo: dict[int, object]) -> Pacer:
        return self  # bolt copies the client for lazy listeners; the copy must keep the same pace

    def _lane(self, method: str, now: float) -> _Lane:
        lane = self._lanes.get(method)
        if lane is None:
            rate = self.paces.get(method)
            lane = self._lanes[method] = _Lane(rate, max(1.0, rate or 1.0), now)
        return lane

    def pause(self, method: str, seconds: float) -> None:
        """Slack said wait: nobody calls `method` for `seconds` (Retry-After), whichever thread asks."""
        with self._lock:
            now = self._clock()
            lane = self._lane(method, now)
            lane.paused_until = max(lane.paused_until, now + seconds)
            if lane.rate is not None:
                lane.tokens, lane.at = 0.0, lane.paused_until  # no burst right after a 429

    @contextmanager
    def deadline(self, seconds: float) -> Iterator[None]:
        """Within the block, this thread never waits past `seconds` from now: such a wait raises PastDeadline."""
        self._deadlines.at = self._clock() + seconds
        try:
            yield
        finally:
            self._deadlines.at = None

    def wait(self, method: str) -> float:
        """Block until `method` may be called (its pause is over and, if paced, a token is there); the wait."""
        waited, deadline = 0.0, getattr(self._deadlines, "at", None)
        while True:
            with self._lock:
                now = self._clock()
                lane = self._lane(method, now)
                delay = lane.paused_until - now
                if delay <= 0 and lane.rate is not None:
                    lane.tokens = min(max(1.0, lane.rate), lane.tokens + max(0.0, now - lane.at) * lane.rate)
                    lane.at = max(lane.at, now)
                    delay = 0.0 if lane.tokens >= 1 else (1 - lane.tokens) / lane.rate
                    if delay <= 0:
                        lane.tokens -= 1
                if delay <= 0:
                    return waited
                if deadline is not None and now + delay > deadline:
                    raise PastDeadline(method)
            self._sleep(delay)
            waited += delay


class _Paced:
    """A retry goes through the pacer like a first try does."""

    pacer: Pacer

    def prepare_for_next_attempt(self, *, state: RetryState, request: HttpRequest,
                                 response: HttpResponse | None = None, error: Exception | None = None) -> None:
        super().prepare_for_next_attempt(  # type: ignore[misc]
            state=state, request=request, response=response, error=error)
        self.pacer.wait(method_of(request))


class _NoBlindRepost:
    """Never retries a post here: its first try may have landed, and the outbox looks for it before posting again."""

    def _can_retry(self, *, state: RetryState, request: HttpRequest, response: HttpResponse | None = None,
                   error: Exception | None = None) -> bool:
        if method_of(request) == "chat.postMessage":
            return False
        return super()._can_retry(  # type: ignore[misc]
            state=state, request=request, response=response, error=error)


class PacedRateLimitRetryHandler(RateLimitErrorRetryHandler):
    """slack_sdk's 429 handler, except that Retry-After pauses the method for every thread sharing the pacer."""

    def __init__(self, pacer: Pacer, max_retry_count: int = 4) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.pacer = pacer

    def prepare_for_next_attempt(self, *, state: RetryState, request: HttpRequest,
                                 response: HttpResponse | None = None, error: Exception | None = None) -> None:
        if response is None:
            raise error  # type: ignore[misc]
        state.next_attempt_requested = True
        self.pacer.pause(method_of(request), retry_after(response))
        self.pacer.wait(method_of(request))
        state.increment_current_attempt()


class PacedServerErrorRetryHandler(_NoBlindRepost, _Paced, ServerErrorRetryHandler):
    """Retries 5xx answers, except to a post: Slack may have posted before failing."""

    def __init__(self, pacer: Pacer, max_retry_count: int = 3, **kwargs: object) -> None:
        super().__init__(max_retry_count=max_retry_count, **kwargs)  # type: ignore[arg-type]
        self.pacer = pacer


class PacedConnectionErrorRetryHandler(_NoBlindRepost, _Paced, ConnectionErrorRetryHandler):
    """Retries dropped connections and timeouts, except a post whose first try may have landed."""

    def __init__(self, pacer: Pacer, max_retry_count: int = 3, **kwargs: object) -> None:
        super().__init__(max_retry_count=max_retry_count, **kwargs)  # type: ignore[arg-type]
        self.error_types_to_do_retries = [*self.error_types_to_do_retries, TimeoutError, ConnectionError]
        self.pacer = pacer


def make_client(*, token: str, base_url: str, timeout: float = 15, paces: Mapping[str, float] | None = None,
                backoff: float = 0.25, pacer: Pacer | None = None) -> WebClient:
    """A WebClient with slack_sdk's connection, rate-limit and server-error retries, all through one Pacer:
    `paces` (calls a second by method) and every Retry-After hold for all threads using this client.
    A `pacer` given (with its own clock) replaces the one made from `paces`."""
    pacer = pacer or Pacer(paces)
    interval = backoff_intervals(backoff)
    client = WebClient(token=token, base_url=base_url, timeout=timeout)  # type: ignore[arg-type]
    client.retry_handlers = [
        PacedConnectionErrorRetryHandler(pacer, max_retry_count=3, interval_calculator=interval),
        PacedRateLimitRetryHandler(pacer, max_retry_count=4),
        PacedServerErrorRetryHandler(pacer, max_retry_count=3, interval_calculator=interval),
    ]
    return client


def pacer_of(client: WebClient) -> Pacer | None:
    """The Pacer a client made by make_client shares with its retry handlers."""
    return next((h.pacer for h in client.retry_handlers if isinstance(h, PacedRateLimitRetryHandler)), None)
