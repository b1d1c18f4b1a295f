"""Reading tabular files (.csv, .xlsx) into a header and numbered rows, plus cell checks, for every importer.

Rows keep their spreadsheet row number and column letters, so a problem can be named `roster.xlsx:7:D`.
"""

from __future__ import annotations

import csv
import difflib
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, time
from functools import cache
from itertools import chain
from pathlib import Path
from typing import Any, cast
from zoneinfo import available_timezones

from babel import Locale, UnknownLocaleError

from storage.sheet_columns import SheetColumns, Value, sheet_columns
from storage.table_limits import DEFAULT_LIMITS, MAX_CELL_CHARS, MAX_COLUMNS, Limits, check_xlsx, column_letter

EXTENSIONS = (".csv", ".xlsx")
SLACK_ONLY_LOCALES = {"es-la": "es-LA"}  # Slack's Latin American Spanish; Babel calls it es-419


class TableError(Exception):
    """The file cannot be read as a table; the message is one line naming the file and what is expected."""


@dataclass(frozen=True)
class Row:
    """One non-empty data row: its 1-based spreadsheet row number and its cells by column name."""

    file: str
    number: int
    cells: Mapping[str, Value]
    letters: Mapping[str, str]

    def get(self, column: str) -> Value:
        return self.cells.get(column)

    def text(self, column: str) -> str:
        """The cell as trimmed text: '' when empty or absent, whole numbers without '.0', dates in ISO form."""
        value = self.cells.get(column)
        if value is None:
            return ""
        if isinstance(value, date | time):
            return value.isoformat()
        return str(value).strip()

    def where(self, column: str | None = None) -> str:
        """`file:row:COL` for a column of this row, or `file:row` for the whole row."""
        if column is None or column not in self.letters:
            return f"{self.file}:{self.number}"
        return f"{self.file}:{self.number}:{self.letters[column]}"


@dataclass(frozen=True)
class Table:
    """A header (column name -> letter, in file order) and the data rows under it."""

    file: str
    header_row: int
    columns: Mapping[str, str]
    rows: list[Row]

    def where(self, column: str | None = None) -> str:
        if column is None or column not in self.columns:
            return f"{self.file}:{self.header_row}"
        return f"{self.file}:{self.header_row}:{self.columns[column]}"

    def missing(self, required: Iterable[str]) -> list[str]:
        return [name for name in required if name not in self.columns]


def column_name(header: object) -> str:
    """How a header cell is matched: trimmed, lower case, inner spaces as '_' ('Manager Email' -> manager_email)."""
    return "_".join(str(header).strip().lower().split()) if header is not None else ""


def read_table(path: str | Path, *, sheet: str | None = None, limits: Limits = DEFAULT_LIMITS) -> Table:
    """Read a .csv (UTF-8, with or without BOM) or .xlsx (first sheet, or `sheet`); the header is the first
    non-empty row. Raises TableError with a one-line message when the file cannot be read as a table, and
    ShapeError when it is beyond the limits."""
    file, raw = read_raw(path, sheet=sheet, limits=limits)
    return _table(file, raw)


def read_raw(path: str | Path, *, sheet: str | None = None, limits: Limits = DEFAULT_LIMITS,
             by_column: bool = False) -> tuple[str, Any]:
    """The file's name and its rows as read (csv or the xlsx sheet; `by_column`: an xlsx sheet as SheetColumns);
    TableError with a one-line message, or ShapeError (storage.table_limits) before anything large is allocated
    for a file beyond the limits."""
    path = Path(path)
    file = str(path)
    suffix = path.suffix.lower()
    if suffix not in EXTENSIONS:
        raise TableError(f"{file}: {suffix or 'no extension'!r} is not a supported file type; "
                         f"expected {' or '.join(EXTENSIONS)}")
    try:
        if suffix == ".csv":
            return file, _read_csv(path, file, limits)
        return file, _read_xlsx(path, file, sheet, limits, by_column)
    except FileNotFoundError:
        raise TableError(f"{file}: no such file; expected a {suffix} file to import") from None
    except OSError as exc:
        raise TableError(f"{file}: cannot be read ({exc.strerror or exc}); expected a readable {suffix} file") \
            from None


def _read_csv(path: Path, file: str, limits: Limits) -> Sequence[Sequence[Value]]:
    """The records, read as a stream and refused (ShapeError) at the first line beyond the limits."""
    with path.open("rb") as raw:
        first_line = raw.read(64 * 1024).split(b"\n", 1)[0].decode("utf-8", errors="replace")
        raw.seek(0)
        try:  # only the delimiter: the sniffer's other guesses (doublequote=False) would misread Excel's quoting
            delimiter = csv.Sniffer().sniff(first_line, delimiters=",;\t").delimiter
        except csv.Error:
            delimiter = ","
        reader = csv.reader(io.TextIOWrapper(raw, encoding="utf-8-sig", newline=""), csv.excel, delimiter=delimiter)
        records: list[list[str]] = []
        cells = 0
        try:
            for record in reader:
                _check_record(file, reader.line_num, record, len(records), cells, limits)
                cells += len(record)
                records.append(record)
        except UnicodeDecodeError:
            raise _not_utf8(path, file) from None
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):  # csv's own bound, above ours
                raise limits.cell_too_long(f"{file}:{reader.line_num}", csv.field_size_limit(), at_least=True) \
                    from None
            raise TableError(f"{file}:{reader.line_num}: {exc}; expected comma-separated values") from None
    return records


