"""Whose database DATABASE_URL names and how far its migrations are, read before a command touches it.

Only `db upgrade` and `serve` migrate; every other command refuses a database that is behind, and every command
refuses one that holds another application's tables. Each refusal is one line naming what to do.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import URL, Engine, inspect, make_url, text
from sqlalchemy.exc import DBAPIError

from storage.db import MIGRATIONS


class DatabaseProblem(Exception):
    """The database cannot be used as it is; the message is one line saying what to do."""


@dataclass(frozen=True)
class SchemaState:
    revision: str | None  # salescoach's applied migration; None when the database has none of its tables
    head: str  # the latest migration this code knows
    tables: tuple[str, ...]  # every table in the database (or the schema the connection uses)

    @property
    def current(self) -> bool:
        return self.revision == self.head


def migrations() -> list[str]:
    """The revision ids of the migration scripts, oldest first (their file names start with the id)."""
    return sorted(p.name.split("_", 1)[0] for p in (MIGRATIONS / "versions").glob("[0-9]*_*.py"))


def where(url: str) -> str:
    """The database as an operator named it, without its password."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return parsed.database or ":memory:"
    return parsed.render_as_string(hide_password=True)


def sqlite_file(url: str | URL) -> Path | None:
    """The SQLite database's file; None for another database or SQLite in memory (one connection's alone)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def read_state(engine: Engine) -> SchemaState:
    """The applied migration and the tables; DatabaseProblem (one line) when the database cannot be read, is not
    a database, or holds tables that are not salescoach's."""
    known, url = migrations(), engine.url.render_as_string(hide_password=False)
    file = sqlite_file(url)
    if file is not None and not file.parent.is_dir():
        raise DatabaseProblem(f"DATABASE_URL: the folder {file.parent} for the SQLite file does not exist; "
                              "create it or point DATABASE_URL at another path")
    try:
        with engine.connect() as conn:
            tables = tuple(sorted(inspect(conn).get_table_names()))
            revision = (conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
                        if "alembic_version" in tables else None)
    except DBAPIError as exc:
        raise DatabaseProblem(explain(exc, url)) from None
    if tables and revision not in known:
        strangers = ", ".join(t for t in tables if t != "alembic_version")[:120] or "alembic_version"
        raise DatabaseProblem(f"DATABASE_URL: {where(url)} holds tables that are not salescoach's ({strangers}); "
                              "point DATABASE_URL at an empty database (or PostgreSQL schema) or at salescoach's own")
    return SchemaState(revision, known[-1], tables)


def require_current(engine: Engine) -> SchemaState:
    """The state of a database a command may use as it is: salescoach's and at the latest migration."""
    file = sqlite_file(engine.url.render_as_string(hide_password=False))
    if file is not None and file.parent.is_dir() and not file.exists():  # connecting would create it empty
        raise DatabaseProblem(f"DATABASE_URL: {file} does not exist; run `salescoach db upgrade` to create it")
    state = read_state(engine)
    if state.revision is None:
        raise DatabaseProblem(f"DATABASE_URL: {where(engine.url.render_as_string(hide_password=False))} has no "
                              "salescoach tables yet; run `salescoach db upgrade` first")
    if not state.current:
        raise DatabaseProblem(f"DATABASE_URL: the database is at migration {state.revision} and this version needs "
                              f"{state.head}; run `salescoach db upgrade`")
    return state


def explain(exc: DBAPIError, url: str) -> str:
    """One line for a driver's refusal to open or read the database."""
    detail = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else type(exc).__name__
    lowered, place = detail.lower(), where(url)
    if "file is not a database" in lowered or "not a database" in lowered:
        return f"DATABASE_URL: {place} is not a SQLite database file; point DATABASE_URL at salescoach's database"
    if "unable to open database file" in lowered:
        return f"DATABASE_URL: cannot open the SQLite file {place}; check the path and its permissions"
    if "does not exist" in lowered and "database" in lowered:
        name = make_url(url).database
        return (f"DATABASE_URL: PostgreSQL has no database {name!r} at {place}; create it (createdb {name}) "
                "or fix DATABASE_URL")
    if "password authentication failed" in lowered or "no password supplied" in lowered:
        return f"DATABASE_URL: PostgreSQL refused the user or password in {place}; fix DATABASE_URL"
    if "connection refused" in lowered or "could not connect" in lowered or "timeout" in lowered:
        return (f"DATABASE_URL: cannot reach the database at {place} ({detail}); check that the server is "
                "running and the host and port")
    return f"DATABASE_URL: cannot use the database at {place} ({detail})"
