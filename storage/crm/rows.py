"""Checking a CRM file column by column into typed values under our names; every problem is one line
`file:row:COL: 'value' problem; expected ...`, a value repeated on many rows is named once."""

from __future__ import annotations

import difflib
import operator
from collections.abc import Callable
from dataclasses import dataclass
from itertools import repeat
from typing import Any

from storage.crm.checker import Checker
from storage.crm.mapping import OPTIONAL, REQUIRED, ColumnMapping, CrmImportErrors, People, expected_columns
from storage.crm.models import ACTIVITY_KINDS, OUTCOMES, PERIOD_KINDS
from storage.crm.table import ColumnTable, read_columns
from storage.table_limits import DEFAULT_LIMITS, Limits
from storage.tables import TableError


@dataclass
class CrmFile:
    """A checked file: one list of typed values per column we know (by our name), all of length `size`."""

    file: str
    kind: str
    size: int
    columns: dict[str, list[Any]]


def check_file(path: str, *, kind: str, mapping: ColumnMapping, people: People,
               progress: Callable[[str, int, int], None] | None = None) -> CrmFile:
    """Read and check the whole file; raises CrmImportErrors listing every problem, or returns the values."""
    return check_table(read_table(path), kind=kind, mapping=mapping, people=people, progress=progress)


def read_table(path: str, *, limits: Limits = DEFAULT_LIMITS) -> ColumnTable:
    """The file's columns as read; CrmImportErrors with TableError's one line when it cannot be read (ShapeError
    passes through: the file is beyond the limits)."""
    try:
        return read_columns(path, limits=limits)
    except TableError as exc:
        raise CrmImportErrors([str(exc)]) from None


def check_table(table: ColumnTable, *, kind: str, mapping: ColumnMapping, people: People,
                progress: Callable[[str, int, int], None] | None = None) -> CrmFile:
    """Check a table read by read_table; raises CrmImportErrors listing every problem, or returns the values."""
    sources = {ours: mapping.source_of(ours, table.columns) for ours in REQUIRED[kind] + OPTIONAL[kind]}
    present = {ours: src for ours, src in sources.items() if src is not None}
    if kind == "deals" and "stage" not in present and "outcome" in present:
        present["stage"] = present["outcome"]
    errors = [_missing(table, mapping, kind, ours) for ours in REQUIRED[kind] if ours not in present]
    if errors:
        raise CrmImportErrors(errors)
    if not table.size:
        raise CrmImportErrors([f"{table.file}:{table.header_row + 1}: nothing under the header; "
                               f"expected one row per {kind[:-1]}"])
    checker = Checker(table, mapping, people, errors)
    columns: dict[str, list[Any]] = {}
    for ours, src in present.items():
        columns[ours] = checker.convert(ours, src)
        if progress:
            progress("checking", len(columns), len(present))
    checker.require(columns, present, kind)
    columns["owner_id"] = checker.owners(columns, present) if "owner" in present else []
    _CHECKS[kind](checker, columns, present)
    if errors:
        raise CrmImportErrors(sorted(errors, key=_place))
    return CrmFile(table.file, kind, table.size, columns)


def _missing(table: ColumnTable, mapping: ColumnMapping, kind: str, ours: str) -> str:
    mapped = [src for src, target in mapping.columns.items() if target == ours]
    if mapped:
        return f"{table.where()}: missing column {mapped[0]!r} (mapped to {ours}); expected it in the header"
    close = difflib.get_close_matches(ours, list(table.columns), n=1, cutoff=0.6)
    hint = f" (is it {close[0]!r}? map it under columns: in a --mapping file)" if close else ""
    return f"{table.where()}: missing column {ours!r}{hint}; expected columns: {expected_columns(kind)}"


def _place(line: str) -> tuple[int, int, str]:
    parts = line.split(":", 3)
    if len(parts) > 2 and parts[1].isdigit():
        letters = parts[2] if parts[2].isalpha() else ""
        return int(parts[1]), len(letters), letters
    return 0, 0, ""


# ---- checks per kind ------------------------------------------------------------------------------------

