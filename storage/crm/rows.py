"""Checking a CRM file column by column into typed values under our names; every problem is one line
`file:row:COL: 'value' problem; expected ...`, a value repeated on many rows is named once."""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from storage.crm.bulk import Memo
from storage.crm.mapping import OPTIONAL, REQUIRED, ColumnMapping, CrmImportErrors, People, expected_columns, name_key
from storage.crm.models import ACTIVITY_KINDS, OUTCOMES, PERIOD_KINDS
from storage.crm.table import ColumnTable, clean, read_columns
from storage.crm.values import (
    CHOSEN,
    COUNTS,
    DATES,
    FLAGS,
    MONEY,
    TEXT_LIMITS,
    BadValue,
    to_amount,
    to_choice,
    to_count,
    to_date,
    to_flag,
    word_key,
)
from storage.table_limits import DEFAULT_LIMITS, Limits
from storage.tables import TableError, Value

SHOWN_PER_COLUMN = 20


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
    checker = _Checker(table, mapping, people, errors)
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


class _Checker:
    """Converts columns and collects problems, naming each distinct bad value once per column."""

    def __init__(self, table: ColumnTable, mapping: ColumnMapping, people: People, errors: list[str]) -> None:
        self.table, self.mapping, self.people, self.errors = table, mapping, people, errors
        self.sources: dict[str, str] = {}

    def convert(self, ours: str, source: str) -> list[Any]:
        self.sources[ours] = source
        convert = self._converter(ours)
        raws = self.table.raw(source)
        failed: dict[Value, BadValue] = {}
        sample = raws[:1000]
        if len(set(sample)) * 2 <= len(sample):  # few distinct cells: each converted on its first row
            def value_of(raw: Value) -> Any:
                cell = clean(raw)
                try:
                    return None if cell is None else convert(cell)
                except BadValue as problem:
                    failed[raw] = problem
                    return None
            values = list(map(Memo(value_of, {None: None, "": None}).__getitem__, raws))
        elif self._as_read(ours, raws):  # ids, amounts: mostly distinct and already what they should be
            return list(raws)
        else:
            values = self._distinct(ours, raws, convert, failed)
        if failed:
            self._report(ours, source, raws, failed)
        return values

    def _distinct(self, ours: str, raws: list[Value], convert: Callable[[Value], Any],
                  failed: dict[Value, BadValue]) -> list[Any]:
        """The column converted through a table of its distinct cells, the common ones in bulk."""
        done: dict[Value, Any] = {None: None, "": None}  # raw cell -> value: each distinct cell converted once
        distinct = set(raws).difference(done)
        done.update(self._quick(ours, distinct))
        for raw in distinct.difference(done):
            cell = clean(raw)
            try:
                done[raw] = None if cell is None else convert(cell)
            except BadValue as problem:
                failed[raw], done[raw] = problem, None
        return list(map(done.__getitem__, raws))

    def _as_read(self, ours: str, cells: list[Value]) -> bool:
        """True when every cell is already its value: trimmed text within the limit, or a number of 0 or more."""
        if ours in MONEY:
            return all(v is None or (type(v) is float and 0.0 <= v < math.inf) for v in cells)
        if ours in TEXT_LIMITS and ours not in self.mapping.values:
            limit = TEXT_LIMITS[ours]
            return all(v is None or (type(v) is str and 0 < len(v) <= limit and v.strip() == v) for v in cells)
        return False

    def _quick(self, ours: str, distinct: set[Value]) -> dict[Value, Any]:
        """The common cells converted in bulk (numbers read as numbers, plain text); the rest go one by one."""
        if ours in MONEY:
            return {v: v for v in distinct if type(v) is float and 0.0 <= v < math.inf}
        if ours in TEXT_LIMITS and ours not in self.mapping.values:
            limit = TEXT_LIMITS[ours]
            return {v: text for v in distinct if type(v) is str and (text := v.strip()) and len(text) <= limit}
        return {}

    def _report(self, ours: str, source: str, raws: list[Value], failed: dict[Value, BadValue]) -> None:
        """One line per distinct bad cell, at its first row, saying how many other rows have it."""
        found: dict[Value, list[Any]] = {}  # raw -> [first index, other rows, BadValue]
        for index, raw in enumerate(raws):
            if raw in failed:
                if raw in found:
                    found[raw][1] += 1
                else:
                    found[raw] = [index, 0, failed[raw]]
        for shown, (index, others, bad) in enumerate(found.values()):
            if shown == SHOWN_PER_COLUMN:
                self.errors.append(f"{self.table.where(None, source)}: {len(found) - shown} more bad value(s) in "
                                   f"column {source!r}; expected {bad.expected}")
                break
            self.fail(index, ours, bad.problem + (f" (also on {others} other row(s))" if others else ""),
                      bad.expected)

    def fail(self, index: int, ours: str, problem: str, expected: str) -> None:
        source = self.sources[ours]
        self.errors.append(f"{self.table.where(index, source)}: {self.table.text(index, source)!r} {problem}; "
                           f"expected {expected}")

    def empty(self, index: int, ours: str, expected: str) -> None:
        self.errors.append(f"{self.table.where(index, self.sources[ours])}: {ours} is empty; expected {expected}")

    def require(self, columns: dict[str, list[Any]], present: dict[str, str], kind: str) -> None:
        for ours in REQUIRED[kind]:
            if ours == "stage" and "outcome" in present:
                continue  # the outcome column says it; an empty stage reads as the outcome
            if None not in columns[ours]:
                continue
            for index, value in enumerate(columns[ours]):
                if value is None and self.table.blank(index, present[ours]):
                    self.empty(index, ours, f"a value in every row ({expected_columns(kind)})")

    def owners(self, columns: dict[str, list[Any]], present: dict[str, str]) -> list[int | None]:
        """Person ids for the owner column; each unknown owner (any case or spacing) is named once."""
        by, aliases, people = self.mapping.people_by, self.mapping.people_aliases, self.people
        owners = columns["owner"]
        found: dict[str | None, int | None] = {owner: people.find(aliases.get(owner.lower(), owner), by)
                                                for owner in set(owners) if owner is not None}
        found[None] = None
        out = list(map(found.__getitem__, owners))
        unknown: dict[str, list[int]] = {}  # name key -> [first index, rows]
        if any(person is None for owner, person in found.items() if owner is not None):
            for index, owner in enumerate(owners):
                if owner is not None and out[index] is None:
                    unknown.setdefault(name_key(owner), [index, 0])[1] += 1
        for index, rows in unknown.values():
            value = aliases.get(columns["owner"][index].lower(), columns["owner"][index])
            also = f", also on {rows - 1} other row(s)" if rows > 1 else ""
            if people.by_name.get(name_key(value), 0) is None:
                self.fail(index, "owner", f"is the name of two or more people in the roster{also}",
                          "the email of a stored person")
            else:
                self.fail(index, "owner", f"is not in the roster{people.suggest(value, by)}{also}",
                          "a stored person's email or name (map CRM names under people: aliases:)")
        return out

    def one_of(self, values: list[Any], ours: str, allowed: Sequence[str], hint: str = "") -> None:
        seen: set[str] = set()
        for index, value in enumerate(values):
            if value is not None and value not in allowed and value not in seen:
                seen.add(value)
                self.fail(index, ours, f"is not a {ours}", f"{', '.join(allowed)}{hint}")

    def choose(self, columns: dict[str, list[Any]], ours: str) -> None:
        """A column of storage.crm.values.CHOICES as its stored words; each other spelling is named once."""
        words: dict[str | None, str | None] = {v: to_choice(ours, v) for v in set(columns[ours]) if v is not None}
        strange = None in words.values()
        words[None] = None
        chosen = list(map(words.__getitem__, columns[ours]))
        seen: set[str] = set()
        for index, value in enumerate(columns[ours] if strange else ()):
            if value is not None and chosen[index] is None and word_key(value) not in seen:
                seen.add(word_key(value))
                self.fail(index, ours, f"is not a {ours.replace('_', ' ')}",
                          f"{CHOSEN[ours]}, or your CRM's word mapped under values: {ours}: in a --mapping file")
        columns[ours] = chosen

    def teams(self, names: list[str | None]) -> list[int | None]:
        """Team ids for the team column (None for an empty cell); each unknown team is named once."""
        teams = self.people.teams
        found = {name: teams.get(name_key(name), (None, "")) for name in set(names) if name is not None}
        reported: set[str] = set()
        for index, name in enumerate(names):
            if name is None or found[name][0] is not None or name_key(name) in reported:
                continue
            reported.add(name_key(name))
            if name_key(name) in teams:
                self.fail(index, "team", "is the name of two or more teams in the roster",
                          "a team's name exactly as the roster spells it")
            else:
                close = difflib.get_close_matches(name_key(name), list(teams), n=3, cutoff=0.6)
                hint = f" (close matches: {', '.join(teams[k][1] for k in close)})" if close else ""
                self.fail(index, "team", f"is not a team in the roster{hint}",
                          "a team name from the roster, or empty for the whole organisation")
        return [None if name is None else found[name][0] for name in names]

    def unique(self, keys: list[Any], ours: str, what: str) -> None:
        if len(set(keys)) == len(keys):
            return
        first: dict[Any, int] = {}
        for index, key in enumerate(keys):
            if key is None or None in (key if isinstance(key, tuple) else (key,)):
                continue
            if key in first:
                self.fail(index, ours, f"is also on row {self.table.numbers[first[key]]}", what)
            else:
                first[key] = index

    def _converter(self, ours: str) -> Callable[[Value], Any]:
        if ours in DATES:
            formats = self.mapping.date_formats
            return lambda raw: to_date(raw, formats)
        if ours in MONEY:
            return to_amount
        if ours in COUNTS:
            return to_count
        if ours in FLAGS:
            return to_flag
        limit, aliases = TEXT_LIMITS[ours], self.mapping.values.get(ours, {})

        def text(raw: Value) -> str:
            value = raw.isoformat() if isinstance(raw, date) else str(raw)
            value = aliases.get(value.lower(), value) if aliases else value
            if len(value) > limit:
                raise BadValue(f"is longer than {limit} characters", f"at most {limit}")
            return value
        return text



