"""Managers' coaching packs and digests for the Maven CRM sample against a count made straight from its CSV files.

Run: `python -m bench.maven_check [--period 2017-Q3]`: imports the sample with the shipped roster and mappings into
a fresh SQLite file, prints each rep's and manager's figures as the pack shows them, and exits 1 on any difference.
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from coaching.performance.digest import Digest

ROOT = Path(__file__).resolve().parent.parent
DATASET = ROOT.parent / "shared" / "datasets" / "maven-crm"
EXAMPLES = ROOT / "docs" / "examples"
FIGURES = ("revenue_won", "deals_won", "deals_lost", "win_rate", "cycle_days")
NOW = datetime(2018, 3, 1, tzinfo=UTC)

Figures = dict[str, float | None]
DigestFigures = tuple[dict[str, Figures], Figures]  # each rep's (by name) and the team's


# ---- the independent side: the csv module and dates, nothing from the product ------------------------------

@dataclass
class Tally:
    revenue: float = 0.0
    won: int = 0
    lost: int = 0
    cycle_days: int = 0
    cycles: int = 0

    def figures(self) -> Figures:
        closed = self.won + self.lost
        return {"revenue_won": self.revenue, "deals_won": self.won, "deals_lost": self.lost,
                "win_rate": self.won / closed if closed else None,
                "cycle_days": self.cycle_days / self.cycles if self.cycles else None}


@dataclass(frozen=True)
class Expected:
    reps: dict[str, Figures]  # by sales agent
    managers: dict[str, Figures]  # by manager, over all their agents
    teams: dict[str, list[str]]  # manager -> agents, as sales_teams.csv lists them


def quarter(key: str) -> tuple[date, date]:
    """'2017-Q3' -> (2017-07-01, 2017-10-01)."""
    year, q = int(key[:4]), int(key[-1])
    start = date(year, 3 * q - 2, 1)
    return start, date(year + 1, 1, 1) if q == 4 else date(year, 3 * q + 1, 1)


def independent(dataset: Path, *, start: date, end: date) -> Expected:
    """Deals closed in [start, end): won when deal_stage is Won, lost when Lost; the cycle of a won deal is
    close_date - engage_date in days."""
    with (dataset / "sales_teams.csv").open(newline="", encoding="utf-8") as f:
        manager_of = {row["sales_agent"]: row["manager"] for row in csv.DictReader(f)}
    reps = {agent: Tally() for agent in manager_of}
    managers = {manager: Tally() for manager in manager_of.values()}
    with (dataset / "sales_pipeline.csv").open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if not row["close_date"] or not start <= date.fromisoformat(row["close_date"]) < end:
                continue
            agent = row["sales_agent"]
            for tally in (reps[agent], managers[manager_of[agent]]):
                if row["deal_stage"] == "Lost":
                    tally.lost += 1
                elif row["deal_stage"] == "Won":
                    tally.won += 1
                    tally.revenue += float(row["close_value"] or 0)
                    if row["engage_date"]:
                        days = (date.fromisoformat(row["close_date"]) - date.fromisoformat(row["engage_date"])).days
                        tally.cycle_days, tally.cycles = tally.cycle_days + days, tally.cycles + 1
    teams: dict[str, list[str]] = {}
    for agent, manager in manager_of.items():
        teams.setdefault(manager, []).append(agent)
    return Expected({a: t.figures() for a, t in reps.items()}, {m: t.figures() for m, t in managers.items()},
                    teams)


def roster_managers(roster: Path) -> dict[str, str]:
    """Manager name -> email, from the shipped roster."""
    with roster.open(newline="", encoding="utf-8") as f:
        return {row["name"]: row["email"] for row in csv.DictReader(f) if row["role"] == "manager"}


def read_pack(data: bytes) -> tuple[str, dict[str, Figures], Figures]:
    """The manager's name, each rep's figures (Reps sheet) and the team's (Summary sheet), read with calamine."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    reps_sheet = book.get_sheet_by_name("Reps").to_python()
    header = reps_sheet[0]
    reps = {str(row[0]): {name: _number(row[header.index(name)]) for name in FIGURES} for row in reps_sheet[1:]}
    summary = book.get_sheet_by_name("Summary").to_python()
    top = summary[0]
    team = {row[top.index("kpi")]: _number(row[top.index("team")]) for row in summary[1:] if row[0]}
    about = {row[8]: row[9] for row in summary if len(row) > 9 and row[8]}
    return str(about["manager"]), reps, {name: team[name] for name in FIGURES}


def _number(value: object) -> float | None:
    if value in ("", "–") or value is None:  # the pack writes "–" where a figure is unknown
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    raise ValueError(f"{value!r} is not a number")


def differences(label: str, want: Mapping[str, float | None], got: Mapping[str, float | None]) -> list[str]:
    found = []
    for name in FIGURES:
        a, b = want[name], got.get(name)
        if not _same(a, b):
            found.append(f"{label}: {name} is {b} in the product, {a} by the csv count")
    return found


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