def _deals(c: Checker, columns: dict[str, list[Any]], present: dict[str, str]) -> None:
    c.unique(columns["external_id"], "external_id", "each external_id once")
    if "outcome" in present:
        outcomes = [v.lower() if v else None for v in columns["outcome"]]
        c.one_of(outcomes, "outcome", OUTCOMES)
    else:
        outcome_of = {stage: c.mapping.outcome_of(stage) for stage in set(columns["stage"]) if stage}
        strange = None in outcome_of.values()  # a stage the mapping does not know
        outcome_of[None] = None
        outcomes = list(map(outcome_of.__getitem__, columns["stage"]))
        hint = "map it under stages: in the mapping" if c.mapping.stages is not None else \
            "or map your stages under stages: in a --mapping file"
        unknown: set[str] = set()
        for index, stage in enumerate(columns["stage"] if strange else ()):
            if stage and outcomes[index] is None and stage.lower() not in unknown:
                unknown.add(stage.lower())
                allowed = ", ".join(c.mapping.stages or ("won", "lost", "open"))
                c.fail(index, "stage", "is not a stage the mapping knows", f"{allowed} ({hint})")
    columns["outcome"] = outcomes
    if "deal_type" in present:
        c.choose(columns, "deal_type")
    if "loss_reason" in present:
        c.choose(columns, "loss_reason")
    if "closed_on" not in present:
        if any(outcome in ("won", "lost") for outcome in outcomes):
            c.errors.append(f"{c.table.where(None)}: missing column 'closed_on'; expected the date each won or lost "
                            "deal closed")
        return
    closed, source = columns["closed_on"], present["closed_on"]
    undated = set(zip(map(operator.is_, closed, repeat(None)), outcomes, strict=True))  # (no date, outcome) pairs
    if not {(True, "won"), (True, "lost")} & undated:  # found with builtins; the rows only when there are some
        return
    for index in [i for i, (day, outcome) in enumerate(zip(closed, outcomes, strict=True))
                  if day is None and outcome in ("won", "lost")]:
        if c.table.blank(index, source):
            c.errors.append(f"{c.table.where(index, source)}: closed_on is empty for a {outcomes[index]} deal; "
                            "expected the date it closed")


def _accounts(c: Checker, columns: dict[str, list[Any]], present: dict[str, str]) -> None:
    c.unique(columns["name"], "name", "each account name once")
    if "potential_tier" in present:
        c.choose(columns, "potential_tier")


def _activities(c: Checker, columns: dict[str, list[Any]], present: dict[str, str]) -> None:
    kinds = [v.lower() if v else None for v in columns["kind"]]
    c.one_of(kinds, "kind", ACTIVITY_KINDS, " (map your activity types under values: kind: in the mapping)")
    columns["kind"] = kinds
    if "external_id" in present:
        c.unique(columns["external_id"], "external_id", "each external_id once")


def _periods(c: Checker, columns: dict[str, list[Any]], present: dict[str, str]) -> list[str]:
    """period_kind (default month) in lower case, and each period_start checked to be the first day of its period."""
    kinds = [v.lower() if v else "month" for v in columns.get("period_kind") or ["month"] * c.table.size]
    if "period_kind" in present:
        c.one_of(kinds, "period_kind", PERIOD_KINDS)
    columns["period_kind"] = kinds
    for index, (start, kind) in enumerate(zip(columns["period_start"], kinds, strict=True)):
        if start and (start.day != 1 or (kind == "quarter" and start.month % 3 != 1)):
            c.fail(index, "period_start", f"is not the first day of a {kind}",
                   "the 1st of a month" if kind != "quarter" else "1 January, April, July or October")
    return kinds


def _quotas(c: Checker, columns: dict[str, list[Any]], present: dict[str, str]) -> None:
    kinds = _periods(c, columns, present)
    c.unique(list(zip(columns["owner_id"], columns["period_start"], kinds, strict=True)), "period_start",
             "one quota per rep and period")


def _spend(c: Checker, columns: dict[str, list[Any]], present: dict[str, str]) -> None:
    kinds = _periods(c, columns, present)
    teams = c.teams(columns["team"]) if "team" in present else [None] * c.table.size
    columns["team_id"] = teams
    unknown = [name is not None and team is None for name, team in zip(columns.get("team") or teams, teams,
                                                                         strict=True)]
    whose = [None if bad else 0 if team is None else team for bad, team in zip(unknown, teams, strict=True)]
    c.unique(list(zip(columns["period_start"], kinds, whose, strict=True)), "period_start",
             "one amount per period and team (or for the whole organisation)")


def _leads(c: Checker, columns: dict[str, list[Any]], present: dict[str, str]) -> None:
    c.unique(columns["external_id"], "external_id", "each external_id once")


def _contacts(c: Checker, columns: dict[str, list[Any]], present: dict[str, str]) -> None:
    c.unique(columns["external_id"], "external_id", "each external_id once")
    seen: set[str] = set()
    for index, email in enumerate(columns.get("email") or ()):
        if email is not None and email not in seen and not _email_like(email):
            seen.add(email)
            c.fail(index, "email", "is not an email address", "name@example.com, or an empty cell")


def _email_like(text: str) -> bool:
    name, at, domain = text.partition("@")
    return bool(name and at and "." in domain and not any(ch.isspace() for ch in text))


_CHECKS: dict[str, Callable[[Checker, dict[str, list[Any]], dict[str, str]], None]] = {
    "deals": _deals, "accounts": _accounts, "activities": _activities, "quotas": _quotas, "leads": _leads,
    "spend": _spend, "contacts": _contacts}
