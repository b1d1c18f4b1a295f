"""The coaching pack workbook: a manager's team KPIs, one row per rep, the team's trend and each rep's focus.

Column names are stable (coaching.performance.kpis.KPI_NAMES); numbers are numbers formatted by unit, dates are dates.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from os import PathLike
from typing import IO, TYPE_CHECKING, Any

from bot.coaching.history import FocusRow, write_history
from bot.coaching.views import KPI_LABELS, reason_text
from bot.i18n import Translator
from bot.intel.sheet import write_intel
from bot.losses.sheet import write_losses
from bot.workbook_cells import DATE_FORMAT, DATETIME_FORMAT, MISSING, header, number, text, widths
from coaching.asks.service import Ask
from coaching.intel.service import Intel
from coaching.losses.reasons import LostDeal
from coaching.performance.definitions import KPI_BY_NAME, KPI_NAMES, KPIS, POTENTIAL_NOTE
from coaching.performance.diagnosis import Evidence, Finding
from coaching.performance.digest import Digest
from coaching.performance.kpis import Kpis
from coaching.periods import Period

if TYPE_CHECKING:  # openpyxl is imported by the functions that write, when a pack is written
    from openpyxl.chart import LineChart
    from openpyxl.worksheet.worksheet import Worksheet

SHEETS = ("Summary", "Reps", "Trends", "Focus", "Glossary", "History", "Losses", "Intel")
SUMMARY_HEADER = ("kpi", "unit", "team", "median_rep", "previous", "trend")
GLOSSARY_HEADER = ("kpi", "label", "unit", "rounding", "better", "source", "roles", "definition")
REPS_HEADER = ("rep", "email", *KPI_NAMES)
TRENDS_HEADER = ("period", "start", "end", *KPI_NAMES)
FOCUS_HEADER = ("rep", "email", "role", "status", "closed_deals", "rule_id", "kind", "focus", "reason", "evidence",
                "value", "median", "limit", "own_average")
CHARTED = ("revenue_won", "win_rate")  # left blank when unknown, so a chart shows a gap and not a made-up zero
TREND_COLOURS = {"better": "1E7B34", "worse": "C0392B", "same": "666666"}


@dataclass(frozen=True)
class PackPerson:
    person_id: int
    name: str
    email: str


def write_coaching_workbook(out: str | PathLike[str] | IO[bytes], t: Translator, *, manager: PackPerson,
                            digest: Digest, trend: Sequence[tuple[Period, Kpis]], people: Mapping[int, PackPerson],
                            generated_at: datetime, currency: str | None = None, asks: Sequence[Ask] = (),
                            deals: Mapping[int, str] | None = None, focuses: Sequence[FocusRow] = (),
                            losses: Sequence[LostDeal] = (), intel: Sequence[Intel] = ()) -> None:
    """Write Summary (team KPIs and what the pack covers), Reps (with a bar chart of revenue won), Trends (the
    team's KPIs period by period, with a line chart), Focus (each rep's diagnosis, one row per evidence),
    Glossary (how each figure is computed), History (the teams' focuses and the reps' asks for help,
    bot.coaching.history), Losses (why the period's deals were lost, bot.losses.sheet) and Intel (the period's
    /intel items, bot.intel.sheet). Every KPI has the unit and rounding Slack shows; unknown is "–"."""
    from openpyxl import Workbook

    reps = sorted(digest.reps, key=lambda p: (_person(people, p).name.lower(), p))
    t = t.for_files()  # no bidi control characters in cells
    workbook = Workbook()
    summary = workbook.active
    assert summary is not None
    summary.title = SHEETS[0]
    _summary(summary, manager=manager, digest=digest, generated_at=generated_at, currency=currency)
    _reps(workbook.create_sheet(SHEETS[1]), digest, reps, people)
    _trends(workbook.create_sheet(SHEETS[2]), trend)
    _focus(workbook.create_sheet(SHEETS[3]), t, digest, reps, people, currency or "")
    _glossary(workbook.create_sheet(SHEETS[4]), t)
    write_history(workbook.create_sheet(SHEETS[5]), t, asks=asks, focuses=focuses, deals=deals or {},
                  people={p: (person.name, person.email) for p, person in people.items()})
    write_losses(workbook.create_sheet(SHEETS[6]), deals=losses,
                 people={p: (person.name, person.email) for p, person in people.items()},
                 currency_format=excel_format("revenue_won"))
    write_intel(workbook.create_sheet(SHEETS[7]), t, intel)
    workbook.properties.title = f"Coaching pack: {manager.name}, {digest.period.key}"
    workbook.properties.creator = "salescoach"
    workbook.save(out)


def _summary(ws: Worksheet, *, manager: PackPerson, digest: Digest, generated_at: datetime,
             currency: str | None) -> None:
    from openpyxl.styles import Font

    header(ws, SUMMARY_HEADER)
    for row, line in enumerate(digest.overview, start=2):
        text(ws.cell(row, 1), line.name)
        text(ws.cell(row, 2), line.unit)
        for column, value in ((3, line.value), (4, line.median), (5, line.previous)):
            kpi_cell(ws.cell(row, column), line.name, value)
        if line.verdict is not None:
            text(ws.cell(row, 6), line.verdict)
            ws.cell(row, 6).font = Font(color=TREND_COLOURS[line.verdict])
    about: list[tuple[str, Any, str | None]] = [
        ("manager", manager.name, None), ("email", manager.email, None), ("period", digest.period.key, None),
        ("start", digest.period.start, DATE_FORMAT), ("end", digest.period.last_day, DATE_FORMAT),
        ("reps", len(digest.reps), "0"),
        ("generated_at", generated_at.astimezone(UTC).replace(tzinfo=None), DATETIME_FORMAT),
    ]
    if currency:
        about.append(("currency", currency, None))
    for row, (label, value, number_format) in enumerate(about, start=1):
        text(ws.cell(row, 9), label)
        ws.cell(row, 9).font = Font(bold=True)
        if number_format is None:
            text(ws.cell(row, 10), str(value))
        else:
            number(ws.cell(row, 10), value, number_format)
    widths(ws, [30, 9, 14, 14, 14, 8, 2, 2, 14, 22])


def _reps(ws: Worksheet, digest: Digest, reps: Sequence[int], people: Mapping[int, PackPerson]) -> None:
    from openpyxl.chart import BarChart, Reference

    header(ws, REPS_HEADER, freeze="C2")
    for row, person_id in enumerate(reps, start=2):
        person = _person(people, person_id)
        text(ws.cell(row, 1), person.name)
        text(ws.cell(row, 2), person.email)
        for column, line in enumerate(digest.views[person_id].lines, start=3):
            kpi_cell(ws.cell(row, column), line.name, line.value, blank=line.name in CHARTED)
    widths(ws, [24, 30, *(max(10, len(name) + 2) for name in KPI_NAMES)])
    if reps:
        column = REPS_HEADER.index("revenue_won") + 1
        chart = BarChart()
        chart.type = "bar"  # horizontal: rep names stay readable
        chart.title = "revenue_won"
        chart.add_data(Reference(ws, min_col=column, min_row=1, max_row=len(reps) + 1), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=len(reps) + 1))
        chart.y_axis.number_format = excel_format("revenue_won")
        chart.x_axis.scaling.orientation = "maxMin"  # first rep on top, as in the table
        _keep_axes(chart.x_axis, chart.y_axis)
        chart.legend = None
        chart.width, chart.height = 18, max(7.5, 0.6 * len(reps) + 3)
        ws.add_chart(chart, f"A{len(reps) + 4}")


def _trends(ws: Worksheet, trend: Sequence[tuple[Period, Kpis]]) -> None:
    header(ws, TRENDS_HEADER)
    for row, (period, kpis) in enumerate(trend, start=2):
        text(ws.cell(row, 1), period.key)
        number(ws.cell(row, 2), period.start, DATE_FORMAT)
        number(ws.cell(row, 3), period.last_day, DATE_FORMAT)
        for column, name in enumerate(KPI_NAMES, start=4):
            kpi_cell(ws.cell(row, column), name, kpis.value(name), blank=name in CHARTED)
    widths(ws, [10, 12, 12, *(max(10, len(name) + 2) for name in KPI_NAMES)])
    if trend:
        ws.add_chart(_trend_chart(ws, len(trend)), f"A{len(trend) + 4}")


def _trend_chart(ws: Worksheet, count: int) -> LineChart:
    """Revenue won on the left axis, win rate on the right, periods along the bottom; unknown values are gaps."""
    from openpyxl.chart import LineChart, Reference

    periods = Reference(ws, min_col=1, min_row=2, max_row=count + 1)
    revenue = LineChart()
    revenue.title = "revenue_won, win_rate"
    revenue.add_data(Reference(ws, min_col=TRENDS_HEADER.index("revenue_won") + 1, min_row=1, max_row=count + 1),
                     titles_from_data=True)
    revenue.set_categories(periods)
    revenue.y_axis.title = "revenue_won"
    revenue.y_axis.number_format = excel_format("revenue_won")
    revenue.y_axis.scaling.min = 0
    rate = LineChart()
    rate.add_data(Reference(ws, min_col=TRENDS_HEADER.index("win_rate") + 1, min_row=1, max_row=count + 1),
                  titles_from_data=True)
    rate.set_categories(periods)
    rate.y_axis.axId = 200
    rate.y_axis.crosses = "max"
    rate.y_axis.title = "win_rate"
    rate.y_axis.number_format = "0%"
    rate.y_axis.scaling.min, rate.y_axis.scaling.max = 0, 1
    rate.y_axis.majorGridlines = None
    _keep_axes(revenue.x_axis, revenue.y_axis, rate.y_axis)
    for series in (*revenue.series, *rate.series):
        series.marker.symbol = "circle"
        series.smooth = False
    revenue.display_blanks = "gap"
    revenue += rate
    revenue.legend.position = "b"
    revenue.width, revenue.height = 18, 9
    return revenue


def _focus(ws: Worksheet, t: Translator, digest: Digest, reps: Sequence[int],
           people: Mapping[int, PackPerson], currency: str) -> None:
    """One row per piece of evidence of each finding; a rep without findings still gets a row with the status."""
    header(ws, FOCUS_HEADER, freeze="C2")
    row = 2
    for person_id in reps:
        person, diagnosis = _person(people, person_id), digest.views[person_id].diagnosis
        findings: list[tuple[Finding | None, Evidence | None]] = [
            (f, e) for f in diagnosis.findings for e in (f.evidence or (None,))] or [(None, None)]
        for finding, evidence in findings:
            for column, label in enumerate((person.name, person.email, diagnosis.role, diagnosis.status), start=1):
                text(ws.cell(row, column), label)
            number(ws.cell(row, 5), diagnosis.closed_deals, "0")
            if finding is not None:
                for column, label in enumerate((finding.rule_id, finding.kind, t.gettext(finding.focus),
                                                reason_text(t, finding, currency, digest.sources)), start=6):
                    text(ws.cell(row, column), label)
            if evidence is not None:
                text(ws.cell(row, 10), evidence.name)
                for column, value in ((11, evidence.value), (12, evidence.median), (13, evidence.limit),
                                      (14, evidence.own_average)):
                    kpi_cell(ws.cell(row, column), evidence.name, value)
            row += 1
    widths(ws, [24, 30, 6, 16, 12, 30, 11, 50, 60, 30, 12, 12, 12, 12])


def _glossary(ws: Worksheet, t: Translator) -> None:
    """How each figure is computed, in the reader's language, with its unit, rounding and the data it needs."""
    header(ws, GLOSSARY_HEADER, freeze="B2")
    for row, kpi in enumerate(KPIS, start=2):
        rounding = f"{kpi.decimals} decimal(s), half away from zero"
        cells = (kpi.name, t.gettext(KPI_LABELS[kpi.name]), kpi.unit, rounding,
                 "" if kpi.better is None else kpi.better, kpi.source, ", ".join(kpi.roles), t.gettext(kpi.definition))
        for column, value in enumerate(cells, start=1):
            text(ws.cell(row, column), value)
    notes = (t.gettext(POTENTIAL_NOTE),
             t.gettext("A dash (–) means the data to compute the figure is missing or the period is before the "
                       "data begins; it is never a zero. In charted columns the cell is left blank instead, so the "
                       "chart shows a gap."),
             t.gettext("Trend: better, worse or same against the period before, by the KPI's own direction (a "
                       "shorter sales cycle is better)."),
             t.gettext("Focus sheet: median is the median of peers in the same team and role; limit is what the "
                       "value was held against (a multiple of that median, a target, or the coverage needed to "
                       "reach quota at the rep's win rate); own_average is the rep's own average of the last "
                       "three periods."))
    for offset, note in enumerate(notes, start=len(KPIS) + 3):
        text(ws.cell(offset, 1), note)
    widths(ws, [30, 30, 9, 30, 8, 18, 10, 100])


def excel_format(name: str) -> str:
    """The Excel number format of a KPI: its unit, at the decimals Slack shows (Excel also rounds half away
    from zero); a multiple reads "1.4×", never a percent."""
    kpi = KPI_BY_NAME.get(name)
    if kpi is None:
        return "0"
    digits = "." + "0" * kpi.decimals if kpi.decimals else ""
    return {"count": f"#,##0{digits}", "money": f"#,##0{digits}", "percent": f"0{digits}%",
            "multiple": f'0{digits}"×"', "days": f"0{digits}"}[kpi.unit]


def kpi_cell(cell: Any, name: str, value: float | None, *, blank: bool = False) -> None:
    """A KPI value as a number in its format; unknown is "–" (or blank in a charted column), never 0."""
    from openpyxl.styles import Alignment

    if value is None:
        if not blank:
            text(cell, MISSING)
            cell.alignment = Alignment(horizontal="right")
        return
    number(cell, value, excel_format(name))


def _person(people: Mapping[int, PackPerson], person_id: int) -> PackPerson:
    return people.get(person_id) or PackPerson(person_id, f"person {person_id}", "")


def _keep_axes(*axes: Any) -> None:
    for axis in axes:
        axis.delete = False  # recent Excel hides axes that are not explicitly kept
