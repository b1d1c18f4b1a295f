"""Core executemany for large imports: each column's bind processor runs once per distinct value (dates repeat
a lot) and the driver gets plain rows, instead of SQLAlchemy processing every parameter of every row."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from itertools import islice
from typing import Any

from sqlalchemy import Insert, Update
from sqlalchemy.engine import processors
from sqlalchemy.orm import Session

from storage.data_version import wrote


def executemany(session: Session, statement: Insert | Update, columns: Mapping[str, Sequence[Any]], *,
                batch: int = 10_000, done: Callable[[int], None] | None = None) -> None:
    """Run `statement` once per row, given column by column (all of one length), in the session's transaction;
    `done(rows)` after each batch of rows."""
    size = len(next(iter(columns.values()), ()))
    if not size:
        return
    connection = session.connection()
    wrote(connection, getattr(statement.table, "name", ""))  # the cursor below is past the engine's hook
    dialect = connection.dialect
    compiled = statement.compile(dialect=dialect, column_keys=list(columns))
    values = dict(columns)
    for column in getattr(compiled, "insert_prefetch", ()):  # Python-side scalar defaults of absent columns
        if column.key not in values:
            if column.default is None or not column.default.is_scalar:
                raise ValueError(f"{column} needs a value in every row")
            values[column.key] = [column.default.arg] * size
    names = list(compiled.positiontup or ()) if dialect.positional else list(compiled.binds)
    processed = []
    for name in names:
        process = compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)
        processed.append(values[name] if process is None else _map(process, values[name]))
    # Plain rows straight to the driver's cursor, in the session's transaction: made one at a time as the driver
    # takes them (a list of them all would hold a tuple per row), without SQLAlchemy's per-call bookkeeping.
    rows: Iterator[Any] = zip(*processed, strict=True)
    if not dialect.positional:
        rows = (dict(zip(names, row, strict=True)) for row in rows)
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        for start in range(0, size, batch):
            cursor.executemany(compiled.string, islice(rows, batch))
            if done:
                done(min(batch, size - start))
    finally:
        cursor.close()


def _map(process: Callable[[Any], Any], values: Sequence[Any]) -> Sequence[Any]:
    """process(v) for each value, computed once per distinct value (amounts, mostly distinct and already
    floats, are taken as they are)."""
    if process is processors.to_float and set(map(type, values)) <= {float, type(None)}:
        return values
    return list(map(Memo(process).__getitem__, values))


class Memo(dict[Any, Any]):
    """compute(key) by key, each computed on first use: one pass over a column instead of a set and a map."""

    def __init__(self, compute: Callable[[Any], Any], known: Mapping[Any, Any] | None = None) -> None:
        super().__init__(known or {})
        self.compute = compute

    def __missing__(self, key: Any) -> Any:
        self[key] = value = self.compute(key)
        return value