# ---- checks per kind ------------------------------------------------------------------------------------

def _deals(c: _Checker, columns: dict[str, list[Any]], present: dict[str, str]) -> None:
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
    if "closed_on" not in present:
        if any(outcome in ("won", "lost") for outcome in outcomes):
            c.errors.append(f"{c.table.where(None)}: missing column 'closed_on'; expected the date each won or lost "
                            "deal closed")
        return
    closed, source = columns["closed_on"], present["closed_on"]
    for index in [i for i, (day, outcome) in enumerate(zip(closed, outcomes, strict=True))
                  if day is None and outcome in ("won", "lost")]:
        if c.table.blank(index, source):
            c.errors.append(f"{c.table.where(index, source)}: closed_on is empty for a {outcomes[index]} deal; "
                            "expected the date it closed")


def _accounts(c: _Checker, columns: dict[str, list[Any]], present: dict[str, str]) -> None:
    c.unique(columns["name"], "name", "each account name once")
    if "potential_tier" in present:
        c.choose(columns, "potential_tier")


def _activities(c: _Checker, columns: dict[str, list[Any]], present: dict[str, str]) -> None:
    kinds = [v.lower() if v else None for v in columns["kind"]]
    c.one_of(kinds, "kind", ACTIVITY_KINDS, " (map your activity types under values: kind: in the mapping)")
    columns["kind"] = kinds
    if "external_id" in present:
        c.unique(columns["external_id"], "external_id", "each external_id once")


