"""The survey export: one workbook per team with round figures, question averages and a native chart.

Only what summarize_round let through is written; no respondent tokens, names or answer times.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from os import PathLike
from typing import IO, TYPE_CHECKING

from bot.i18n import Translator
from bot.workbook_cells import header, number, text, widths
from surveys.questions import STARTER, QuestionBank
from surveys.results import Enps, QuestionResult, RoundSummary

if TYPE_CHECKING:  # openpyxl is imported by the functions that write, when an export is written
    from openpyxl.cell import Cell
    from openpyxl.chart import LineChart
    from openpyxl.worksheet.worksheet import Worksheet

DATE_FORMAT = "yyyy-mm-dd"
PERCENT_FORMAT = "0%"
AVERAGE_FORMAT = "0.0"
SIGNED_FORMAT = "+0;-0;0"
_SHEET_NAME_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})


def write_survey_workbook(path_or_buffer: str | PathLike[str] | IO[bytes], t: Translator, *, team: str,
                          rounds: Sequence[tuple[date, RoundSummary]], threshold: int,
                          bank: QuestionBank = STARTER) -> None:
    """Write the workbook: a Summary sheet (one row per round, with the chart) and a Questions sheet.

    A round, question or eNPS split over fewer than `threshold` respondents (or withheld by its summary)
    is written as blank cells and the word "withheld", never as figures.
    """
    from openpyxl import Workbook

    ordered = sorted(rounds, key=lambda item: item[0])
    t = t.for_files()  # no bidi control characters in cells
    workbook = Workbook()
    summary_sheet = workbook.active
    assert summary_sheet is not None
    summary_sheet.title = _sheet_name(t.gettext("Summary"))
    _write_summary(summary_sheet, t, ordered, threshold)
    _write_questions(workbook.create_sheet(_sheet_name(t.gettext("Questions"))), t, ordered, threshold, bank)
    if ordered:
        summary_sheet.add_chart(_trend_chart(t, summary_sheet, team, len(ordered)), "K2")
    workbook.properties.title = t.gettext("Pulse results for {team}", team=team)
    workbook.properties.creator = "salescoach"
    workbook.save(path_or_buffer)  # a path or a binary buffer


def _withheld_round(summary: RoundSummary, threshold: int) -> bool:
    return summary.withheld or summary.respondents < threshold


def _shown_enps(summary: RoundSummary, threshold: int) -> Enps | None:
    if _withheld_round(summary, threshold):
        return None
    enps = next((r.enps for r in summary.questions if r.enps is not None), None)
    return enps if enps is not None and enps.total >= threshold else None


def _asked_enps(summary: RoundSummary) -> bool:
    return any(r.question_id == "enps" for r in summary.questions)


def _write_summary(ws: Worksheet, t: Translator, rounds: Sequence[tuple[date, RoundSummary]],
                   threshold: int) -> None:
    headers = [t.gettext("Round"), t.gettext("Invited"), t.gettext("Respondents"), t.gettext("Response rate"),
               t.gettext("eNPS"), t.gettext("Promoters"), t.gettext("Passives"), t.gettext("Detractors"),
               t.gettext("Note")]
    header(ws, headers)
    withheld_note = t.gettext("withheld (fewer than {k} answers)", k=t.number(threshold))
    for row, (when, summary) in enumerate(rounds, start=2):
        number(ws.cell(row, 1), when, DATE_FORMAT)
        number(ws.cell(row, 2), summary.invited, "0")
        number(ws.cell(row, 3), summary.respondents, "0")
        if summary.invited:
            number(ws.cell(row, 4), float(summary.response_rate), PERCENT_FORMAT)
        enps = _shown_enps(summary, threshold)
        if enps is not None:
            number(ws.cell(row, 5), enps.score, SIGNED_FORMAT)
            for column, count in ((6, enps.promoters), (7, enps.passives), (8, enps.detractors)):
                number(ws.cell(row, column), count, "0")
        elif _withheld_round(summary, threshold) or _asked_enps(summary):
            text(ws.cell(row, 9), withheld_note)
    widths(ws, [12, 10, 12, 14, 8, 11, 10, 11, 34], headers)


def _write_questions(ws: Worksheet, t: Translator, rounds: Sequence[tuple[date, RoundSummary]],
                     threshold: int, bank: QuestionBank) -> None:
    from openpyxl.styles import Alignment, Font

    asked = {r.question_id for _, summary in rounds for r in summary.questions}
    bank_ids = [q.id for q in bank if not q.custom]
    question_ids = [qid for qid in bank_ids if qid in asked] + sorted(asked - set(bank_ids))
    if any(_withheld_round(summary, threshold) for _, summary in rounds) and not question_ids:
        question_ids = bank_ids  # only withheld rounds: we cannot know what was asked, so list the bank
    header(ws, [t.gettext("Question id"), t.gettext("Question")])
    for column, (when, _) in enumerate(rounds, start=3):
        number(ws.cell(1, column), when, DATE_FORMAT)
        ws.cell(1, column).font = Font(bold=True)
    withheld = t.gettext("withheld")
    for row, qid in enumerate(question_ids, start=2):
        q = bank.get(qid)
        text(ws.cell(row, 1), qid)
        text(ws.cell(row, 2), (q.text if q.custom else t.gettext(q.text)) if q is not None else qid)
        ws.cell(row, 2).alignment = Alignment(wrap_text=True, vertical="top")
        for column, (_, summary) in enumerate(rounds, start=3):
            result = next((r for r in summary.questions if r.question_id == qid), None)
            cell = ws.cell(row, column)
            if _withheld_round(summary, threshold):
                text(cell, withheld)
            elif result is not None:
                _question_cell(cell, result, threshold, withheld, q.options if q else ())
    widths(ws, [18, 60, *([12] * len(rounds))], [])


def _question_cell(cell: Cell, result: QuestionResult, threshold: int, withheld: str,
                   options: Sequence[str] = ()) -> None:
    if result.enps is not None and result.enps.total >= threshold:
        number(cell, result.enps.score, SIGNED_FORMAT)
    elif result.average is not None and result.answers >= threshold:
        number(cell, round(result.average, 1), AVERAGE_FORMAT)
    elif result.distribution and result.kind == "choice" and result.answers >= threshold:
        text(cell, " · ".join(f"{options[value] if value < len(options) else value}: {n}"
                              for value, n in result.distribution))
    elif result.texts and result.answers >= threshold:
        number(cell, len(result.texts), "0")
    else:
        text(cell, withheld)


def _trend_chart(t: Translator, ws: Worksheet, team: str, count: int) -> LineChart:
    """eNPS on the left axis, response rate on the right, rounds by date; withheld rounds are gaps."""
    from openpyxl.chart import LineChart, Reference
    from openpyxl.chart.axis import DateAxis

    dates = Reference(ws, min_col=1, min_row=2, max_row=count + 1)
    enps = LineChart()
    enps.title = t.gettext("eNPS and response rate for {team}", team=team)
    enps.add_data(Reference(ws, min_col=5, min_row=1, max_row=count + 1), titles_from_data=True)
    enps.set_categories(dates)
    enps.y_axis.title = t.gettext("eNPS")
    enps.y_axis.scaling.min, enps.y_axis.scaling.max = -100, 100
    enps.y_axis.number_format = SIGNED_FORMAT
    enps.x_axis = DateAxis(crossAx=100, axPos="b", tickLblPos="low")  # dates below the plot, not at eNPS 0
    enps.x_axis.number_format = DATE_FORMAT
    enps.x_axis.majorTimeUnit = "days"
    enps.y_axis.crossAx = 500
    rate = LineChart()
    rate.add_data(Reference(ws, min_col=4, min_row=1, max_row=count + 1), titles_from_data=True)
    rate.set_categories(dates)
    rate.x_axis = enps.x_axis  # one shared date axis (axId 500)
    rate.y_axis.axId = 200
    rate.y_axis.crossAx = 500
    rate.y_axis.crosses = "max"
    rate.y_axis.axPos = "r"
    rate.y_axis.title = t.gettext("Response rate")
    rate.y_axis.scaling.min, rate.y_axis.scaling.max = 0, 1
    rate.y_axis.number_format = PERCENT_FORMAT
    rate.y_axis.majorGridlines = None
    for axis in (enps.x_axis, enps.y_axis, rate.y_axis):
        axis.delete = False  # recent Excel hides axes that are not explicitly kept
    for series in (*enps.series, *rate.series):
        series.marker.symbol = "circle"
        series.smooth = False
    enps.display_blanks = "gap"
    enps += rate
    enps.legend.position = "b"
    enps.width, enps.height = 18, 9
    return enps






def _sheet_name(name: str) -> str:
    return name.translate(_SHEET_NAME_FORBIDDEN).strip()[:31] or "Sheet"
