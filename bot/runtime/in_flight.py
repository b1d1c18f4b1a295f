"""Slack requests awaiting their answer right now, so that work done after an ack can let the acks go first (and,
counted alike, survey answers awaiting their DM edit, which App Home refreshes let go first).

Slack gives up on an ack after 3 seconds; a whole team clicking at 09:00 must not wait behind each other's work.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager


class InFlight:
    """A count of requests being answered, and a wait for the moment there are none (or a deadline)."""

    def __init__(self) -> None:
        self._count = 0
        self._quiet = threading.Condition()

    @property
    def count(self) -> int:
        return self._count

    @contextmanager
    def request(self) -> Iterator[None]:
        self.begin()
        try:
            yield
        finally:
            self.end()

    def begin(self) -> None:
        """One more piece of work under way (ended by end(), perhaps on another thread)."""
        with self._quiet:
            self._count += 1

    def end(self) -> None:
        with self._quiet:
            self._count -= 1
            if self._count == 0:
                self._quiet.notify_all()

    def wait_quiet(self, until: float) -> bool:
        """Wait while requests are being answered, at most until `until` (time.monotonic()); True if quiet."""
        with self._quiet:
            while self._count:
                left = until - time.monotonic()
                if left <= 0:
                    return False
                self._quiet.wait(left)
            return True
