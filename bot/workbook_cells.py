"""Cell writing shared by every .xlsx export: typed numbers, text that never turns into a formula, headers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

DATE_FORMAT, DATETIME_FORMAT = "yyyy-mm-dd", "yyyy-mm-dd hh:mm"
MISSING = "–"  # an unknown figure in a cell: never a zero

if TYPE_CHECKING:  # openpyxl is imported by the functions that write, when a workbook is written
    from openpyxl.cell import Cell
    from openpyxl.worksheet.worksheet import Worksheet


def number(cell: Cell, value: Any, number_format: str) -> None:
    """A number, date or datetime with its format; None leaves the cell empty (unknown, never zero)."""
    if value is None:
        return
    cell.value = value
    cell.number_format = number_format


def text(cell: Cell, value: str) -> None:
    """Text stays text: a name, message or translation starting with "=" must never become a formula, and control
    characters a CRM sent (which .xlsx cannot hold) are dropped instead of failing the whole workbook."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if cell.data_type == "f":
        cell.data_type = "s"


def header(ws: Worksheet, labels: Sequence[str], *, freeze: str = "A2") -> None:
    """Bold labels in row 1, frozen above the data."""
    from openpyxl.styles import Font

    for column, label in enumerate(labels, start=1):
        text(ws.cell(1, column), label)
        ws.cell(1, column).font = Font(bold=True)
    ws.freeze_panes = freeze


def widths(ws: Worksheet, sizes: Sequence[int], headers: Sequence[str] = ()) -> None:
    """Column widths, each at least as wide as its header."""
    from openpyxl.utils import get_column_letter

    for column, width in enumerate(sizes, start=1):
        label = headers[column - 1] if column <= len(headers) else ""
        ws.column_dimensions[get_column_letter(column)].width = max(width, len(label) + 2)