# ---- the product side -------------------------------------------------------------------------------------

def product_packs(database_url: str, *, period_key: str,
                  dataset: Path) -> tuple[dict[str, bytes], dict[str, DigestFigures]]:
    """Import the sample as shipped, then every manager's pack (as bytes) and digest figures, by manager name."""
    from bot.bootstrap import bootstrap
    from bot.coaching.pack import build_pack, find_manager
    from bot.i18n import Translator
    from bot.settings import Settings
    from coaching.performance.service import digest_for
    from coaching.periods import parse_period
    from storage.crm.importer import import_crm_file
    from storage.kpis import PerformanceRepository
    from storage.roster import apply_roster, parse_roster

    services = bootstrap(Settings(database_url=database_url), clock=lambda: NOW)
    period = parse_period(period_key, today=NOW.date())
    packs: dict[str, bytes] = {}
    digests: dict[str, DigestFigures] = {}
    try:
        with services.unit(NOW) as u:
            apply_roster(u.session, parse_roster(EXAMPLES / "maven-roster.csv"), now=NOW)
        for kind, file, mapping in (("accounts", "accounts.csv", "maven-accounts-mapping.yml"),
                                    ("deals", "sales_pipeline.csv", "maven-crm-mapping.yml")):
            with services.unit(NOW) as u:
                import_crm_file(u.session, kind=kind, path=dataset / file, mapping=EXAMPLES / mapping, now=NOW)
        for name, email in roster_managers(EXAMPLES / "maven-roster.csv").items():
            with services.unit(NOW) as u:
                manager_id = find_manager(u.session, email=email)
                packs[name] = build_pack(u.session, manager_id=manager_id, period=period, now=NOW,
                                         t=Translator("en"), settings=services.settings)
                digests[name] = digest_figures(u.session, digest_for(PerformanceRepository(u.session),
                                                                     viewer_id=manager_id, period=period, now=NOW))
    finally:
        services.close()
    return packs, digests


def digest_figures(session: Session, digest: Digest) -> DigestFigures:
    """Each rep's figures (by name) and the team's, as the Slack digest holds them."""
    from storage.people import PeopleRepository

    names = {p: m.name for p, m in PeopleRepository(session).members(digest.reps).items()}
    reps = {names[p]: {n: view.line(n).value for n in FIGURES} for p, view in digest.views.items()}
    return reps, {n: digest.line(n).value for n in FIGURES}


def compare(expected: Expected, packs: Mapping[str, bytes], digests: Mapping[str, DigestFigures]) -> list[str]:
    problems = []
    for manager, data in packs.items():
        shown, reps, team = read_pack(data)
        if shown != manager or sorted(reps) != sorted(expected.teams[manager]):
            problems.append(f"{manager}: the pack is of {shown} over {sorted(reps)}, expected "
                            f"{sorted(expected.teams[manager])}")
        problems += differences(f"{manager} (pack)", expected.managers[manager], team)
        problems += differences(f"{manager} (digest)", expected.managers[manager], digests[manager][1])
        for rep, figures in reps.items():
            problems += differences(f"{rep} (pack)", expected.reps.get(rep, {}), figures)
            problems += differences(f"{rep} (digest)", expected.reps.get(rep, {}), digests[manager][0].get(rep, {}))
    return problems


def table(expected: Expected, packs: Mapping[str, bytes]) -> list[str]:
    lines = [f"{'who':<28} {'revenue_won':>12} {'won':>5} {'lost':>5} {'win_rate':>9} {'cycle_days':>10}  csv"]
    for manager, data in sorted(packs.items()):
        _, reps, team = read_pack(data)
        for who, figures, want in ((f"{manager} (team)", team, expected.managers[manager]),
                                   *((f"  {rep}", reps[rep], expected.reps[rep]) for rep in sorted(reps))):
            cells = [_show(figures[n], n) for n in FIGURES]
            same = not differences("", want, figures)
            lines.append(f"{who:<28} {cells[0]:>12} {cells[1]:>5} {cells[2]:>5} {cells[3]:>9} {cells[4]:>10}  "
                         f"{'same' if same else 'DIFFERS'}")
    return lines


def _show(value: float | None, name: str) -> str:
    if value is None:
        return "-"
    return f"{value:.1%}" if name == "win_rate" else f"{value:.1f}" if name == "cycle_days" else f"{value:,.0f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--period", default="2017-Q3", help="a quarter, e.g. 2017-Q3")
    parser.add_argument("--dataset", type=Path, default=DATASET)
    args = parser.parse_args()
    start, end = quarter(args.period)
    expected = independent(args.dataset, start=start, end=end)
    with tempfile.TemporaryDirectory() as tmp:
        packs, digests = product_packs(f"sqlite:///{tmp}/maven.db", period_key=args.period, dataset=args.dataset)
    print("\n".join(table(expected, packs)))
    problems = compare(expected, packs, digests)
    print("\n".join(problems) or f"packs and digests of {len(packs)} managers agree with the csv count")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
