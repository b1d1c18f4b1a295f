"""Every importer (`salescoach import roster|deals|accounts|activities|quotas|leads`) refuses an absurd file in one
line naming the file, the place and what is allowed, with exit status 2, before it allocates the rows, and
writes nothing: too many columns, too long a cell, more rows than SALESCOACH_IMPORT_MAX_ROWS, a far-flung cell,
a zip bomb or a workbook that lies about its sizes."""

from __future__ import annotations

import csv
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from conftest import seed_team
from sqlalchemy import func, select

from bot.cli.main import main
from storage.crm.models import CrmAccount, CrmActivity, CrmDeal, CrmLead, CrmQuota
from storage.db import make_engine, make_sessions
from storage.models import ImportRun, Person

ROOT = Path(__file__).resolve().parents[2]
HEADERS = {
    "roster": ["email", "name", "team", "manager_email", "role"],
    "deals": ["external_id", "owner", "stage", "closed_on"],
    "accounts": ["name", "sector"],
    "activities": ["owner", "day", "kind"],
    "quotas": ["owner", "period_start", "amount"],
    "leads": ["external_id", "owner"],
}
ROW = {
    "roster": lambda i: [f"new{i}@example.com", f"New {i}", "Hunters", "maria@example.com", "rep"],
    "deals": lambda i: [f"D-{i}", "rep0@example.com", "open", ""],
    "accounts": lambda i: [f"Account {i}", "Retail"],
    "activities": lambda i: ["rep0@example.com", "2026-11-02", "call"],
    "quotas": lambda i: ["rep0@example.com", f"2026-{i % 12 + 1:02}-01", 1000],
    "leads": lambda i: [f"L-{i}", "rep0@example.com"],
}
KINDS = list(HEADERS)


@pytest.fixture
def db(cli_database, monkeypatch):
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9/api/")
    engine = make_engine(cli_database)
    sessions = make_sessions(engine)
    with sessions.begin() as s:
        seed_team(s, reps=3, slack_ids=False)
    yield sessions
    engine.dispose()


def stored(sessions) -> tuple[int, ...]:
    with sessions.begin() as s:
        return tuple(s.scalar(select(func.count()).select_from(m)) or 0
                     for m in (Person, CrmDeal, CrmAccount, CrmActivity, CrmQuota, CrmLead, ImportRun))


def refused(kind: str, path: Path, capsys) -> str:
    """Run the import; it must exit 2 with exactly one line on stderr and nothing on stdout; that line."""
    status = main(["import", kind, str(path), *(["--offline"] if kind == "roster" else [])])
    out, err = capsys.readouterr()
    assert (status, out) == (2, ""), err[:500]
    assert len(err.splitlines()) == 1, err[:500]
    return err.strip()


def write_csv(path: Path, rows) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    return path


def write_xlsx(path: Path, rows) -> Path:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Data")
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def table(kind: str, rows: int, *, extra: int = 0) -> list[list[object]]:
    header = HEADERS[kind] + [f"extra_{i}" for i in range(extra)]
    return [header] + [ROW[kind](i) + [""] * extra for i in range(rows)]


@pytest.mark.parametrize("kind", KINDS)
def test_a_csv_with_50000_columns_is_refused_in_one_line(db, tmp_path, capsys, kind):
    before = stored(db)
    line = refused(kind, write_csv(tmp_path / "wide.csv", table(kind, 1, extra=50_000 - len(HEADERS[kind]))), capsys)
    assert line == (f"salescoach: {tmp_path}/wide.csv:1: 50,000 columns; expected at most 16,384 (as in Excel); "
                    "nothing was imported")
    assert stored(db) == before


@pytest.mark.parametrize("kind", ["roster", "accounts"])
def test_an_xlsx_one_column_wider_than_excel_is_refused_in_one_line(db, tmp_path, capsys, kind):
    before = stored(db)
    line = refused(kind, write_xlsx(tmp_path / "wide.xlsx", table(kind, 1, extra=16_385 - len(HEADERS[kind]))),
                   capsys)
    assert line == (f"salescoach: {tmp_path}/wide.xlsx: 16,385 columns; expected at most 16,384 (as in Excel); "
                    "nothing was imported")
    assert stored(db) == before


