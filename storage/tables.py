"""Reading tabular files (.csv, .xlsx) into a header and numbered rows, plus cell checks, for every importer.

Rows keep their spreadsheet row number and column letters, so a problem can be named `roster.xlsx:7:D`.
"""

from __future__ import annotations

import csv
import difflib
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import available_timezones

from babel import Locale, UnknownLocaleError
from openpyxl.utils.cell import get_column_letter
from python_calamine import CalamineError, CalamineWorkbook

Value = str | int | float | bool | date | datetime | time | timedelta | None
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


def read_table(path: str | Path, *, sheet: str | None = None) -> Table:
    """Read a .csv (UTF-8, with or without BOM) or .xlsx (first sheet, or `sheet`); the header is the first
    non-empty row. Raises TableError with a one-line message when the file cannot be read as a table."""
    file, raw = read_raw(path, sheet=sheet)
    return _table(file, raw)


def read_raw(path: str | Path, *, sheet: str | None = None) -> tuple[str, Any]:
    """The file's name and its rows as read (csv or the xlsx sheet); TableError with a one-line message."""
    path = Path(path)
    file = str(path)
    suffix = path.suffix.lower()
    if suffix not in EXTENSIONS:
        raise TableError(f"{file}: {suffix or 'no extension'!r} is not a supported file type; "
                         f"expected {' or '.join(EXTENSIONS)}")
    try:
        return file, _read_csv(path, file) if suffix == ".csv" else _read_xlsx(path, file, sheet)
    except FileNotFoundError:
        raise TableError(f"{file}: no such file; expected a {suffix} file to import") from None
    except OSError as exc:
        raise TableError(f"{file}: cannot be read ({exc.strerror or exc}); expected a readable {suffix} file") \
            from None


def _read_csv(path: Path, file: str) -> Sequence[Sequence[Value]]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise TableError(f"{file}:{line}: byte 0x{data[exc.start]:02x} is not UTF-8; expected a UTF-8 file "
                         "(in Excel: Save As > CSV UTF-8)") from None
    first_line = text.split("\n", 1)[0]
    try:  # only the delimiter: the sniffer's other guesses (doublequote=False) would misread Excel's quoting
        delimiter = csv.Sniffer().sniff(first_line, delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), csv.excel, delimiter=delimiter)
    try:
        return [list(record) for record in reader]
    except csv.Error as exc:
        raise TableError(f"{file}:{reader.line_num}: {exc}; expected comma-separated values") from None


def _read_xlsx(path: Path, file: str, sheet: str | None) -> Sequence[Sequence[Value]]:
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        try:
            if sheet is None:
                found = workbook.get_sheet_by_index(0)
            elif sheet in workbook.sheet_names:
                found = workbook.get_sheet_by_name(sheet)
            else:
                raise TableError(f"{file}: no sheet {sheet!r}; expected one of {', '.join(workbook.sheet_names)}")
            rows: Sequence[Sequence[Value]] = found.to_python(skip_empty_area=False)
        finally:
            workbook.close()
    except CalamineError as exc:
        raise TableError(f"{file}: cannot be read as a spreadsheet ({exc}); expected an .xlsx workbook") from None
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
        letter = get_column_letter(position + 1)
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
