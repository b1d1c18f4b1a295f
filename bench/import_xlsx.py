"""Importing a deals .xlsx, as a ratio to reading it raw with calamine and inserting it with plain sqlite3.

Run: `python -m bench.import_xlsx [--rows 100000]`. Prints the figures, then the ratio last.
Both sides read the same generated file in the same run; the product side also maps, checks every cell,
resolves owners and accounts, derives the period keys and records the import into a fresh SQLite database.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from openpyxl import Workbook
from python_calamine import CalamineWorkbook

from storage.crm.importer import import_crm_file
from storage.db import make_engine, make_sessions, upgrade
from storage.models import Person, Team

HEADER = ["external_id", "owner", "account", "product", "stage", "amount", "created_on", "engaged_on",
          "expected_close_on", "closed_on", "next_step", "last_activity_on"]
REPS = 50
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def write_deals(path: Path, rows: int) -> None:
    """A CRM-like export: date cells, numbers, a few empty cells, written with openpyxl's write-only mode."""
    pick = random.Random(7)
    start = date(2024, 1, 1)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Deals")
    sheet.append(HEADER)
    for i in range(rows):
        created = start + timedelta(days=pick.randrange(900))
        stage = pick.choice(("won", "lost", "open", "open"))
        closed = created + timedelta(days=pick.randrange(1, 120)) if stage != "open" else None
        sheet.append([f"D{i:07d}", f"rep{pick.randrange(REPS)}@example.com", f"Account {pick.randrange(2000)}",
                      pick.choice(("Widget", "Gadget", "Gizmo Pro", "Gizmo")), stage,
                      round(pick.uniform(100, 50000), 2) if stage != "lost" else 0, created,
                      created + timedelta(days=pick.randrange(10)), created + timedelta(days=60), closed,
                      pick.choice(("Call back", "Send proposal", None)), created + timedelta(days=pick.randrange(30))])
    workbook.save(path)


def baseline(path: Path, database: Path) -> tuple[float, float]:
    sqlite3.register_adapter(date, date.isoformat)
    started, cpu = time.perf_counter(), time.process_time()
    workbook = CalamineWorkbook.from_path(str(path))
    rows = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    workbook.close()
    connection = sqlite3.connect(database)
    connection.execute(f"CREATE TABLE deal (id INTEGER PRIMARY KEY, {', '.join(HEADER)})")
    connection.executemany(f"INSERT INTO deal ({', '.join(HEADER)}) VALUES ({', '.join('?' * len(HEADER))})",
                           rows[1:])
    connection.commit()
    connection.close()
    return time.perf_counter() - started, time.process_time() - cpu


def product(path: Path, url: str) -> tuple[float, float, str]:
    engine = make_engine(url)
    upgrade(engine)
    sessions = make_sessions(engine)
    with sessions.begin() as session:
        team = Team(name="Bench", locale="en")
        session.add(team)
        session.flush()
        session.add_all(Person(email=f"rep{i}@example.com", name=f"Rep {i}", team_id=team.id, role="rep")
                        for i in range(REPS))
    started, cpu = time.perf_counter(), time.process_time()
    with sessions.begin() as session:
        summary = import_crm_file(session, kind="deals", path=path, now=NOW)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    engine.dispose()
    return elapsed, cpu, str(summary)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each side; the fastest counts (default 3)")
    args = parser.parse_args()
    raws: list[tuple[float, float]] = []
    ours_runs: list[tuple[float, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "deals.xlsx"
        write_deals(path, args.rows)
        for run in range(args.repeat):  # alternate the sides so that a busy moment hits both
            raws.append(baseline(path, Path(tmp) / f"baseline{run}.db"))
            elapsed, cpu, summary = product(path, f"sqlite:///{tmp}/bench{run}.db")
            ours_runs.append((elapsed, cpu))
    raw, raw_cpu = (min(times) for times in zip(*raws, strict=True))
    ours, ours_cpu = (min(times) for times in zip(*ours_runs, strict=True))
    print(f"rows: {args.rows} x {len(HEADER)} columns; best of {args.repeat} runs each")
    print(f"baseline: calamine read + sqlite3 executemany in {raw:.2f} s ({raw_cpu:.2f} s CPU)")
    print(f"salescoach: import deals (read, map, check, resolve, derive, write) in {ours:.2f} s "
          f"({ours_cpu:.2f} s CPU)")
    print(f"  {summary}")
    print(f"CPU ratio: {ours_cpu / raw_cpu:.2f}x (steadier than wall time on a busy machine)")
    print(f"ratio: {ours / raw:.2f}x")


if __name__ == "__main__":
    main()
