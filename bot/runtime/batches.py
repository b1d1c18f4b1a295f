"""Group commit for work handed over after an ack: items wait in a few lanes (one thread each), and each lane's
thread takes every item waiting in it at once, so a burst of clicks costs one transaction, not one a click."""

from __future__ import annotations

import logging
import threading
import time
import zlib
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Generic, NamedTuple, TypeVar

T = TypeVar("T")
log = logging.getLogger(__name__)


class _Waiting(NamedTuple, Generic[T]):
    item: T
    yield_until: float  # time.monotonic() until which the foreground (acks) goes first


class Batches(Generic[T]):
    """`submit(item, lane=key)` hands an item over; `work(items)` later gets it with every other item waiting in the
    same lane, in the order they came, at most `limit` at a time. Items of one key always share a lane, so one
    person's clicks are worked on in order and never by two threads at once. Before taking a batch a lane runs
    `yield_to(until)` (waits for the acks in flight, at most until the oldest item's deadline)."""

    def __init__(self, work: Callable[[list[T]], object], *, lanes: int, limit: int,
                 yield_to: Callable[[float], object], name: str) -> None:
        self._work, self._yield_to, self._limit, self._name = work, yield_to, max(1, limit), name
        self._waiting: list[deque[_Waiting[T]]] = [deque() for _ in range(max(1, lanes))]
        self._lock = threading.Lock()
        # One thread per lane; a lane's queued turns that find nothing left (an earlier turn took it) end at once.
        self._threads = [ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"{name}-{n}")
                         for n in range(len(self._waiting))]

    def submit(self, item: T, *, lane: str, yield_until: float = 0.0) -> None:
        n = zlib.crc32(lane.encode()) % len(self._waiting)
        with self._lock:
            self._waiting[n].append(_Waiting(item, yield_until))
        self._threads[n].submit(self._turn, n)

    def waiting(self) -> int:
        with self._lock:
            return sum(len(lane) for lane in self._waiting)

    def _turn(self, n: int) -> None:
        lane = self._waiting[n]
        with self._lock:
            if not lane:
                return
            oldest = lane[0].yield_until
        if oldest > time.monotonic():
            self._yield_to(oldest)
        with self._lock:
            taken = [lane.popleft().item for _ in range(min(self._limit, len(lane)))]
        if taken:
            try:
                self._work(taken)
            except Exception:  # what @app.error would say of a listener: the work ran after the ack
                log.exception("%s: a batch of %d failed", self._name, len(taken))
