"""The KPI inputs' data version: any transaction that writes a CRM table, a person or a team bumps it, once, in that
transaction (an engine hook, so no writer can forget, whichever process it runs in); readers key caches by it."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Connection, Engine, event, select
from sqlalchemy.orm import Session

from storage.models import DataVersion

KPI_TABLES = frozenset({"crm_activity", "crm_deal", "crm_lead", "crm_account", "crm_quota", "crm_spend",
                        "crm_deal_event", "person", "team"})
_WRITE = re.compile(r'\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
_PERSON_KPI_COLUMNS = frozenset({"id", "manager_id", "role", "team_id", "active", "sales_role"})
_SET = re.compile(r'\s*UPDATE\s+"?person"?\s+SET\s+(.*?)\s+WHERE\s', re.IGNORECASE | re.DOTALL)
_BUMP = ("INSERT INTO data_version (name, version) VALUES ('kpis', 1) "
         "ON CONFLICT (name) DO UPDATE SET version = data_version.version + 1")
_BUMPED = "salescoach_kpis_bumped"
_READY = "salescoach_data_version_ready"  # this connection's database has the table
MIGRATING = "salescoach_migrating"  # set on the migrations' connection: the schema itself is changing


_KPIS = select(DataVersion.version).where(DataVersion.name == "kpis")


def kpis_version(session: Session | Connection) -> int:
    """The current version of the KPI inputs, as this transaction sees them."""
    return session.execute(_KPIS).scalar() or 0


def watch(engine: Engine) -> None:
    """Bump the version in the same transaction as the first write to a KPI input (committed or rolled back with it)."""
    event.listen(engine, "after_cursor_execute", _after_execute)
    for ending in ("commit", "rollback"):
        event.listen(engine, ending, _forget)


def _after_execute(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
    if conn.info.get(_BUMPED) or conn.info.get(MIGRATING):
        return
    written = _WRITE.match(statement)
    if written is None or written.group(1).lower() not in KPI_TABLES or not _touches_kpis(statement):
        return
    _bump(conn)


def wrote(conn: Connection, table: str) -> None:
    """What the hook does, for a write it cannot see: rows sent straight to the driver's cursor (storage.crm.bulk)."""
    if table.lower() in KPI_TABLES and not conn.info.get(_BUMPED) and not conn.info.get(MIGRATING):
        _bump(conn)


def _bump(conn: Any) -> None:
    """Bump the version once in this connection's transaction."""
    if not conn.info.get(_READY) and not conn.dialect.has_table(conn, "data_version"):
        return  # a database not yet migrated to 0019 (the version starts with the table)
    conn.info[_BUMPED] = conn.info[_READY] = True
    bump = conn.connection.dbapi_connection.cursor()  # its own cursor: the write's results may still be unread
    try:
        bump.execute(_BUMP)
    finally:
        bump.close()


def _touches_kpis(statement: str) -> bool:
    """False for an UPDATE of people that sets nothing KPIs read (a Slack binding, a language, an away status)."""
    sets = _SET.match(statement)
    if sets is None:
        return True
    columns = {part.split("=")[0].strip().strip('"').lower() for part in sets.group(1).split(",")}
    return bool(columns & _PERSON_KPI_COLUMNS)


def _forget(conn: Any) -> None:
    conn.info.pop(_BUMPED, None)
