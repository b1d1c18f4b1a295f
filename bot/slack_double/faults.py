"""Fault injection for the double: queued failures, per-method rate limits and a seeded random mix of faults."""

from __future__ import annotations

import math
import random
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

# What a random fault can be, by name: Slack's answers, and what the network does to them.
FAULT_KINDS = ("ratelimited", "server_error", "timeout", "dropped", "posted_then_timeout", "posted_then_dropped")
FAULT_MIX: Mapping[str, float] = {kind: 1.0 for kind in FAULT_KINDS}  # an even mix of all of them


@dataclass(frozen=True)
class Fault:
    """One failed answer: an HTTP status with a Slack error body, a dropped connection, or an answer too late.

    `late` holds the answer that many seconds (past the client's timeout), then drops the connection.
    `carried_out` makes a dropped or late answer the nasty kind: the call takes effect first (the message IS
    posted), so the client cannot tell from its error whether it did.
    """

    status: int = 429
    retry_after: float | None = 1
    error: str | None = None
    drop: bool = False
    late: float | None = None
    carried_out: bool = False
    kind: str = "queued"

    @property
    def body_error(self) -> str:
        if self.error:
            return self.error
        if self.status == 429:
            return "ratelimited"
        return "internal_error" if self.status >= 500 else "fatal_error"

    @property
    def answers(self) -> bool:
        """False when the client gets no answer at all (dropped, or held past its timeout)."""
        return not (self.drop or self.late is not None)

    def retry_after_header(self, exact: bool = False) -> str | None:
        """Slack sends whole seconds; `exact` (a double-only knob) sends the fraction as it is."""
        if self.retry_after is None:
            return None
        return f"{self.retry_after:.3f}".rstrip("0").rstrip(".") if exact else str(math.ceil(self.retry_after))


def random_fault(kind: str, *, retry_after: float, late: float) -> Fault:
    """The fault of one kind from FAULT_KINDS (timeouts hold the answer `late` seconds)."""
    if kind == "ratelimited":
        return Fault(status=429, retry_after=retry_after, kind=kind)
    if kind == "server_error":
        return Fault(status=503, retry_after=None, kind=kind)
    if kind in ("timeout", "posted_then_timeout"):
        return Fault(late=late, carried_out=kind.startswith("posted"), retry_after=None, kind=kind)
    if kind in ("dropped", "posted_then_dropped"):
        return Fault(drop=True, carried_out=kind.startswith("posted"), retry_after=None, kind=kind)
    raise ValueError(f"fault kind {kind!r} is not one of {', '.join(FAULT_KINDS)}")


@dataclass
class _Bucket:
    """A per-second limit as Slack applies it: `rate` calls a second with bursts up to `burst`."""

    rate: float
    burst: float
    tokens: float
    at: float
    exact: bool

    def take(self, now: float) -> float:
        """0 when the call may go ahead (a token is spent), else the seconds until one is there."""
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.rate


class FaultPlan:
    """Decides, per call, whether the double answers with a fault instead of the method's result."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._lock = threading.Lock()
        self._clock = clock
        self._queued: dict[str, deque[Fault]] = {}
        self._limits: dict[str, int] = {}
        self._hits: dict[str, deque[float]] = {}
        self._buckets: dict[str, _Bucket] = {}
        self._rate = 0.0
        self._rate_methods: frozenset[str] | None = None
        self._rate_faults: list[Fault] = [Fault()]
        self._weights: list[float] = [1.0]
        self._random = random.Random(0)
        self.counts: dict[str, int] = {}

    def fail_next(self, method: str, *, status: int = 429, retry_after: float | None = 1, count: int = 1,
                  error: str | None = None, drop: bool = False, late: float | None = None,
                  carried_out: bool = False) -> None:
        fault = Fault(status=status, retry_after=retry_after if status == 429 and not drop and late is None else None,
                      error=error, drop=drop, late=late, carried_out=carried_out)
        with self._lock:
            self._queued.setdefault(method, deque()).extend([fault] * count)

    def rate_limit(self, method: str, per_minute: int | None = None, *, per_second: float | None = None,
                   burst: float | None = None, exact_retry_after: bool = False) -> None:
        """At most `per_minute` calls in any 60 s, or `per_second` with bursts up to `burst` (default: 1 s worth)."""
        if per_second is not None and per_second <= 0:
            raise ValueError(f"rate limit for {method}: per_second must be above 0, not {per_second}")
        with self._lock:
            self._limits.pop(method, None)
            self._buckets.pop(method, None)
            self._hits.pop(method, None)
            if per_minute is not None:
                self._limits[method] = per_minute
            if per_second is not None:
                size = max(1.0, burst if burst is not None else per_second)
                self._buckets[method] = _Bucket(per_second, size, size, self._clock(), exact_retry_after)

    def set_fault_rate(self, rate: float, *, seed: int = 0, methods: Iterable[str] | None = None,
                       status: int = 429, retry_after: float = 1, mix: Mapping[str, float] | None = None,
                       late: float = 1.0) -> None:
        """Fail a seeded-random share of calls: with one fault (`status`), or with a `mix` of FAULT_KINDS."""
        if mix is not None:
            faults = [random_fault(kind, retry_after=retry_after, late=late) for kind in mix]
            weights = [float(w) for w in mix.values()]
        else:
            faults = [Fault(status=status, retry_after=retry_after if status == 429 else None,
                            kind="ratelimited" if status == 429 else "server_error")]
            weights = [1.0]
        with self._lock:
            self._rate = rate
            self._random = random.Random(seed)
            self._rate_methods = frozenset(methods) if methods is not None else None
            self._rate_faults, self._weights = faults, weights

    def clear(self) -> None:
        with self._lock:
            self._queued.clear()
            self._limits.clear()
            self._hits.clear()
            self._buckets.clear()
            self._rate = 0.0

    def take(self, method: str) -> Fault | None:
        """The fault for this call, if any; counts the call against the method's rate limit otherwise."""
        with self._lock:
            fault = self._pick(method)
            if fault is not None:
                self.counts[fault.kind] = self.counts.get(fault.kind, 0) + 1
            return fault

    def exact_retry_after(self, method: str) -> bool:
        bucket = self._buckets.get(method)
        return bucket is not None and bucket.exact

    def _pick(self, method: str) -> Fault | None:
        queued = self._queued.get(method)
        if queued:
            return queued.popleft()
        in_scope = self._rate_methods is None or method in self._rate_methods
        if self._rate and in_scope and self._random.random() < self._rate:
            return self._random.choices(self._rate_faults, self._weights)[0]
        now = self._clock()
        bucket = self._buckets.get(method)
        if bucket is not None:
            wait = bucket.take(now)
            if wait:
                return Fault(status=429, retry_after=wait, kind="rate_limit")
        limit = self._limits.get(method)
        if limit is None:
            return None
        hits = self._hits.setdefault(method, deque())
        while hits and now - hits[0] >= 60:
            hits.popleft()
        if len(hits) >= limit:
            return Fault(status=429, retry_after=max(1, math.ceil(60 - (now - hits[0]))), kind="rate_limit")
        hits.append(now)
        return None