def _periods(c: _Checker, columns: dict[str, list[Any]], present: dict[str, str]) -> list[str]:
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


def _quotas(c: _Checker, columns: dict[str, list[Any]], present: dict[str, str]) -> None:
    kinds = _periods(c, columns, present)
    c.unique(list(zip(columns["owner_id"], columns["period_start"], kinds, strict=True)), "period_start",
             "one quota per rep and period")


def _spend(c: _Checker, columns: dict[str, list[Any]], present: dict[str, str]) -> None:
    kinds = _periods(c, columns, present)
    teams = c.teams(columns["team"]) if "team" in present else [None] * c.table.size
    columns["team_id"] = teams
    unknown = [name is not None and team is None for name, team in zip(columns.get("team") or teams, teams,
                                                                         strict=True)]
    whose = [None if bad else 0 if team is None else team for bad, team in zip(unknown, teams, strict=True)]
    c.unique(list(zip(columns["period_start"], kinds, whose, strict=True)), "period_start",
             "one amount per period and team (or for the whole organisation)")


def _leads(c: _Checker, columns: dict[str, list[Any]], present: dict[str, str]) -> None:
    c.unique(columns["external_id"], "external_id", "each external_id once")


_CHECKS: dict[str, Callable[[_Checker, dict[str, list[Any]], dict[str, str]], None]] = {
    "deals": _deals, "accounts": _accounts, "activities": _activities, "quotas": _quotas, "leads": _leads,
    "spend": _spend}
