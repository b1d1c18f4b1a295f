"""A PostgreSQL advisory session lock on a connection of its own: who holds it, and losing it with the session.

Advisory locks are per database, so the key also names the schema: installations in two schemas never contend.
"""

from __future__ import annotations

import hashlib
import logging
import threading

from sqlalchemy import Connection, text
from sqlalchemy.pool import NullPool

from storage.db import make_engine

log = logging.getLogger(__name__)

_TRY_LOCK = text("SELECT pg_try_advisory_lock(:key)")
_UNLOCK = text("SELECT pg_advisory_unlock(:key)")
# pg_locks shows a bigint advisory key as classid (high 32 bits) and objid (low 32 bits)
_HOLDING = text("SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted "
                "AND pid = pg_backend_pid() AND classid::bigint = :high AND objid::bigint = :low)")


def lock_key(name: str, schema: str | None) -> int:
    """A stable, positive 63-bit key for one installation: the same in every process and version, unlike hash()."""
    full = name if schema in (None, "public") else f"{name}:{schema}"
    return int.from_bytes(hashlib.sha256(full.encode()).digest()[:8], "big") >> 1


class AdvisoryLock:
    """`try_acquire` / `holding` / `release` on one dedicated AUTOCOMMIT connection, never a pooled one."""

    def __init__(self, database_url: str, name: str) -> None:
        self.name = name
        self._engine = make_engine(database_url, poolclass=NullPool)
        self._conn: Connection | None = None
        self._guard = threading.Lock()  # the poll thread and the scheduler's job threads share the connection
        self.key: int | None = None  # lock_key of the schema the first connection lands in

    def try_acquire(self) -> bool | None:
        """True: this session holds the lock; False: another session does; None: no database to ask."""
        with self._guard:
            try:
                if self._conn is None:
                    self._conn = self._engine.connect().execution_options(isolation_level="AUTOCOMMIT")
                if self.key is None:
                    self.key = lock_key(self.name, self._conn.execute(text("SELECT current_schema()")).scalar())
                return bool(self._conn.execute(_TRY_LOCK, {"key": self.key}).scalar())
            except Exception as exc:  # the database is down or restarting: try again next round
                log.debug("advisory lock attempt failed: %r", exc)
                self._discard()
                return None

    def holding(self) -> bool:
        """True while the connection answers and still holds the lock; a lost session drops the connection."""
        with self._guard:
            if self._conn is None or self.key is None:
                return False
            try:
                held = bool(self._conn.execute(_HOLDING, {"high": self.key >> 32,
                                                          "low": self.key & 0xFFFFFFFF}).scalar())
            except Exception as exc:  # any failure means the session, and with it the lock, may be gone
                log.debug("advisory lock heartbeat failed: %r", exc)
                held = False
            if not held:
                self._discard()
            return held

    def release(self) -> None:
        """Unlock and close the connection; safe to call twice."""
        with self._guard:
            if self._conn is not None:
                try:
                    self._conn.execute(_UNLOCK, {"key": self.key})
                except Exception as exc:  # the lock goes with the session anyway
                    log.debug("releasing the advisory lock failed: %r", exc)
                self._discard()
        self._engine.dispose()

    def _discard(self) -> None:
        """Close the connection for good (never reuse it: a reconnect would hold no lock)."""
        if self._conn is not None:
            try:
                self._conn.close()
            except Exception as exc:
                log.debug("closing the advisory lock connection failed: %r", exc)
            self._conn = None
