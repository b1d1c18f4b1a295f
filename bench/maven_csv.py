"""The independent side of bench.maven_check: the Maven sample's figures per rep, manager and quarter, counted
straight from its CSV files with the csv module and dates. Nothing here imports the product.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from pathlib import Path

FIGURES = ("revenue_won", "deals_won", "deals_lost", "win_rate", "cycle_days", "open_deals", "open_pipeline",
           "conversion_rate")
AMOUNT = "close_value"  # the column the shipped mapping (docs/examples/maven-crm-mapping.yml) imports as amount

Figures = dict[str, float | None]


def quarter(key: str) -> tuple[date, date]:
    """'2017-Q3' -> (2017-07-01, 2017-10-01): the first day and the day after the last."""
    year, q = int(key[:4]), int(key[-1])
    start = date(year, 3 * q - 2, 1)
    return start, date(year + 1, 1, 1) if q == 4 else date(year, 3 * q + 1, 1)


def quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def quarters_between(first: date, last: date) -> list[str]:
    """The keys of every quarter from the one holding `first` to the one holding `last`, oldest first."""
    keys = [quarter_of(first)]
    while keys[-1] != quarter_of(last):
        keys.append(quarter_of(quarter(keys[-1])[1]))
    return keys


@dataclass
class Tally:
    revenue: float = 0.0
    won: int = 0
    lost: int = 0
    cycle_days: int = 0
    cycles: int = 0
    open_deals: int = 0
    open_value: float = 0.0
    engaged: int = 0  # deals first engaged in the quarter
    converted: int = 0  # of those, won by the quarter's last day

    def add(self, other: Tally) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def figures(self) -> Figures:
        closed = self.won + self.lost
        return {"revenue_won": self.revenue, "deals_won": self.won, "deals_lost": self.lost,
                "win_rate": self.won / closed if closed else None,
                "cycle_days": self.cycle_days / self.cycles if self.cycles else None,
                "open_deals": self.open_deals, "open_pipeline": self.open_value,
                "conversion_rate": self.converted / self.engaged if self.engaged else None}


@dataclass(frozen=True)
class Deal:
    agent: str
    stage: str
    engaged: date | None
    closed: date | None
    amount: float | None  # close_value; None when the cell is blank (every open deal of the sample)

    def count_into(self, tally: Tally, *, start: date, end: date, as_of: date, today: date) -> None:
        """This deal's part of one quarter [start, end), its pipeline counted on `as_of`."""
        last_day = end - timedelta(days=1)
        if self.closed is not None and start <= self.closed < end:
            if self.stage == "Lost":
                tally.lost += 1
            elif self.stage == "Won":
                tally.won += 1
                tally.revenue += self.amount or 0.0
                if self.engaged is not None:
                    tally.cycle_days += (self.closed - self.engaged).days
                    tally.cycles += 1
        if self.open_on(as_of, today=today):
            tally.open_deals += 1
            tally.open_value += self.amount or 0.0  # no amount counts 0: no price is invented
        if self.engaged is not None and start <= self.engaged < end:
            tally.engaged += 1
            if self.stage == "Won" and self.closed is not None and self.closed <= last_day:
                tally.converted += 1

    def open_on(self, day: date, *, today: date) -> bool:
        """Started by `day` and not closed by it; a deal with no start date is open only today."""
        started = day == today if self.engaged is None else self.engaged <= day
        return started and (self.closed is None or self.closed > day)


@dataclass
class Expected:
    today: date
    first_day: date  # the earliest engage or close date in sales_pipeline.csv
    quarters: list[str]  # every quarter from the first day's to today's, oldest first
    teams: dict[str, list[str]]  # manager -> agents, as sales_teams.csv lists them
    reps: dict[str, dict[str, Figures]] = field(default_factory=dict)  # quarter -> agent -> figures
    managers: dict[str, dict[str, Figures]] = field(default_factory=dict)  # quarter -> manager -> over their agents
    company: dict[str, Figures] = field(default_factory=dict)  # quarter -> over every agent
    unpriced_open: dict[str, int] = field(default_factory=dict)  # quarter -> open deals at its end with no amount

    def as_of(self, key: str) -> date:
        """The day a quarter's pipeline is counted on: its last day, or today inside it."""
        return min(self.today, quarter(key)[1] - timedelta(days=1))


def read_deals(dataset: Path) -> list[Deal]:
    def day(text: str) -> date | None:
        return date.fromisoformat(text) if text else None

    with (dataset / "sales_pipeline.csv").open(newline="", encoding="utf-8") as f:
        return [Deal(row["sales_agent"], row["deal_stage"], day(row["engage_date"]), day(row["close_date"]),
                     float(row[AMOUNT]) if row[AMOUNT] else None) for row in csv.DictReader(f)]


def read_teams(dataset: Path) -> dict[str, str]:
    """Agent -> manager."""
    with (dataset / "sales_teams.csv").open(newline="", encoding="utf-8") as f:
        return {row["sales_agent"]: row["manager"] for row in csv.DictReader(f)}


def independent(dataset: Path, *, today: date, quarters: list[str] | None = None) -> Expected:
    """Each agent's, manager's and the company's figures for `quarters` (default: every quarter of the data up
    to today's). A deal counts as won or lost in the quarter it closed (by deal_stage); its cycle is close_date -
    engage_date in days; it is open on a day when engaged by then and not closed by then; it converts in the
    quarter it was first engaged in when won by that quarter's last day."""
    manager_of = read_teams(dataset)
    deals = read_deals(dataset)
    first_day = min(d for deal in deals for d in (deal.engaged, deal.closed) if d is not None)
    teams: dict[str, list[str]] = {}
    for agent, manager in manager_of.items():
        teams.setdefault(manager, []).append(agent)
    expected = Expected(today, first_day, quarters or quarters_between(first_day, today), teams)
    for key in expected.quarters:
        start, end = quarter(key)
        as_of = expected.as_of(key)
        reps = {agent: Tally() for agent in manager_of}
        for deal in deals:
            deal.count_into(reps[deal.agent], start=start, end=end, as_of=as_of, today=today)
        managers = {manager: Tally() for manager in teams}
        company = Tally()
        for agent, tally in reps.items():
            managers[manager_of[agent]].add(tally)
            company.add(tally)
        expected.reps[key] = {a: t.figures() for a, t in reps.items()}
        expected.managers[key] = {m: t.figures() for m, t in managers.items()}
        expected.company[key] = company.figures()
        expected.unpriced_open[key] = sum(1 for deal in deals if deal.amount is None
                                          and deal.open_on(as_of, today=today))
    return expected
