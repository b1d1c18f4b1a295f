"""Every manager's weekly digest over a large SQLite file, as a ratio to one bare weekly activity GROUP BY.

Run: `python -m bench.digests [--rows 1000000]`. Prints the figures, then the ratio last.
Both sides read the same file in the same run; the product side reads the org chart and both weeks' activities,
deals, leads and quotas for every rep (storage/kpis.py), then builds each manager's digest
(coaching/performance/digest.py).
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from coaching.performance.digest import Digest
from coaching.performance.service import team_digests
from coaching.periods import parse_period
from storage.db import make_engine, make_sessions, upgrade
from storage.kpis import PerformanceRepository

NOW = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)  # a Monday morning: the digest covers last week
MANAGERS, REPS_PER_MANAGER, ACCOUNTS, DEALS_PER_REP = 6, 50, 3000, 200
KINDS = ("call", "email", "meeting", "demo", "other")
BASELINE = "SELECT rep_id, kind, sum(count) FROM crm_activity WHERE week_start = ? GROUP BY rep_id, kind"


def populate(path: Path, rows: int, seed: int = 1) -> None:
    """People, accounts, deals and `rows` activities over the year to NOW, written with sqlite3 executemany."""
    rng = random.Random(seed)
    first = NOW.date() - timedelta(days=364)
    db = sqlite3.connect(path)
    db.execute("INSERT INTO team (id, name, locale) VALUES (1, 'Sales', 'en')")
    people: list[tuple[Any, ...]] = [(1, "head@example.com", "Head of Sales", 1, None, "manager")]
    reps = []
    for m in range(MANAGERS):
        manager = 2 + m * (REPS_PER_MANAGER + 1)
        people.append((manager, f"m{m}@example.com", f"Manager {m}", 1, 1, "manager"))
        for r in range(1, REPS_PER_MANAGER + 1):
            reps.append(manager + r)
            people.append((manager + r, f"r{manager + r}@example.com", f"Rep {manager + r}", 1, manager, "rep"))
    db.executemany("INSERT INTO person (id, email, name, team_id, manager_id, role, tz, locale, active) "
                   "VALUES (?, ?, ?, ?, ?, ?, 'UTC', 'en', 1)", people)
    db.executemany("INSERT INTO crm_account (id, name, potential_tier, first_won_date) VALUES (?, ?, ?, ?)",
                   [(i, f"Account {i}", ("low", "medium", "high")[i % 3],
                     (first + timedelta(days=rng.randrange(365))).isoformat() if i % 2 else None)
                    for i in range(1, ACCOUNTS + 1)])

    def day() -> date:
        return first + timedelta(days=rng.randrange(365))

    deals: list[tuple[Any, ...]] = []
    stamp = NOW.strftime("%Y-%m-%d %H:%M:%S.%f")
    for n in range(len(reps) * DEALS_PER_REP):
        created = day()
        closes = created + timedelta(days=rng.randrange(5, 120))
        outcome = rng.choices(("won", "lost", "open"), weights=(35, 55, 10))[0]  # one in ten left open, stale
        closed: date | None = None if outcome == "open" or closes > NOW.date() else closes
        deals.append((f"D{n}", rng.choice(reps), rng.randrange(1, ACCOUNTS + 1), outcome if closed else "open",
                      outcome if closed else "open", float(rng.randrange(1, 200) * 250),
                      (created - timedelta(days=7)).isoformat(), created.isoformat(),
                      (created + timedelta(days=60)).isoformat(), closed and closed.isoformat(),
                      closed and closed.replace(day=1).isoformat(),
                      closed and (closed - timedelta(days=closed.weekday())).isoformat(),
                      (created + timedelta(days=rng.randrange(0, 40))).isoformat(), stamp))
    deals.sort(key=lambda d: d[7])  # exported in the order the CRM created them
    db.executemany("INSERT INTO crm_deal (external_id, owner_id, account_id, stage, outcome, amount, engaged_on, "
                   "created_on, expected_close_on, closed_on, close_month, close_week, last_activity_on, "
                   "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", deals)
    db.executemany("INSERT INTO crm_quota (rep_id, period_start, period_kind, amount) VALUES (?, ?, 'month', ?)",
                   [(rep, date(y, m, 1).isoformat(), 150_000.0) for rep in reps
                    for y, m in ((2026, m) for m in range(1, 13))])

    def activities():
        """A year of logging in the order it happened (and is exported and imported): day by day."""
        for n in range(365):
            d = first + timedelta(days=n)
            for _ in range(rows // 365 + (n < rows % 365)):
                yield (rng.choice(reps), d.isoformat(), (d - timedelta(days=d.weekday())).isoformat(),
                       d.replace(day=1).isoformat(), rng.choice(KINDS), rng.randrange(1, 4),
                       rng.randrange(1, ACCOUNTS + 1) if rng.random() < 0.8 else None)

    db.executemany("INSERT INTO crm_activity (rep_id, day, week_start, month, kind, count, account_id) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?)", activities())
    db.commit()
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # as a server finds it after an import: all in the main file
    db.close()


def fastest(runs: int, *work: Callable[[], object]) -> list[float]:
    """The best time of each piece of work over `runs` rounds, taking turns so that both see the same machine."""
    best = [float("inf")] * len(work)
    for _ in range(runs):
        for n, piece in enumerate(work):
            started = time.perf_counter()
            piece()
            best[n] = min(best[n], time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    week = parse_period("last week", today=NOW.date())
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        engine = make_engine(f"sqlite:///{path}")
        upgrade(engine)
        started = time.perf_counter()
        populate(path, args.rows)
        print(f"setup: {args.rows} activity rows, {MANAGERS * REPS_PER_MANAGER * DEALS_PER_REP} deals, "
              f"{MANAGERS} managers x {REPS_PER_MANAGER} reps in {time.perf_counter() - started:.1f} s")
        raw = sqlite3.connect(path)
        sessions = make_sessions(engine)
        groups: list[tuple[int, str, int]] = []
        digests: list[Digest] = []

        def bare() -> None:
            groups[:] = raw.execute(BASELINE, (week.start.isoformat(),)).fetchall()

        def build() -> None:
            with sessions() as session:
                digests[:] = team_digests(PerformanceRepository(session), period=week, now=NOW)

        baseline, product = fastest(args.runs, bare, build)
        raw.close()
        engine.dispose()
    rows = sum(len(d.reps) for d in digests)
    flagged = sum(len(d.attention) for d in digests)
    print(f"baseline: one GROUP BY of week {week.key} activities ({len(groups)} rep x kind groups) "
          f"in {baseline * 1000:.1f} ms (best of {args.runs})")
    print(f"salescoach: {len(digests)} weekly digests ({rows} rep rows, {flagged} attention entries) from SQL "
          f"figures for that week and the one before in {product * 1000:.1f} ms (best of {args.runs})")
    print(f"ratio: {product / baseline:.2f}x")


if __name__ == "__main__":
    main()
