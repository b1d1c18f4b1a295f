"""The coaching pack's History sheet: each focus a team's manager chose after a round (its action, date, whether it
is done, and the follow-up question's average when the visibility rules show it) and each ask for help of the
period (the deal, the answer and hours to it; never the rep's note, which only their manager reads)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import TYPE_CHECKING

from bot.i18n import Translator
from bot.surveys.focus_views import theme_label
from bot.workbook_cells import DATE_FORMAT, DATETIME_FORMAT, MISSING, header, number, text, widths
from coaching.asks.service import Ask, hours_to_answer
from surveys.focus import Focus

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

HISTORY_HEADER = ("kind", "team", "rep", "email", "subject", "action", "started_at", "due", "outcome", "ended_at",
                  "hours_to_answer", "follow_up_average")


@dataclass(frozen=True)
class FocusRow:
    focus: Focus
    team: str
    follow_up: float | None  # the follow-up question's average in the next round; None: not asked yet or withheld


def write_history(ws: Worksheet, t: Translator, *, asks: Sequence[Ask], focuses: Sequence[FocusRow],
                  people: Mapping[int, tuple[str, str]], deals: Mapping[int, str]) -> None:
    """One row per focus and per ask, oldest first; `people`: (name, email) by person id."""
    header(ws, HISTORY_HEADER, freeze="C2")
    rows: list[tuple[datetime, list[object]]] = []
    for row in focuses:
        f = row.focus
        rows.append((f.created_at, ["focus", row.team, MISSING, MISSING, theme_label(t, f.theme, plain=True), f.action,
                                    f.created_at, f.due, "done" if f.done else "open", f.done_at or MISSING, MISSING,
                                    _as_shown(row.follow_up) if row.follow_up is not None else MISSING]))
    for ask in asks:
        person = people.get(ask.rep_id)
        hours = hours_to_answer(ask.asked_at, ask.answered_at) if ask.answered_at is not None else MISSING
        name, email = person or (MISSING, MISSING)
        rows.append((ask.asked_at, ["ask", MISSING, name, email, deals.get(ask.deal_id or 0, MISSING),
                                    MISSING, ask.asked_at, MISSING, "+".join(ask.answers) or "open",
                                    ask.answered_at or MISSING,
                                    hours, MISSING]))
    for n, (_, values) in enumerate(sorted(rows, key=lambda r: r[0]), start=2):
        for column, value in enumerate(values, start=1):
            cell = ws.cell(n, column)
            if isinstance(value, datetime):
                number(cell, value.astimezone(UTC).replace(tzinfo=None), DATETIME_FORMAT)
            elif isinstance(value, date):
                number(cell, value, DATE_FORMAT)
            elif isinstance(value, float):
                number(cell, value, "0.0")
            else:
                text(cell, str(value))
    widths(ws, [7, 18, 20, 26, 28, 40, 17, 11, 8, 17, 15, 17])


def _as_shown(average: float) -> float:
    """An average at one decimal, rounded as the results DM shows it (Babel's half-even on the decimal value)."""
    return float(Decimal(repr(average)).quantize(Decimal("0.1"), ROUND_HALF_EVEN))
