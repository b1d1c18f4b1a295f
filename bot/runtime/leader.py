"""Which replica runs the scheduler: the holder of a PostgreSQL advisory session lock (storage.advisory_lock).

A leader that crashes loses the lock with its backend, so a standby takes over by itself; effects stay keyed.
"""

from __future__ import annotations

import logging
import threading

from apscheduler.schedulers.background import BackgroundScheduler

from bot.bootstrap import Services
from storage.advisory_lock import AdvisoryLock

log = logging.getLogger(__name__)

LOCK_NAME = "salescoach.scheduler"
LEADER, STANDBY, OFF = "leader", "standby", "off"


class Leadership:
    """Contends for the scheduler every `poll_seconds`; runs it while this process holds the lock."""

    def __init__(self, services: Services, *, poll_seconds: float | None = None) -> None:
        self.services = services
        self.poll_seconds = poll_seconds or services.settings.leader_poll_seconds
        self.elected = services.engine.dialect.name == "postgresql"
        self._lock = AdvisoryLock(services.settings.database_url, LOCK_NAME) if self.elected else None
        self._scheduler: BackgroundScheduler | None = None
        self._said: tuple[str, str] | None = None
        services.scheduler_role = STANDBY

    @property
    def key(self) -> int | None:
        """The advisory lock's key, once the first connection has told which schema this installation is in."""
        return self._lock.key if self._lock else None

    @property
    def leading(self) -> bool:
        return self._scheduler is not None

    def run(self, stop: threading.Event) -> None:
        """The election loop (a thread of `serve`): poll until `stop`, then step down and release the lock."""
        if not self.elected:
            self._lead("SQLite: no election; running several replicas needs PostgreSQL")
            stop.wait()
        else:
            while not stop.is_set():
                self.poll()
                stop.wait(self.poll_seconds)
        self.close()

    def poll(self) -> None:
        """One round: a leader checks it still holds the lock (else stops at once); a standby tries to take it."""
        if self.leading:
            if not self.still_leading():
                self._step_down()
                self._announce(STANDBY, "the leader lock's database connection was lost")
            return
        assert self._lock is not None
        won = self._lock.try_acquire()
        if won is True:
            self._lead(f"holds PostgreSQL advisory lock {self._lock.key}")
        else:
            self._announce(STANDBY, "another replica leads" if won is False else "the database is unreachable")

    def still_leading(self) -> bool:
        """True while the lock connection answers and still holds the lock; asked before every scheduled job."""
        if self._lock is None:
            return self.leading
        return self._lock.holding()

    def close(self) -> None:
        """Stop the scheduler (letting running jobs finish) and release the lock; safe to call twice."""
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=True)
            self._scheduler = None
        if self._lock is not None:
            self._lock.release()
        self.services.scheduler_role = OFF

    def _lead(self, reason: str) -> None:
        from bot.runtime.jobs import make_scheduler

        self._scheduler = make_scheduler(self.services, run_now=True, still_leading=self.still_leading)
        self.services.scheduler_role = LEADER
        self._scheduler.start()  # every job runs once now: a new leader catches up on what fell due
        self._announce(LEADER, reason)

    def _announce(self, role: str, reason: str) -> None:
        if (role, reason) != self._said:
            log.info("scheduler: %s (%s)", role, reason)
            self._said = (role, reason)

    def _step_down(self) -> None:
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)  # at once: another replica may already lead
            self._scheduler = None
        self.services.scheduler_role = STANDBY
