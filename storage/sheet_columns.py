"""An .xlsx sheet read column by column, for large imports: calamine's rows taken a few thousand at a time and
turned into columns, so no list is kept per row, with the longest text cell checked on the way."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import islice
from typing import cast

from storage.table_limits import MAX_CELL_CHARS, Limits, column_letter

Value = str | int | float | bool | date | datetime | time | timedelta | None


@dataclass(frozen=True)
class SheetColumns:
    """A sheet read column by column from A1 (`columns[c][r]` is the cell at row r + 1): no list per row."""

    columns: list[list[Value]]
    height: int


def sheet_columns(rows: Iterator[list[Value]], width: int, file: str, limits: Limits) -> SheetColumns:
    """The rows, a few thousand at a time, turned into columns (each row's list goes at once: at 100k rows x 12
    columns those lists alone weigh about 15 MiB), and the longest text cell checked on the way. A column of few
    distinct cells (owners, stages, products) keeps one object per distinct cell, not one per row (calamine makes
    a new one for every cell)."""
    columns: list[list[Value]] = [[] for _ in range(width)]
    shared: list[dict[Value, Value] | None] = []
    height = 0
    while chunk := list(islice(rows, 4096)):
        for position, (column, cells) in enumerate(zip(columns, zip(*chunk, strict=True), strict=True)):
            if not height:
                shared.append({} if len(set(cells)) * 20 <= len(cells) else None)
            seen = shared[position]
            if seen is not None and bool in set(map(type, cells)):  # True == 1.0: kept apart, as read
                column.extend(cells)
                _check_longest(cells, height, position, file, limits)
            elif seen is not None:
                column.extend(map(seen.setdefault, cells, cells))
            else:
                column.extend(cells)
                _check_longest(cells, height, position, file, limits)
        height += len(chunk)
    for position, seen in enumerate(shared):  # each distinct cell once
        if seen is not None and max(map(len, cast(Iterable[str], filter(str.__instancecheck__, seen))), default=0) \
                > MAX_CELL_CHARS:
            _check_longest(columns[position], 0, position, file, limits)
    return SheetColumns(columns, height)


def _check_longest(cells: Sequence[Value], before: int, position: int, file: str, limits: Limits) -> None:
    """ShapeError at the longest text cell of a column's `cells` (rows `before` + 1 on) beyond Excel's limit."""
    longest = max(map(len, cast(Iterable[str], filter(str.__instancecheck__, cells))), default=0)
    if longest > MAX_CELL_CHARS:
        number = before + next(i for i, v in enumerate(cells) if isinstance(v, str) and len(v) == longest)
        raise limits.cell_too_long(f"{file}:{number + 1}:{column_letter(position + 1)}", longest)
