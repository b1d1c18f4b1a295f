"""Fault injection for the double: queued failures, per-method rate limits and a seeded random fault rate."""

from __future__ import annotations

import math
import random
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Fault:
    """One failed answer: an HTTP status with a Slack error body, or a dropped connection."""

    status: int = 429
    retry_after: int | None = 1
    error: str | None = None
    drop: bool = False

    @property
    def body_error(self) -> str:
        if self.error:
            return self.error
        if self.status == 429:
            return "ratelimited"
        return "internal_error" if self.status >= 500 else "fatal_error"


class FaultPlan:
    """Decides, per call, whether the double answers with a fault instead of the method's result."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._lock = threading.Lock()
        self._clock = clock
        self._queued: dict[str, deque[Fault]] = {}
        self._limits: dict[str, int] = {}
        self._hits: dict[str, deque[float]] = {}
        self._rate = 0.0
        self._rate_methods: frozenset[str] | None = None
        self._rate_fault = Fault()
        self._random = random.Random(0)

    def fail_next(self, method: str, *, status: int = 429, retry_after: int | None = 1, count: int = 1,
                  error: str | None = None, drop: bool = False) -> None:
        fault = Fault(status=status, retry_after=retry_after if status == 429 else None, error=error, drop=drop)
        with self._lock:
            self._queued.setdefault(method, deque()).extend([fault] * count)

    def rate_limit(self, method: str, per_minute: int | None) -> None:
        with self._lock:
            if per_minute is None:
                self._limits.pop(method, None)
            else:
                self._limits[method] = per_minute
            self._hits.pop(method, None)

    def set_fault_rate(self, rate: float, *, seed: int = 0, methods: Iterable[str] | None = None,
                       status: int = 429, retry_after: int = 1) -> None:
        with self._lock:
            self._rate = rate
            self._random = random.Random(seed)
            self._rate_methods = frozenset(methods) if methods is not None else None
            self._rate_fault = Fault(status=status, retry_after=retry_after if status == 429 else None)

    def clear(self) -> None:
        with self._lock:
            self._queued.clear()
            self._limits.clear()
            self._hits.clear()
            self._rate = 0.0

    def take(self, method: str) -> Fault | None:
        """The fault for this call, if any; counts the call against the method's rate limit otherwise."""
        with self._lock:
            queued = self._queued.get(method)
            if queued:
                return queued.popleft()
            in_scope = self._rate_methods is None or method in self._rate_methods
            if self._rate and in_scope and self._random.random() < self._rate:
                return self._rate_fault
            limit = self._limits.get(method)
            if limit is None:
                return None
            now = self._clock()
            hits = self._hits.setdefault(method, deque())
            while hits and now - hits[0] >= 60:
                hits.popleft()
            if len(hits) >= limit:
                return Fault(status=429, retry_after=max(1, math.ceil(60 - (now - hits[0]))))
            hits.append(now)
            return None