def _check_record(file: str, line: int, record: list[str], before: int, cells: int, limits: Limits) -> None:
    if len(record) > MAX_COLUMNS:
        raise limits.too_many_columns(f"{file}:{line}", len(record))
    if before > limits.rows:  # the header and limits.rows rows of data are in already
        raise limits.too_many_rows(file)
    if cells + len(record) > limits.cells:
        raise limits.too_many_cells(file, before + 1, max(len(record), cells // max(before, 1)))
    longest = max(map(len, record), default=0)
    if longest > MAX_CELL_CHARS:
        column = next(i for i, cell in enumerate(record) if len(cell) == longest)
        raise limits.cell_too_long(f"{file}:{line}:{column_letter(column + 1)}", longest)


def _not_utf8(path: Path, file: str) -> TableError:
    """The first byte that is not UTF-8, found by reading the file again a MiB at a time."""
    line, carry = 1, b""
    with path.open("rb") as raw:
        while chunk := raw.read(1024 * 1024):
            data, carry = carry + chunk, b""
            try:
                data.decode("utf-8")
            except UnicodeDecodeError as exc:
                if exc.reason == "unexpected end of data" and exc.end == len(data):
                    data, carry = data[:exc.start], data[exc.start:]  # a character cut by the chunk's end
                else:
                    line += data[:exc.start].count(b"\n")
                    return TableError(f"{file}:{line}: byte 0x{data[exc.start]:02x} is not UTF-8; expected a "
                                      "UTF-8 file (in Excel: Save As > CSV UTF-8)")
            line += data.count(b"\n")
    return TableError(f"{file}:{line}: the file ends inside a character; expected a UTF-8 file (in Excel: Save "
                      "As > CSV UTF-8)")


def _read_xlsx(path: Path, file: str, sheet: str | None, limits: Limits,
               by_column: bool = False) -> Sequence[Sequence[Value]] | SheetColumns:
    from python_calamine import CalamineError, CalamineWorkbook  # imported when a workbook is read, not at start

    check_xlsx(path, file, sheet=sheet, limits=limits)
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        try:
            if sheet is None:
                found = workbook.get_sheet_by_index(0)
            elif sheet in workbook.sheet_names:
                found = workbook.get_sheet_by_name(sheet)
            else:
                raise TableError(f"{file}: no sheet {sheet!r}; expected one of {', '.join(workbook.sheet_names)}")
            if by_column and found.start == (0, 0):  # iter_rows starts where the data does: here at A1
                return sheet_columns(cast(Iterator[list[Value]], found.iter_rows()), found.width, file, limits)
            rows: Sequence[Sequence[Value]] = found.to_python(skip_empty_area=False)
        finally:
            workbook.close()
    except CalamineError as exc:
        raise TableError(f"{file}: cannot be read as a spreadsheet ({exc}); expected an .xlsx workbook") from None
    texts = cast(Iterable[str], filter(str.__instancecheck__, chain.from_iterable(rows)))
    longest = max(map(len, texts), default=0)
    if longest > MAX_CELL_CHARS:
        number, column = next((i, j) for i, row in enumerate(rows) for j, v in enumerate(row)
                              if isinstance(v, str) and len(v) == longest)
        raise limits.cell_too_long(f"{file}:{number + 1}:{column_letter(column + 1)}", longest)
    return rows


def _cell(value: Value) -> Value:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, float) and value.is_integer():
        return int(value)  # calamine returns every number as a float
    return value


def _table(file: str, raw: Sequence[Sequence[Value]]) -> Table:
    cleaned = [[_cell(v) for v in record] for record in raw]
    header_index = next((i for i, record in enumerate(cleaned) if any(v is not None for v in record)), None)
    if header_index is None:
        raise TableError(f"{file}:1: the file is empty; expected a header row naming the columns")
    columns: dict[str, str] = {}
    positions: dict[str, int] = {}
    for position, header in enumerate(cleaned[header_index]):
        name = column_name(header)
        if not name:
            continue
        letter = column_letter(position + 1)
        if name in columns:
            raise TableError(f"{file}:{header_index + 1}:{letter}: column {name!r} appears twice (also in "
                             f"{columns[name]}); expected each column once")
        columns[name], positions[name] = letter, position
    rows = []
    for index in range(header_index + 1, len(cleaned)):
        record = cleaned[index]
        cells = {name: record[pos] if pos < len(record) else None for name, pos in positions.items()}
        if any(v is not None for v in cells.values()):
            rows.append(Row(file, index + 1, cells, columns))
    return Table(file, header_index + 1, columns, rows)


# ---- cell checks shared by importers ------------------------------------------------------------------

@cache
def _zones() -> dict[str, str]:
    return {zone.lower(): zone for zone in available_timezones()}


def is_timezone(name: str) -> bool:
    return _zones().get(name.lower()) == name


def closest_timezone(name: str) -> str | None:
    """'Asia/Kuala Lumpur' -> 'Asia/Kuala_Lumpur'; None when nothing is close."""
    zones = _zones()
    key = "_".join(name.strip().split()).lower()
    if key in zones:
        return zones[key]
    close = difflib.get_close_matches(key, list(zones), n=1, cutoff=0.75)
    return zones[close[0]] if close else None


def slack_locale(value: str) -> str | None:
    """A Slack/BCP-47 locale (en-US, ms_MY, zh-Hans-CN) as Slack spells it (en-US, ms-MY, zh-CN); None if unknown."""
    code = value.strip().replace("_", "-")
    if code.lower() in SLACK_ONLY_LOCALES:
        return SLACK_ONLY_LOCALES[code.lower()]
    try:
        locale = Locale.parse(code, sep="-")
    except (ValueError, TypeError, UnknownLocaleError):
        return None
    return f"{locale.language}-{locale.territory}" if locale.territory else locale.language
