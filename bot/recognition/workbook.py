"""The recognition export: Kudos (one row per receiver), Wins and a Leaderboard (kudos and wins counted apart) as
an .xlsx workbook; numbers are numbers, dates are dates, text never becomes a formula."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from os import PathLike
from typing import IO, TYPE_CHECKING

from bot.i18n import Translator
from bot.workbook_cells import header, number, text, widths
from coaching.recognition.kudos import Kudos, unescape
from coaching.recognition.records import Colleague
from coaching.recognition.wins import Win

if TYPE_CHECKING:  # openpyxl is imported by the functions that write, when an export is written
    from openpyxl.cell import Cell
    from openpyxl.worksheet.worksheet import Worksheet

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
MONEY_FORMAT = "#,##0.00"
COUNT_FORMAT = "0"


def write_recognition_workbook(path_or_buffer: str | PathLike[str] | IO[bytes], t: Translator, *,
                               kudos: Sequence[Kudos], wins: Sequence[Win], people: Sequence[Colleague],
                               teams: Mapping[int, str], currency: str) -> None:
    """Kudos, Wins and Leaderboard sheets. `people` are listed on the leaderboard even with nothing yet, so
    that who was not recognised shows too; times are UTC."""
    from openpyxl import Workbook

    t = t.for_files()  # no bidi control characters in cells
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = t.gettext("Kudos")[:31]
    _kudos(sheet, t, kudos, teams)
    _wins(workbook.create_sheet(t.gettext("Wins")[:31]), t, wins, teams, currency)
    _leaderboard(workbook.create_sheet(t.gettext("Leaderboard")[:31]), t, kudos, wins, people, teams)
    workbook.properties.title = t.gettext("Recognition")
    workbook.properties.creator = "salescoach"
    workbook.save(path_or_buffer)


def _kudos(ws: Worksheet, t: Translator, kudos: Sequence[Kudos], teams: Mapping[int, str]) -> None:
    from openpyxl.styles import Alignment

    headers = [t.gettext("Given at (UTC)"), t.gettext("Giver"), t.gettext("Receiver"), t.gettext("Receiver's team"),
               t.gettext("Value"), t.gettext("Message")]
    header(ws, headers)
    row = 2
    for k in kudos:
        for receiver in k.receivers:
            _datetime(ws.cell(row, 1), k.created_at)
            text(ws.cell(row, 2), k.giver.name)
            text(ws.cell(row, 3), receiver.name)
            text(ws.cell(row, 4), teams.get(receiver.team_id, ""))
            text(ws.cell(row, 5), f"#{k.value}" if k.value else "")
            text(ws.cell(row, 6), unescape(k.message))
            ws.cell(row, 6).alignment = Alignment(wrap_text=True, vertical="top")
            row += 1
    widths(ws, [17, 22, 22, 20, 16, 70], headers)


def _wins(ws: Worksheet, t: Translator, wins: Sequence[Win], teams: Mapping[int, str], currency: str) -> None:
    headers = [t.gettext("Closed on"), t.gettext("Recorded at (UTC)"), t.gettext("Rep"), t.gettext("Team"),
               t.gettext("Account"), t.gettext("Amount"), t.gettext("Currency"), t.gettext("Cycle days"),
               t.gettext("Source"), t.gettext("Deal id"), t.gettext("Notes")]
    header(ws, headers)
    for row, win in enumerate(wins, start=2):
        number(ws.cell(row, 1), win.occurred_on, DATE_FORMAT)
        _datetime(ws.cell(row, 2), win.recorded_at)
        text(ws.cell(row, 3), win.rep.name)
        text(ws.cell(row, 4), teams.get(win.rep.team_id, ""))
        text(ws.cell(row, 5), win.account or "")
        if win.amount is not None:
            number(ws.cell(row, 6), float(win.amount), MONEY_FORMAT)
        text(ws.cell(row, 7), win.currency or currency)
        if win.cycle_days is not None:
            number(ws.cell(row, 8), win.cycle_days, COUNT_FORMAT)
        text(ws.cell(row, 9), win.source)
        text(ws.cell(row, 10), win.deal_external_id or "")
        text(ws.cell(row, 11), win.notes or "")
    widths(ws, [12, 17, 22, 20, 28, 14, 9, 11, 9, 14, 40], headers)


def _leaderboard(ws: Worksheet, t: Translator, kudos: Sequence[Kudos], wins: Sequence[Win],
                 people: Sequence[Colleague], teams: Mapping[int, str]) -> None:
    headers = [t.gettext("Person"), t.gettext("Team"), t.gettext("Kudos received"), t.gettext("Kudos given"),
               t.gettext("Wins"), t.gettext("Won (CRM)")]
    header(ws, headers)
    received = Counter(r.person_id for k in kudos for r in k.receivers)
    given = Counter(k.giver.person_id for k in kudos)
    won = Counter(w.rep.person_id for w in wins)
    revenue: dict[int, float] = defaultdict(float)
    everyone = {p.person_id: p for p in people}
    for k in kudos:
        everyone.setdefault(k.giver.person_id, k.giver)
        everyone.update((r.person_id, r) for r in k.receivers if r.person_id not in everyone)
    for w in wins:
        everyone.setdefault(w.rep.person_id, w.rep)
        if w.counts_toward_quota:
            revenue[w.rep.person_id] += float(w.amount or 0.0)
    ranked = sorted(everyone.values(), key=lambda p: (-received[p.person_id], -won[p.person_id], p.name,
                                                      p.person_id))
    for row, person in enumerate(ranked, start=2):
        text(ws.cell(row, 1), person.name)
        text(ws.cell(row, 2), teams.get(person.team_id, ""))
        for column, value in ((3, received[person.person_id]), (4, given[person.person_id]),
                              (5, won[person.person_id])):
            number(ws.cell(row, column), value, COUNT_FORMAT)
        number(ws.cell(row, 6), revenue[person.person_id], MONEY_FORMAT)
    widths(ws, [24, 20, 15, 13, 8, 14], headers)





def _datetime(cell: Cell, moment: datetime) -> None:
    """Excel has no time zones: the UTC wall time, as the header says."""
    number(cell, moment.astimezone(UTC).replace(tzinfo=None), DATETIME_FORMAT)
