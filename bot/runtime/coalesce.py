"""Work coalesced per key on one background thread: a burst of marks for one key (a person) runs the work once, for
the latest state, once the foreground (acks, answers and their DM edits) has gone quiet or has waited long enough."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


class Coalescer:
    """`mark(key)` asks for `work(key)`; marks made before the work starts share it, a mark made during it runs it
    again afterwards (so the last change is always seen). `yield_to()` runs before each key: it waits for the
    foreground."""

    def __init__(self, work: Callable[[str], object], *, yield_to: Callable[[], object], name: str) -> None:
        self._work, self._yield_to, self._name = work, yield_to, name
        self._marked: dict[str, None] = {}  # an ordered set: the first marked goes first
        self._busy = False
        self._stopped = False
        self._changed = threading.Condition()
        self._thread: threading.Thread | None = None

    def mark(self, key: str) -> None:
        with self._changed:
            if self._stopped:
                return
            self._marked[key] = None
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                self._thread.start()
            self._changed.notify_all()

    def idle(self, timeout: float | None = None) -> bool:
        """Wait until nothing is marked or being worked on; False if `timeout` passed first."""
        with self._changed:
            return self._changed.wait_for(lambda: not self._marked and not self._busy, timeout)

    def stop(self, wait: float = 10.0) -> None:
        """No more runs; a run under way is waited for (at most `wait` seconds), so that nothing it sends outlives
        the service that stopped it (a late refresh once Slack's client is gone would only fail and retry)."""
        with self._changed:
            self._stopped = True
            self._changed.notify_all()
            self._changed.wait_for(lambda: not self._busy, wait)

    def _run(self) -> None:
        while True:
            with self._changed:
                self._changed.wait_for(lambda: bool(self._marked) or self._stopped)
                if self._stopped:
                    return
                self._busy = True
            try:
                self._yield_to()
                with self._changed:
                    key = next(iter(self._marked))
                    del self._marked[key]
                self._work(key)
            except Exception:
                log.exception("%s failed; the next mark tries again", self._name)
            finally:
                with self._changed:
                    self._busy = False
                    self._changed.notify_all()
