"""The survey export: real dates and numbers, withheld rounds without figures, a native chart, no tokens."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from bot.i18n import Translator
from bot.surveys.workbook import write_survey_workbook
from surveys.results import RoundSummary, summarize_round

QUESTIONS = ["enps", "recognition", "feedback"]
TOKEN_PREFIX = "rt-9f3c"


def _round(respondents: int, *, invited: int = 8, enps_values: list[int] | None = None,
           feedback_answers: int | None = None) -> RoundSummary:
    enps_values = enps_values or [10, 9, 8, 6, 9, 10, 7, 3][:respondents]
    rows: list[tuple[str, str, int | None, str | None]] = []
    for i in range(respondents):
        token = f"{TOKEN_PREFIX}{i:04d}"
        rows.append((token, "enps", enps_values[i % len(enps_values)], None))
        rows.append((token, "recognition", 3 + i % 3, "great team" if i == 0 else None))
        answered_feedback = feedback_answers is None or i < feedback_answers
        rows.append((token, "feedback", 4 if answered_feedback else None, None))
    return summarize_round(question_ids=QUESTIONS, answers=rows, invited=invited, threshold=5)


ROUNDS = [
    (date(2026, 1, 6), _round(6)),
    (date(2026, 1, 20), _round(3)),  # withheld: fewer than 5 respondents
    (date(2026, 2, 3), _round(7, feedback_answers=2)),  # feedback withheld on its own
]


@pytest.fixture
def workbook_bytes() -> bytes:
    buffer = io.BytesIO()
    write_survey_workbook(buffer, Translator("en"), team="Sales East", rounds=ROUNDS, threshold=5)
    return buffer.getvalue()


def _open(data: bytes):
    return load_workbook(io.BytesIO(data))


def test_summary_has_one_row_per_round_with_real_dates(workbook_bytes):
    ws = _open(workbook_bytes)["Summary"]
    dates = [ws.cell(row, 1).value for row in range(2, 5)]
    assert dates == [datetime(2026, 1, 6), datetime(2026, 1, 20), datetime(2026, 2, 3)]
    assert all(ws.cell(row, 1).is_date for row in range(2, 5))
    assert ws.cell(5, 1).value is None


def test_response_rates_are_numbers_with_a_percent_format(workbook_bytes):
    ws = _open(workbook_bytes)["Summary"]
    rates = [ws.cell(row, 4) for row in range(2, 5)]
    assert [cell.value for cell in rates] == [pytest.approx(6 / 8), pytest.approx(3 / 8), pytest.approx(7 / 8)]
    assert all(isinstance(cell.value, float) and "%" in cell.number_format for cell in rates)


def test_enps_split_is_written_as_numbers_for_a_shown_round(workbook_bytes):
    ws = _open(workbook_bytes)["Summary"]
    assert [ws.cell(2, column).value for column in range(2, 9)] == [8, 6, pytest.approx(0.75), 50, 4, 1, 1]
    assert ws.cell(2, 9).value is None


def test_withheld_round_shows_withheld_and_no_figures(workbook_bytes):
    book = _open(workbook_bytes)
    summary = book["Summary"]
    assert [summary.cell(3, column).value for column in range(5, 9)] == [None, None, None, None]
    assert "withheld" in summary.cell(3, 9).value
    questions = book["Questions"]
    assert [questions.cell(row, 4).value for row in range(2, 5)] == ["withheld"] * 3


def test_questions_sheet_lists_ids_text_and_averages_to_one_decimal(workbook_bytes):
    ws = _open(workbook_bytes)["Questions"]
    assert [ws.cell(row, 1).value for row in range(2, 5)] == QUESTIONS
    assert ws.cell(3, 2).value == "I get recognised when I do good work."
    assert ws.cell(1, 3).value == datetime(2026, 1, 6)
    assert ws.cell(3, 5).value == 3.9 and ws.cell(3, 5).number_format == "0.0"  # 27 / 7 = 3.857...
    assert ws.cell(2, 3).value == 50  # the eNPS row holds the score
    assert ws.cell(4, 5).value == "withheld"  # feedback had only two answers in the third round
    assert ws.cell(4, 3).value == 4


def test_summary_sheet_carries_a_native_line_chart():
    buffer = io.BytesIO()
    write_survey_workbook(buffer, Translator("en"), team="Sales East", rounds=ROUNDS, threshold=5)
    book = load_workbook(io.BytesIO(buffer.getvalue()))
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        chart_parts = [name for name in archive.namelist() if name.startswith("xl/charts/chart")]
        chart_xml = archive.read(chart_parts[0]).decode()
    assert len(chart_parts) == 1
    assert chart_xml.count("<lineChart>") == 2  # eNPS and response rate, each on its own value axis
    assert "'Summary'!$E$2:$E$4" in chart_xml and "'Summary'!$D$2:$D$4" in chart_xml
    assert "'Summary'!$A$2:$A$4" in chart_xml  # categories are the round dates
    assert book["Summary"].freeze_panes == "A2" and book["Questions"].freeze_panes == "A2"


def test_chart_survives_a_reload_on_the_summary_sheet(workbook_bytes):
    book = _open(workbook_bytes)
    assert len(book["Summary"]._charts) == 1
    assert book["Questions"]._charts == []


def test_no_part_of_the_file_contains_respondent_tokens_or_comments(workbook_bytes):
    with zipfile.ZipFile(io.BytesIO(workbook_bytes)) as archive:
        text = "".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    assert TOKEN_PREFIX not in text
    assert "great team" not in text
    values = [str(cell.value) for ws in _open(workbook_bytes) for row in ws.iter_rows() for cell in row]
    assert not any(TOKEN_PREFIX in value for value in values)


def test_a_lower_threshold_in_a_summary_does_not_lower_the_exports(workbook_bytes):
    lenient = summarize_round(question_ids=["enps"], invited=4, threshold=2,
                              answers=[(f"{TOKEN_PREFIX}{i}", "enps", 9, None) for i in range(3)])
    buffer = io.BytesIO()
    write_survey_workbook(buffer, Translator("en"), team="T", rounds=[(date(2026, 3, 3), lenient)], threshold=5)
    ws = _open(buffer.getvalue())["Summary"]
    assert [ws.cell(2, column).value for column in range(5, 9)] == [None] * 4
    assert "withheld" in ws.cell(2, 9).value


def test_calamine_reads_the_same_figures(workbook_bytes):
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(workbook_bytes)).get_sheet_by_name("Summary").to_python()
    assert sheet[1][0] == date(2026, 1, 6)
    assert sheet[1][3] == pytest.approx(0.75)
    assert sheet[2][4] == ""


@pytest.mark.parametrize("language", ["fa", "zh", "lt"])
def test_other_languages_write_a_workbook_that_reopens(language, tmp_path):
    path = tmp_path / "survey.xlsx"
    write_survey_workbook(path, Translator(language), team="فروش شرق", rounds=ROUNDS, threshold=5)
    book = load_workbook(path)
    t = Translator(language).for_files()
    assert book.sheetnames == [t.gettext("Summary"), t.gettext("Questions")]
    assert book.properties.title == t.gettext("Pulse results for {team}", team="فروش شرق")
    assert "فروش شرق" in book.properties.title
    summary = book[t.gettext("Summary")]
    assert summary.cell(2, 4).value == pytest.approx(6 / 8) and summary.cell(2, 5).value == 50  # still numbers
    assert summary.cell(3, 9).value == t.gettext("withheld (fewer than {k} answers)", k=t.number(5))
    with zipfile.ZipFile(path) as archive:  # cells, sheet names, chart titles, properties
        text = "".join(archive.read(name).decode("utf-8") for name in archive.namelist() if name.endswith(".xml"))
    assert not any(mark in text for mark in ("\u200f", "\u2068", "\u2069")), "bidi marks in the workbook"


def test_an_export_without_rounds_still_reopens(tmp_path):
    path = tmp_path / "empty.xlsx"
    write_survey_workbook(path, Translator("en"), team="T", rounds=[], threshold=5)
    ws = load_workbook(path)["Summary"]
    assert ws.cell(1, 1).value == "Round" and ws.max_row == 1
