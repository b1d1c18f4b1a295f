"""The cell-by-cell half of checking a CRM file: converting each column to typed values and collecting one line
per problem (`file:row:COL: 'value' problem; expected ...`), each distinct bad value named once per column."""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any, cast

from storage.crm.bulk import Memo
from storage.crm.mapping import REQUIRED, ColumnMapping, People, expected_columns, name_key
from storage.crm.table import ColumnTable, clean
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
from storage.tables import Value

SHOWN_PER_COLUMN = 20
NONE = type(None)
EMPTY: dict[Value, Value] = {"": None}


class Checker:
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
        elif ours in DATES and _plain_dates(raws):  # date cells (empty ones read as ""): no parsing to do
            return list(map(EMPTY.get, raws, raws))
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
            return _plain_amounts(cells)
        if ours in TEXT_LIMITS and ours not in self.mapping.values:
            return _plain_texts(cells, TEXT_LIMITS[ours])
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


# Whole-column tests, each one pass of builtins over the column (a generator per cell costs about 5 times as much).

def _plain_amounts(cells: list[Value]) -> bool:
    """Every cell None or a float of 0 or more, not infinite nor NaN (a sum that overflows just says no)."""
    types = set(map(type, cells))
    if not types <= {float, NONE}:
        return False
    numbers = cast(list[float], cells if NONE not in types else [v for v in cells if v is not None])
    return not numbers or (math.isfinite(sum(numbers)) and min(numbers) >= 0.0)


def _plain_dates(cells: list[Value]) -> bool:
    """Every cell a date (not a date and time), None or empty text."""
    types = set(map(type, cells))
    texts = cast(Iterable[str], filter(str.__instancecheck__, cells))
    return types <= {date, str, NONE} and (str not in types or not "".join(texts))


def _plain_texts(cells: list[Value], limit: int) -> bool:
    """Every cell None or trimmed, non-empty text of at most `limit` characters. A column of text only (ids) is
    read twice, not four times: of the cells read, only text has a length (each pass over a large column is a
    cache miss per cell)."""
    try:
        lengths = set(map(len, cast(list[str], cells)))
    except TypeError:  # None, numbers or dates: one pass for the types, then the texts
        pass
    else:
        return 0 not in lengths and max(lengths, default=0) <= limit and \
            list(map(str.strip, cast(list[str], cells))) == cells
    types = set(map(type, cells))
    if not types <= {str, NONE}:
        return False
    texts = cast(list[str], cells if NONE not in types else [v for v in cells if v is not None])
    return "" not in texts and max(map(len, texts), default=0) <= limit and list(map(str.strip, texts)) == texts
