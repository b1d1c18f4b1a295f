"""The coaching pack workbook: a manager's team KPIs, one row per rep, the team's trend and each rep's focus.

Column names are stable (coaching.performance.kpis.KPI_NAMES); numbers are numbers formatted by unit, dates are dates.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from os import PathLike
from typing import IO, TYPE_CHECKING, Any

from bot.i18n import Translator
from bot.workbook_cells import header, number, text, widths
from coaching.performance.diagnosis import Evidence, Finding
from coaching.performance.digest import Digest
from coaching.performance.kpis import KPI_BY_NAME, KPI_NAMES, Kpis
from coaching.periods import Period

if TYPE_CHECKING:  # openpyxl is imported by the functions that write, when a pack is written
    from openpyxl.chart import LineChart
    from openpyxl.worksheet.worksheet import Worksheet

SHEETS = ("Summary", "Reps", "Trends", "Focus")
SUMMARY_HEADER = ("kpi", "unit", "team", "median_rep", "previous", "trend", "good_news")
REPS_HEADER = ("rep", "email", *KPI_NAMES)
TRENDS_HEADER = ("period", "start", "end", *KPI_NAMES)
FOCUS_HEADER = ("rep", "email", "status", "closed_deals", "rule_id", "kind", "focus", "evidence", "value",
                "median", "limit")
FORMATS = {"count": "#,##0", "money": "#,##0", "ratio": "0.0%", "days": "0.0"}
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


@dataclass(frozen=True)
class PackPerson:
    person_id: int
    name: str
    email: str


def write_coaching_workbook(out: str | PathLike[str] | IO[bytes], t: Translator, *, manager: PackPerson,
                            digest: Digest, trend: Sequence[tuple[Period, Kpis]], people: Mapping[int, PackPerson],
                            generated_at: datetime, currency: str | None = None) -> None:
    """Write Summary (team KPIs and what the pack covers), Reps (with a bar chart of revenue won), Trends (the
    team's KPIs period by period, with a line chart) and Focus (each rep's diagnosis, one row per evidence)."""
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
    _focus(workbook.create_sheet(SHEETS[3]), t, digest, reps, people)
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
            number(ws.cell(row, column), value, FORMATS[line.unit])
        if line.arrow is not None:
            text(ws.cell(row, 6), line.arrow)
        if line.good is not None:
            ws.cell(row, 7).value = line.good
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
    widths(ws, [30, 8, 14, 14, 14, 7, 11, 2, 14, 22])


def _reps(ws: Worksheet, digest: Digest, reps: Sequence[int], people: Mapping[int, PackPerson]) -> None:
    from openpyxl.chart import BarChart, Reference
    header(ws, REPS_HEADER, freeze="C2")
    for row, person_id in enumerate(reps, start=2):
        person = _person(people, person_id)
        text(ws.cell(row, 1), person.name)
        text(ws.cell(row, 2), person.email)
        for column, line in enumerate(digest.views[person_id].lines, start=3):
            number(ws.cell(row, column), line.value, FORMATS[line.unit])
    widths(ws, [24, 30, *(max(10, len(name) + 2) for name in KPI_NAMES)])
    if reps:
        column = REPS_HEADER.index("revenue_won") + 1
        chart = BarChart()
        chart.type = "bar"  # horizontal: rep names stay readable
        chart.title = "revenue_won"
        chart.add_data(Reference(ws, min_col=column, min_row=1, max_row=len(reps) + 1), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=len(reps) + 1))
        chart.y_axis.number_format = FORMATS["money"]
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
            number(ws.cell(row, column), kpis.value(name), FORMATS[KPI_BY_NAME[name].unit])
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
    revenue.y_axis.number_format = FORMATS["money"]
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
           people: Mapping[int, PackPerson]) -> None:
    """One row per piece of evidence of each finding; a rep without findings still gets a row with the status."""
    header(ws, FOCUS_HEADER, freeze="C2")
    row = 2
    for person_id in reps:
        person, diagnosis = _person(people, person_id), digest.views[person_id].diagnosis
        findings: list[tuple[Finding | None, Evidence | None]] = [
            (f, e) for f in diagnosis.findings for e in (f.evidence or (None,))] or [(None, None)]
        for finding, evidence in findings:
            text(ws.cell(row, 1), person.name)
            text(ws.cell(row, 2), person.email)
            text(ws.cell(row, 3), diagnosis.status)
            number(ws.cell(row, 4), diagnosis.closed_deals, "0")
            if finding is not None:
                text(ws.cell(row, 5), finding.rule_id)
                text(ws.cell(row, 6), finding.kind)
                text(ws.cell(row, 7), t.gettext(finding.focus))
            if evidence is not None:
                kpi = KPI_BY_NAME.get(evidence.name)
                number_format = FORMATS[kpi.unit] if kpi else "0"
                text(ws.cell(row, 8), evidence.name)
                for column, value in ((9, evidence.value), (10, evidence.median), (11, evidence.limit)):
                    number(ws.cell(row, column), value, number_format)
            row += 1
    widths(ws, [24, 30, 16, 12, 30, 11, 60, 30, 12, 12, 12])


def _person(people: Mapping[int, PackPerson], person_id: int) -> PackPerson:
    return people.get(person_id) or PackPerson(person_id, f"person {person_id}", "")


def _keep_axes(*axes: Any) -> None:
    for axis in axes:
        axis.delete = False  # recent Excel hides axes that are not explicitly kept
