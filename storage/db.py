"""Engines, sessions and migrations: SQLite in WAL mode, PostgreSQL through psycopg 3."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, make_url, text
from sqlalchemy.orm import Session, sessionmaker

from storage.data_version import watch

if TYPE_CHECKING:  # alembic (with Mako) is imported where migrations run, not by every process that uses the database
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
BUSY_TIMEOUT = 30  # seconds a SQLite writer waits for another
_TURN = "salescoach_writer_turn"  # in a connection's info while it holds this process's write turn
APPLICATION_NAME = "salescoach"  # a DATABASE_URL with ?application_name=... names its process's backends itself


class JsonText(str):
    """A JSON column's value serialized already: a batch whose rows share most of their value serializes that once
    (storage.outbox.enqueue_many), and the engine takes the text as it is."""


def _to_json(value: Any) -> str:
    return str(value) if isinstance(value, JsonText) else json.dumps(value)


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for DATABASE_URL; SQLite gets WAL, synchronous=NORMAL, foreign keys, a busy timeout, secure_delete.
    Writes to KPI inputs bump storage.data_version. JSON columns take a JsonText as it is."""
    kwargs.setdefault("json_serializer", _to_json)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT, "check_same_thread": False}, **kwargs)
        watch(engine)
        event.listen(engine, "connect", _sqlite_pragmas)
        # pysqlite's own transaction handling defers BEGIN; emit it ourselves so locks behave. A connection
        # marked read_only=True only reads: a deferred BEGIN, which under WAL waits for no writer.
        writers = WriterTurns()
        event.listen(engine, "begin", writers.begin)
        event.listen(engine, "commit", writers.end)
        event.listen(engine, "rollback", writers.end)
        event.listen(engine.pool, "reset", lambda _dbapi, record, _state: writers.release(record.info))
        return engine
    # pre-ping replaces a pooled connection the server dropped (restart, pg_terminate_backend) before use
    engine = create_engine(url, pool_pre_ping=True, connect_args=_postgres_connect_args(url), **kwargs)
    watch(engine)  # every write to a KPI input bumps storage.data_version in its transaction
    return engine


def reading_engine(engine: Engine) -> Engine:
    """`engine` for transactions that only read, each from one snapshot: on SQLite a deferred BEGIN (under WAL it
    waits for no writer); on PostgreSQL REPEATABLE READ, READ ONLY (every statement sees the transaction's first
    snapshot, where READ COMMITTED would give each its own)."""
    if engine.dialect.name == "postgresql":
        return engine.execution_options(read_only=True, isolation_level="REPEATABLE READ", postgresql_readonly=True)
    return engine.execution_options(read_only=True)


def one_snapshot(connection: Connection) -> bool:
    """Whether every statement of this connection's transaction reads the same snapshot (its own writes aside):
    always on SQLite; on PostgreSQL at REPEATABLE READ or SERIALIZABLE."""
    if connection.dialect.name == "sqlite":
        return True
    return connection.get_execution_options().get("isolation_level") in ("REPEATABLE READ", "SERIALIZABLE")


class WriterTurns:
    """SQLite has one writer: this process's write transactions take turns on a lock, handed to the next the moment
    one ends. SQLite's own busy wait sleeps between tries (up to 100 ms each), so under a burst of writers from
    several threads most of the wait was sleep; writers in other processes still meet the busy timeout."""

    def __init__(self, timeout: float = BUSY_TIMEOUT) -> None:
        self._lock, self._timeout = threading.Lock(), timeout

    def begin(self, conn: Connection) -> None:
        if conn.get_execution_options().get("read_only"):
            conn.exec_driver_sql("BEGIN")
            return
        # After the timeout (a transaction left open that long) BEGIN IMMEDIATE meets SQLite's busy timeout as before.
        turn = self._lock.acquire(timeout=self._timeout)
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            if turn:
                self._lock.release()
            raise
        if turn:
            conn.info[_TURN] = True

    def end(self, conn: Connection) -> None:
        self.release(conn.info)

    def release(self, info: dict[Any, Any]) -> None:
        """The turn ends with the transaction (commit, rollback, or the pool resetting a connection given back)."""
        if info.pop(_TURN, False):
            self._lock.release()


def _postgres_connect_args(url: str) -> dict[str, Any]:
    """Name the backends (pg_stat_activity shows which process they serve) and give up on a dead host in time."""
    given = make_url(url).query
    defaults = {"application_name": APPLICATION_NAME, "connect_timeout": 10}
    return {name: value for name, value in defaults.items() if name not in given}


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT * 1000}")
    cursor.execute("PRAGMA secure_delete=ON")  # deleted rows (a closed round's tokens) are zeroed, not left in pages
    cursor.close()


def make_sessions(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply migrations up to `revision` (idempotent; safe at every start-up)."""
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


def database_state(engine: Engine) -> dict[str, Any]:
    """What /healthz reports: reachable or not, dialect and the applied migration."""
    try:
        with engine.connect() as conn:
            version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        return {"ok": True, "dialect": engine.dialect.name, "migration": version}
    except Exception as exc:
        return {"ok": False, "dialect": engine.dialect.name, "error": type(exc).__name__}
