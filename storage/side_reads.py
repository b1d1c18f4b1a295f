"""A transaction's independent read statements run on its own connection and, at the same time, on a second one
(SQLite and psycopg let go of the GIL while a query runs), only when the second sees the same KPI data version."""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy import Connection, Executable, Row
from sqlalchemy.orm import Session

from storage.data_version import kpis_version
from storage.db import one_snapshot, reading_engine
from storage.schema_state import sqlite_file

log = logging.getLogger(__name__)
_SIDE = ThreadPoolExecutor(max_workers=1, thread_name_prefix="side-reads")


def read_all(session: Session, statements: Sequence[Executable]) -> list[Sequence[Row[Any]]]:
    """Each statement's rows, in order. The statements are taken in the order given (the costliest first) by this
    transaction's connection and a second connection at once. The second reads only if its snapshot has this
    transaction's KPI data version (storage.data_version), and only when this transaction reads one snapshot
    (storage.db.one_snapshot: on PostgreSQL a READ COMMITTED transaction does not); otherwise, as for a database
    only one connection can see (SQLite in memory), this connection reads them all."""
    connection = session.connection()
    shareable = connection.dialect.name != "sqlite" or sqlite_file(connection.engine.url) is not None
    if len(statements) < 2 or not shareable or not one_snapshot(connection):
        return [connection.execute(statement).all() for statement in statements]
    version = kpis_version(session)
    waiting, lock = deque(enumerate(statements)), threading.Lock()
    results: list[Sequence[Row[Any]] | None] = [None] * len(statements)

    def take() -> tuple[int, Executable] | None:
        with lock:
            return waiting.popleft() if waiting else None

    def read(on: Connection) -> None:
        while (taken := take()) is not None:
            n, statement = taken
            results[n] = on.execute(statement).all()

    side = _SIDE.submit(_on_second_connection, connection, version, read)
    read(connection)
    try:
        if not side.cancel():  # not begun (another transaction's reads hold the thread): nothing to wait for
            side.result()
    except Exception:  # the rows it had taken are read here instead; the figures are the same
        log.warning("a second connection's reads failed; this connection reads them", exc_info=True)
    return [rows if rows is not None else connection.execute(statements[n]).all()
            for n, rows in enumerate(results)]


def _on_second_connection(main: Connection, version: int, read: Callable[[Connection], None]) -> None:
    with reading_engine(main.engine).connect() as second, second.begin():
        if kpis_version(second) == version:
            read(second)

