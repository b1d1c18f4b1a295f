"""Importing a deals .xlsx, as a ratio to reading it raw with calamine and inserting it with plain sqlite3.

Run: `python -m bench.import_xlsx [--rows 100000 500000] [--repeat 3]`. Each run of each side is its own child
process (so that its peak RSS is its own); the sides alternate, the fastest run of each counts. Both read the same
generated file; the floor reads it with calamine and inserts the rows as read with one sqlite3 executemany into a
table without indexes (the collector paused, as the product does); the product also checks the file's shape, maps,
checks every cell, resolves owners and accounts, derives the period keys and records the import into a SQLite
database made beforehand (as `salescoach import` finds it). Prints the time ratio, the linearity (the time at the
largest size over the smallest, per row) and the peak RSS ratio per size, then the ratio last.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

HEADER = ["external_id", "owner", "account", "product", "stage", "amount", "created_on", "engaged_on",
          "expected_close_on", "closed_on", "next_step", "last_activity_on"]
REPS = 50
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
GOALS = {100_000: 1.3, 500_000: 1.4}  # issue 17; linear: 5x the rows in at most 5.5x the time; RSS at most 1.2x


def write_deals(path: Path, rows: int) -> None:
    """A CRM-like export: date cells, numbers, a few empty cells, written with openpyxl's write-only mode."""
    from openpyxl import Workbook

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


def prepare(url: str) -> None:
    """The product's database: migrated, with a team of REPS reps (made before the timed child starts)."""
    from storage.db import make_engine, make_sessions, upgrade
    from storage.models import Person, Team

    engine = make_engine(url)
    upgrade(engine)
    with make_sessions(engine).begin() as session:
        team = Team(name="Bench", locale="en")
        session.add(team)
        session.flush()
        session.add_all(Person(email=f"rep{i}@example.com", name=f"Rep {i}", team_id=team.id, role="rep")
                        for i in range(REPS))
    engine.dispose()


def floor(path: Path, database: Path) -> str:
    """calamine's read and one plain executemany of the rows as read; the rows are released before the clock stops,
    as the product releases its own."""
    from python_calamine import CalamineWorkbook

    sqlite3.register_adapter(date, date.isoformat)
    gc.disable()
    workbook = CalamineWorkbook.from_path(str(path))
    rows = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    workbook.close()
    connection = sqlite3.connect(database)
    connection.execute(f"CREATE TABLE deal (id INTEGER PRIMARY KEY, {', '.join(HEADER)})")
    connection.executemany(f"INSERT INTO deal ({', '.join(HEADER)}) VALUES ({', '.join('?' * len(HEADER))})",
                           rows[1:])
    connection.commit()
    connection.close()
    count = len(rows) - 1
    del rows
    return f"{count} rows"


def product(path: Path, database: Path) -> str:
    from storage.crm.importer import import_crm_file
    from storage.db import make_engine, make_sessions

    engine = make_engine(f"sqlite:///{database}")
    with make_sessions(engine).begin() as session:
        summary = import_crm_file(session, kind="deals", path=path, now=NOW)
    engine.dispose()
    return str(summary)


def child(side: str, path: Path, database: Path) -> None:
    """One timed run of one side, in this process; prints its figures as JSON."""
    if side == "product":  # the modules the CLI has loaded before it reads a file, loaded before the clock starts
        import storage.crm.importer  # noqa: F401
    import python_calamine  # noqa: F401
    start_rss = peak_rss_mib()
    started, cpu = time.perf_counter(), time.process_time()
    summary = (product if side == "product" else floor)(path, database)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(json.dumps({"wall": elapsed, "cpu": cpu, "rss_mib": peak_rss_mib(), "start_mib": start_rss,
                      "summary": summary}))


def peak_rss_mib() -> float:
    """This process's peak RSS (VmHWM: unlike ru_maxrss, it does not carry the parent's peak over the exec)."""
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def run_child(side: str, path: Path, database: Path) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-m", "bench.import_xlsx", "--child", side, "--file", str(path),
                           "--database", str(database)], check=True, capture_output=True, text=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def measure(rows: int, repeat: int, tmp: Path) -> dict[str, Any]:
    path = tmp / f"deals{rows}.xlsx"
    write_deals(path, rows)
    template = tmp / f"template{rows}.db"
    prepare(f"sqlite:///{template}")
    runs: dict[str, list[dict[str, Any]]] = {"floor": [], "product": []}
    for run in range(repeat):  # alternate the sides so that a busy moment hits both
        runs["floor"].append(run_child("floor", path, tmp / f"floor{rows}-{run}.db"))
        database = tmp / f"product{rows}-{run}.db"
        shutil.copy(template, database)
        runs["product"].append(run_child("product", path, database))
    best = {side: {key: min(r[key] for r in found) for key in ("wall", "cpu")} | {
        "rss_mib": max(r["rss_mib"] for r in found), "start_mib": max(r["start_mib"] for r in found),
        "summary": found[-1]["summary"]} for side, found in runs.items()}
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 500_000])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each side; the fastest counts (default 3)")
    parser.add_argument("--child", choices=("floor", "product"), help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--database", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.file, args.database)
        return
    sizes = sorted(args.rows)
    results: dict[int, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for rows in sizes:
            with open("/proc/loadavg") as load:
                print(f"rows: {rows:,} x {len(HEADER)} columns; best of {args.repeat} runs each; "
                      f"load average {load.read().split()[0]}", flush=True)
            found = results[rows] = measure(rows, args.repeat, Path(tmp))
            ours, raw = found["product"], found["floor"]
            print(f"  floor: calamine read + sqlite3 executemany in {raw['wall']:.2f} s ({raw['cpu']:.2f} s CPU), "
                  f"peak RSS {raw['rss_mib']:.0f} MiB ({raw['start_mib']:.0f} MiB before the read)")
            print(f"  salescoach: import deals (shape, read, map, check, resolve, derive, write) in "
                  f"{ours['wall']:.2f} s ({ours['cpu']:.2f} s CPU), peak RSS {ours['rss_mib']:.0f} MiB "
                  f"({ours['start_mib']:.0f} MiB before the read)")
            print(f"  {ours['summary']}")
            print(f"  time {ours['wall'] / raw['wall']:.2f}x (CPU {ours['cpu'] / raw['cpu']:.2f}x; goal "
                  f"{GOALS.get(rows, 1.4)}x), peak RSS {ours['rss_mib'] / raw['rss_mib']:.2f}x (goal 1.2x)", flush=True)
    if len(sizes) > 1:
        small, large = sizes[0], sizes[-1]
        for side in ("product", "floor"):
            times = results[large][side]["wall"] / results[small][side]["wall"]
            cpu = results[large][side]["cpu"] / results[small][side]["cpu"]
            print(f"linearity ({side}): {large // small}x the rows in {times:.2f}x the time ({cpu:.2f}x CPU; goal "
                  f"at most {large / small * 1.1:.1f}x for the product)")
    print("ratio: " + ", ".join(f"{results[rows]['product']['wall'] / results[rows]['floor']['wall']:.2f}x at "
                                f"{rows:,} rows" for rows in sizes))


if __name__ == "__main__":
    main()
