"""The coaching pack's Intel sheet: the period's /intel items by the pack's people (its manager and the reps the
asker may see), one row each with date, kind, account, competitor, text and reactions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC
from typing import TYPE_CHECKING

from bot.i18n import Translator
from bot.intel.views import kind_label
from bot.workbook_cells import DATETIME_FORMAT, MISSING, header, number, text, widths
from coaching.intel.service import Intel

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

INTEL_HEADER = ("date", "kind", "account", "competitor", "text", "reactions")


def write_intel(ws: Worksheet, t: Translator, items: Sequence[Intel]) -> None:
    """One row per item, oldest first; times in UTC; a missing account or competitor is "–"."""
    header(ws, INTEL_HEADER, freeze="B2")
    for n, item in enumerate(sorted(items, key=lambda i: (i.created_at, i.id)), start=2):
        number(ws.cell(n, 1), item.created_at.astimezone(UTC).replace(tzinfo=None), DATETIME_FORMAT)
        text(ws.cell(n, 2), kind_label(t, item.kind))
        text(ws.cell(n, 3), item.account or MISSING)
        text(ws.cell(n, 4), item.competitor or MISSING)
        text(ws.cell(n, 5), item.text)
        number(ws.cell(n, 6), item.reactions, "0")
    widths(ws, [17, 18, 24, 20, 80, 10], INTEL_HEADER)