@pytest.mark.parametrize("kind", KINDS)
def test_a_cell_longer_than_excel_allows_is_refused_in_one_line(db, tmp_path, capsys, kind):
    rows = table(kind, 2)
    rows[2][1] = "x" * 32_768
    before = stored(db)
    line = refused(kind, write_csv(tmp_path / "long.csv", rows), capsys)
    assert line == (f"salescoach: {tmp_path}/long.csv:3:B: 32,768 characters in one cell; expected at most "
                    "32,767 (as in Excel); nothing was imported")
    base = write_xlsx(tmp_path / "base.xlsx", table(kind, 1))  # openpyxl cuts cells at 32,767: write the XML
    long = rewrite_sheet(base, tmp_path / "long.xlsx", SHEET % (b'<row r="2"><c r="B2" t="inlineStr"><is><t>'
                                                                + b"x" * 32_768 + b"</t></is></c></row>"))
    assert refused(kind, long, capsys) == (f"salescoach: {long}:2:B: 32,768 characters in one cell; expected at "
                                           "most 32,767 (as in Excel); nothing was imported")
    assert stored(db) == before


def test_a_csv_cell_beyond_what_the_csv_reader_takes_is_refused_in_one_line(db, tmp_path, capsys):
    rows = table("deals", 2)
    rows[1][3] = "x" * 200_000
    line = refused("deals", write_csv(tmp_path / "huge.csv", rows), capsys)
    assert line == (f"salescoach: {tmp_path}/huge.csv:2: more than 131,072 characters in one cell; expected at most "
                    "32,767 (as in Excel); nothing was imported")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_more_rows_than_the_configured_limit_are_refused_and_the_limit_itself_is_taken(
        db, tmp_path, capsys, monkeypatch, kind, suffix):
    monkeypatch.setenv("SALESCOACH_IMPORT_MAX_ROWS", "10")
    write = write_csv if suffix == ".csv" else write_xlsx
    before = stored(db)
    line = refused(kind, write(tmp_path / f"tall{suffix}", table(kind, 11)), capsys)
    found = "more than 11 rows" if suffix == ".csv" else "reaches row 12"
    assert line == (f"salescoach: {tmp_path}/tall{suffix}: {found}; expected a header and at most 10 rows of data "
                    "(SALESCOACH_IMPORT_MAX_ROWS); split the file; nothing was imported")
    assert stored(db) == before
    assert main(["import", kind, str(write(tmp_path / f"ten{suffix}", table(kind, 10))),
                 *(["--offline"] if kind == "roster" else [])]) == 0
    assert stored(db) != before


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_file_spanning_more_cells_than_the_row_limit_allows_is_refused(db, tmp_path, capsys, monkeypatch, suffix):
    monkeypatch.setenv("SALESCOACH_IMPORT_MAX_ROWS", "10")  # 10 rows x 20 cells: 200
    write = write_csv if suffix == ".csv" else write_xlsx
    line = refused("accounts", write(tmp_path / f"broad{suffix}", table("accounts", 4, extra=58)), capsys)
    assert line.startswith(f"salescoach: {tmp_path}/broad{suffix}: spans ")
    assert line.endswith("expected at most 200 (20 for each row SALESCOACH_IMPORT_MAX_ROWS allows); drop the "
                         "columns you do not import; nothing was imported")


# ---- hostile workbooks: run as a process of its own, since a bad one could take the process down ----------

