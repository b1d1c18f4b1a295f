"""Engines, sessions and migrations: SQLite in WAL mode, PostgreSQL through psycopg 3."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.orm import Session, sessionmaker

from storage.data_version import watch

if TYPE_CHECKING:  # alembic (with Mako) is imported where migrations run, not by every process that uses the database
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
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
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, **kwargs)
        watch(engine)
        event.listen(engine, "connect", _sqlite_pragmas)
        # pysqlite's own transaction handling defers BEGIN; emit it ourselves so locks behave. A connection
        # marked read_only=True only reads: a deferred BEGIN, which under WAL waits for no writer.
        event.listen(engine, "begin", lambda conn: conn.exec_driver_sql(
            "BEGIN" if conn.get_execution_options().get("read_only") else "BEGIN IMMEDIATE"))
        return engine
    # pre-ping replaces a pooled connection the server dropped (restart, pg_terminate_backend) before use
    engine = create_engine(url, pool_pre_ping=True, connect_args=_postgres_connect_args(url), **kwargs)
    watch(engine)  # every write to a KPI input bumps storage.data_version in its transaction
    return engine


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
    cursor.execute("PRAGMA busy_timeout=30000")
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
