"""A .csv or .xlsx file read column by column, for large CRM exports: only the columns asked for are pulled
out and cleaned, instead of a dict per row (storage.tables.read_table costs ~2 s per 100k x 12 cells that way).

Cells read as read_table reads them: text trimmed ('' is empty), whole numbers as int, dates as dates."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from operator import itemgetter
from pathlib import Path
from typing import cast

from storage.sheet_columns import SheetColumns
from storage.table_limits import DEFAULT_LIMITS, Limits, column_letter
from storage.tables import TableError, Value, column_name, read_raw

BLANK = ("", None)


def clean(value: Value) -> Value:
    """A raw cell as read_table gives it: trimmed text or None, whole floats as int."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, float) and value.is_integer():
        return int(value)  # calamine returns every number as a float
    return value


class ColumnTable:
    """The header (name -> letter), the 1-based row number of every non-empty data row, and raw columns."""

    def __init__(self, file: str, raw: Sequence[Sequence[Value]] | SheetColumns) -> None:
        self.file = file
        # A sheet comes column by column (SheetColumns); a csv file's records, rectangular like most (their columns
        # are then taken in one pass, zip, and the rows can go), or ragged (records kept, short lines padded with
        # None).
        columns: Sequence[Sequence[Value]] | None
        if isinstance(raw, SheetColumns):
            columns, height = raw.columns, raw.height
        else:
            width, height = (len(raw[0]) if raw else 0), len(raw)
            columns = list(zip(*raw, strict=True)) if width and set(map(len, raw)) == {width} else None
        self._columns = columns
        filled = _filled(height, raw, columns)
        if not filled:
            raise TableError(f"{file}:1: the file is empty; expected a header row naming the columns")
        header = filled[0]
        self.header_row = header + 1
        self.columns: dict[str, str] = {}
        self._positions: dict[str, int] = {}
        for position, cell in enumerate(_row(raw, columns, header)):
            name = column_name(clean(cell))
            if not name:
                continue
            letter = column_letter(position + 1)
            if name in self.columns:
                raise TableError(f"{file}:{header + 1}:{letter}: column {name!r} appears twice (also in "
                                 f"{self.columns[name]}); expected each column once")
            self.columns[name], self._positions[name] = letter, position
        contiguous = filled[-1] - header == len(filled) - 1  # no blank row inside: the common case
        self._span = (header + 1, filled[-1] + 1) if contiguous else None
        self._rows = filled[1:]
        self._records: Sequence[Sequence[Value]] = []
        if columns is None:
            rows = cast(Sequence[Sequence[Value]], raw)
            self._records = list(rows[header + 1:filled[-1] + 1]) if contiguous else [rows[i] for i in filled[1:]]
        self.numbers = [i + 1 for i in filled[1:]]
        self.size = len(self._rows)
        self._shortest = min(map(len, self._records), default=0)
        self._cache: dict[str, list[Value]] = {}

    def raw(self, name: str) -> list[Value]:
        """The column's cells as the file holds them (None past a short csv line)."""
        if name not in self._cache:
            position = self._positions[name]
            if self._columns is not None:
                column = self._columns[position]
                if isinstance(column, list) and self._span == (1, len(column)):  # a sheet's own list: no copy
                    del column[0]  # the header, read already
                    self._cache[name] = column
                else:
                    self._cache[name] = list(column[slice(*self._span)]) if self._span else [
                        column[i] for i in self._rows]
                return self._cache[name]
            records = self._records
            if self._shortest > position:
                self._cache[name] = list(map(itemgetter(position), records))
            else:
                self._cache[name] = [r[position] if len(r) > position else None for r in records]
        return self._cache[name]

    def text(self, index: int, name: str) -> str:
        value = clean(self.raw(name)[index])
        return "" if value is None else value.isoformat() if hasattr(value, "isoformat") else str(value)

    def blank(self, index: int, name: str) -> bool:
        return clean(self.raw(name)[index]) is None

    def where(self, index: int | None = None, name: str | None = None) -> str:
        """`file:row:COL` of a data row's cell, `file:row` of the row, or the header's place when index is None."""
        row = self.header_row if index is None else self.numbers[index]
        return f"{self.file}:{row}:{self.columns[name]}" if name in self.columns else f"{self.file}:{row}"


def _row(raw: Sequence[Sequence[Value]] | SheetColumns, columns: Sequence[Sequence[Value]] | None,
         index: int) -> Sequence[Value]:
    return [column[index] for column in columns] if isinstance(raw, SheetColumns) and columns else \
        cast(Sequence[Sequence[Value]], raw)[index]


def _filled(height: int, raw: Sequence[Sequence[Value]] | SheetColumns,
            columns: Sequence[Sequence[Value]] | None) -> list[int]:
    """The indexes of the rows with something in them: a first cell with something in it settles most rows at
    once, and a first column of plain text, none of it blank, settles them all."""
    first = cast(Sequence[str], columns[0] if columns else ())
    if first and set(map(type, first)) == {str} and "" not in first and not any(map(str.isspace, first)):
        return list(range(height))
    rows = zip(*columns, strict=True) if isinstance(raw, SheetColumns) and columns else raw
    return [i for i, r in enumerate(cast(Iterable[Sequence[Value]], rows))
            if (r and r[0] not in BLANK and not (isinstance(r[0], str) and r[0].isspace())) or not _blank(r)]


def _blank(record: Sequence[Value]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in record)


def read_columns(path: str | Path, *, limits: Limits = DEFAULT_LIMITS) -> ColumnTable:
    """Read a .csv (UTF-8) or the first sheet of an .xlsx; raises TableError with a one-line message, ShapeError
    when it is beyond the limits."""
    file, raw = read_raw(path, limits=limits, by_column=True)
    return ColumnTable(file, raw)
