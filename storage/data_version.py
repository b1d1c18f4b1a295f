"""The KPI inputs' data version: any transaction that writes a CRM table, a person or a team bumps it, once, in that
transaction (an engine hook, so no writer can forget, whichever process it runs in); readers key caches by it."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Engine, event, select
from sqlalchemy.orm import Session

from storage.models import DataVersion

KPI_TABLES = frozenset({"crm_activity", "crm_deal", "crm_lead", "crm_account", "crm_quota", "crm_spend",
                        "crm_deal_event", "person", "team"})
_WRITE = re.compile(r'\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
_BUMP = "UPDATE data_version SET version = version + 1 WHERE name = 'kpis'"
_BUMPED = "salescoach_kpis_bumped"
MIGRATING = "salescoach_migrating"  # set on the migrations' connection: the schema itself is changing


def kpis_version(session: Session) -> int:
    """The current version of the KPI inputs, as this transaction sees them."""
    return session.scalar(select(DataVersion.version).where(DataVersion.name == "kpis")) or 0


def watch(engine: Engine) -> None:
    """Bump the version in the same transaction as the first write to a KPI input (committed or rolled back with it)."""
    event.listen(engine, "after_cursor_execute", _after_execute)
    for ending in ("commit", "rollback"):
        event.listen(engine, ending, _forget)


def _after_execute(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
    if conn.info.get(_BUMPED) or conn.info.get(MIGRATING):
        return
    written = _WRITE.match(statement)
    if written is None or written.group(1).lower() not in KPI_TABLES:
        return
    conn.info[_BUMPED] = True
    bump = conn.connection.dbapi_connection.cursor()  # its own cursor: the write's results may still be unread
    try:
        bump.execute(_BUMP)
    finally:
        bump.close()


def _forget(conn: Any) -> None:
    conn.info.pop(_BUMPED, None)