def rewrite_sheet(base: Path, out: Path, sheet: bytes | None = None, *, padding: int = 0) -> Path:
    """`base` with its worksheet replaced by `sheet`, or padded with `padding` bytes of spaces (which deflate
    about a thousand to one), written a MiB at a time."""
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if not info.filename.startswith("xl/worksheets/"):
                target.writestr(info.filename, data)
                continue
            data = sheet if sheet is not None else data
            head, tail = data.split(b"<sheetData>", 1)
            with target.open(info.filename, "w", force_zip64=True) as part:
                part.write(head + b"<sheetData>")
                for _ in range(padding // (1 << 20)):
                    part.write(b" " * (1 << 20))
                part.write(tail)
    return out


def run_import(kind: str, path: Path, cli_database: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "DATABASE_URL": cli_database, **env}
    return subprocess.run([sys.executable, "-m", "bot.cli", "import", kind, str(path)], env=environment,
                          capture_output=True, text=True, timeout=120, cwd=path.parent)


def one_line(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 2 and done.stdout == "", done.stderr[-2000:]
    assert len(done.stderr.splitlines()) == 1, done.stderr[-2000:]
    return done.stderr.strip()


SHEET = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
         b'<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c></row>%s</sheetData></worksheet>')


def test_a_single_cell_at_xfd1048576_is_refused_in_one_line_instead_of_a_512_gib_allocation(db, tmp_path,
                                                                                          cli_database):
    base = write_xlsx(tmp_path / "base.xlsx", table("accounts", 1))
    far = rewrite_sheet(base, tmp_path / "far.xlsx", SHEET % b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')
    before = stored(db)
    assert one_line(run_import("accounts", far, cli_database)) == (
        f"salescoach: {far}: reaches row 1,048,576; expected a header and at most 1,000,000 rows of data "
        "(SALESCOACH_IMPORT_MAX_ROWS); split the file; nothing was imported")
    near_but_broad = rewrite_sheet(base, tmp_path / "broad.xlsx", SHEET % b'<row><c r="XFD2000"><v>1</v></c></row>')
    assert "spans 2,000 rows x 16,384 columns = 32,768,000 cells" in one_line(
        run_import("accounts", near_but_broad, cli_database))
    implicit = rewrite_sheet(base, tmp_path / "implicit.xlsx", SHEET % (b"<row/>" * 30 + b"<row><c/><c/></row>"))
    assert "reaches row 32" in one_line(run_import("accounts", implicit, cli_database, SALESCOACH_IMPORT_MAX_ROWS="10"))
    assert stored(db) == before


def test_a_zip_bomb_named_xlsx_is_refused_from_its_directory_before_it_is_unpacked(db, tmp_path, cli_database):
    base = write_xlsx(tmp_path / "base.xlsx", table("deals", 1))
    bomb = rewrite_sheet(base, tmp_path / "bomb.xlsx", padding=64 << 20)
    assert bomb.stat().st_size < 200_000
    before = stored(db)
    line = one_line(run_import("deals", bomb, cli_database))
    assert line.startswith(f"salescoach: {bomb}: xl/worksheets/sheet1.xml unpacks to ")
    assert line.endswith("times its packed size; expected at most 100 times (is it a zip bomb?); nothing was imported")
    big = one_line(run_import("deals", bomb, cli_database, SALESCOACH_IMPORT_MAX_ROWS="10000"))
    assert big.startswith(f"salescoach: {bomb}: unpacks to 67,") and "expected at most 20,000,000 (100 per cell" in big
    assert stored(db) == before


def test_a_workbook_that_declares_its_sheet_smaller_than_it_unpacks_is_refused_as_damaged(db, tmp_path,
                                                                                          cli_database):
    path = write_xlsx(tmp_path / "liar.xlsx", table("deals", 3))
    declare_size(path, "xl/worksheets/sheet1.xml", 100)
    before = stored(db)
    line = one_line(run_import("deals", path, cli_database))
    assert line.startswith(f"salescoach: {path}: a damaged .xlsx (Bad CRC-32")
    assert line.endswith("expected a workbook saved by Excel or a CRM; nothing was imported")
    assert stored(db) == before


def declare_size(path: Path, member: str, size: int) -> None:
    """Overwrite the uncompressed size a zip declares for `member`, in its local header and central directory."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(member)
    struct.pack_into("<I", data, info.header_offset + 22, size)
    name = member.encode()
    central = data.find(b"PK\x01\x02")
    while central >= 0:
        length = struct.unpack_from("<H", data, central + 28)[0]
        if bytes(data[central + 46:central + 46 + length]) == name:
            struct.pack_into("<I", data, central + 24, size)
            break
        central = data.find(b"PK\x01\x02", central + 4)
    path.write_bytes(bytes(data))
