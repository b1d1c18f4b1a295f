"""Reading cases (customer complaints from a CRM) into checked coaching.complaints Cases: an .xlsx or .csv file
with an optional YAML mapping as for the other CRM imports (columns, people, dates), or one webhook payload.
Every problem is one line naming its place (file:row:COL, or the JSON field); nothing is taken when any is bad.

Columns: external_id*, account* (a stored account's name), opened_at* (a date and time; without an offset, UTC),
text* (or subject), subject, owner (a roster person's email or name; empty: the account's owner), resolved_at."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from coaching.complaints.service import MAX_TEXT, Case
from storage.crm.mapping import CrmImportErrors, People, name_key
from storage.crm.models import CrmAccount
from storage.crm.table import ColumnTable, clean, read_columns
from storage.table_limits import DEFAULT_LIMITS, Limits
from storage.tables import TableError, column_name

REQUIRED = ("external_id", "account", "opened_at")
OPTIONAL = ("text", "subject", "owner", "resolved_at")
COLUMNS = REQUIRED + OPTIONAL
SECTIONS = ("kind", "columns", "people", "dates")
MAX_ID = 64


class Lookups:
    """The stored accounts (by name, any case and spacing) and roster people a file's cells are matched against."""

    def __init__(self, session: Session) -> None:
        self.people = People(session)
        self.accounts: dict[str, tuple[int, str, int | None]] = {
            name_key(name): (account_id, name, owner) for account_id, name, owner in session.execute(
                select(CrmAccount.id, CrmAccount.name, CrmAccount.owner_id))}

    def account(self, name: str) -> int | None:
        found = self.accounts.get(name_key(name))
        return found[0] if found else None

    def owner_of(self, name: str) -> int | None:
        found = self.accounts.get(name_key(name))
        return found[2] if found else None

    def suggest(self, name: str) -> str:
        close = difflib.get_close_matches(name_key(name), list(self.accounts), n=3, cutoff=0.6)
        return f" (close matches: {', '.join(self.accounts[k][1] for k in close)})" if close else \
            " (no close match: import the accounts first?)"


def to_moment(raw: Any, formats: tuple[str, ...] = ()) -> datetime:
    """A date-and-time cell or text as a UTC moment (without an offset: UTC; a date alone: its midnight)."""
    if isinstance(raw, datetime):
        return raw.replace(tzinfo=UTC) if raw.tzinfo is None else raw.astimezone(UTC)
    if isinstance(raw, date):
        return datetime.combine(raw, time(), tzinfo=UTC)
    text = str(raw).strip()
    for fmt in formats:
        try:
            return to_moment(datetime.strptime(text, fmt))
        except ValueError:
            pass
    try:
        return to_moment(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        raise ValueError("is not a date and time; expected e.g. 2026-12-04 15:30 or 2026-12-04T15:30:00+08:00"
                         + (f" or {' or '.join(formats)}" if formats else "")) from None


def check_case(fields: Mapping[str, Any], *, where: Callable[[str], str], lookups: Lookups,
               people_by: str = "auto", aliases: Mapping[str, str] | None = None,
               formats: tuple[str, ...] = ()) -> tuple[Case | None, list[str]]:
    """One case from its cells by our column names (None or '' for empty): the Case, or the problems, each as
    '{where(column)}: ...; expected ...'."""
    problems: list[str] = []

    def text(name: str, limit: int) -> str:
        raw = fields.get(name)
        value = "" if raw is None else raw.isoformat() if isinstance(raw, date) else str(raw).strip()
        if len(value) > limit:
            problems.append(f"{where(name)}: is longer than {limit} characters; expected at most {limit}")
        return value

    external_id, account = text("external_id", MAX_ID), text("account", 200)
    subject, body, owner = text("subject", 200), text("text", MAX_TEXT), text("owner", 254)
    for name, value in (("external_id", external_id), ("account", account)):
        if not value:
            problems.append(f"{where(name)}: {name} is empty; expected a value in every row")
    if not subject and not body:
        problems.append(f"{where('text')}: text is empty; expected what the customer complained about (text or "
                        "subject)")
    account_id = lookups.account(account) if account else None
    if account and account_id is None:
        problems.append(f"{where('account')}: {account!r} is not a stored account{lookups.suggest(account)}; "
                        "expected an account's name as the accounts import stored it")
    owner_id = None
    if not owner and account_id is not None and lookups.owner_of(account) is None:
        problems.append(f"{where('owner')}: owner is empty and account {account!r} has no owner; expected a roster "
                        "person's email or name (or import the accounts with their owners)")
    if owner:
        owner_id = lookups.people.find((aliases or {}).get(owner.lower(), owner), people_by)
        if owner_id is None:
            problems.append(f"{where('owner')}: {owner!r} is not in the roster"
                            f"{lookups.people.suggest(owner, people_by)}; expected a stored person's email or name, "
                            "or empty for the account's owner")
    moments: dict[str, datetime | None] = {}
    for name in ("opened_at", "resolved_at"):
        cell = fields.get(name)
        if cell is None or cell == "":
            moments[name] = None
            if name == "opened_at":
                problems.append(f"{where(name)}: opened_at is empty; expected when the customer complained")
            continue
        moments[name] = None
        try:
            moments[name] = to_moment(cell, formats)
        except ValueError as exc:
            problems.append(f"{where(name)}: {str(cell)[:40]!r} {exc}")
    opened, resolved = moments["opened_at"], moments["resolved_at"]
    if opened is not None and resolved is not None and resolved < opened:
        problems.append(f"{where('resolved_at')}: is before opened_at; expected a moment at or after it")
    words = f"{subject}\n{body}".strip() if subject and body and subject not in body else (body or subject)
    if problems or account_id is None or opened is None:
        return None, problems
    return Case(external_id, account_id, owner_id, opened, words[:MAX_TEXT], resolved), []


def load_mapping(path: str | Path | None) -> tuple[dict[str, str], str, dict[str, str], tuple[str, ...]]:
    """(source header -> our column, people by, owner aliases, date formats) from a mapping YAML, as the other
    CRM imports read theirs; CrmImportErrors naming the file, the key and what is allowed."""
    if path is None:
        return {}, "auto", {}, ()
    file = str(path)
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise CrmImportErrors([f"{file}: no such file; expected a mapping .yml file"]) from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise CrmImportErrors([f"{file}: cannot be read as YAML ({' '.join(str(exc).split())}); expected a "
                               f"mapping of sections {', '.join(SECTIONS)}"]) from None
    if not isinstance(data, dict):
        raise CrmImportErrors([f"{file}: is not a mapping of sections; expected {', '.join(SECTIONS)}"])
    errors = [f"{file}: unknown section {key!r}; expected {', '.join(SECTIONS)}" for key in data if key not in SECTIONS]
    if data.get("kind") not in (None, "cases"):
        errors.append(f"{file}: kind: {data['kind']!r} is not what is being imported; expected 'cases'")
    sections = {key: data.get(key) or {} for key in ("columns", "people", "dates")}
    for key, value in sections.items():
        if not isinstance(value, dict):
            errors.append(f"{file}: {key}: is not a mapping; expected key: value lines under {key}:")
            sections[key] = {}
    columns = {column_name(k): str(v) for k, v in sections["columns"].items()}
    errors += [f"{file}: columns: {source!r} maps to {target!r}; expected one of {', '.join(COLUMNS)}"
               for source, target in columns.items() if target not in COLUMNS]
    by = str(sections["people"].get("by", "auto")).strip().lower()
    if by not in ("auto", "email", "name"):
        errors.append(f"{file}: people: by: {by!r} is not a way to match owners; expected email or name")
    aliases = sections["people"].get("aliases") or {}
    formats = sections["dates"].get("format") or ()
    formats = (formats,) if isinstance(formats, str) else tuple(str(f) for f in formats)
    if errors:
        raise CrmImportErrors(errors)
    return columns, by, {str(k).strip().lower(): str(v).strip() for k, v in dict(aliases).items()}, formats


def read_cases(session: Session, path: str | Path, *, mapping: str | Path | None = None,
               limits: Limits = DEFAULT_LIMITS) -> list[Case]:
    """Every case of the file, checked; CrmImportErrors with one line per problem (nothing is taken)."""
    columns, by, aliases, formats = load_mapping(mapping)
    try:
        table = read_columns(path, limits=limits)
    except TableError as exc:
        raise CrmImportErrors([str(exc)]) from None
    sources = {ours: _source(ours, columns, table) for ours in COLUMNS}
    missing = [f"{table.where()}: missing column {ours!r}; expected columns: {', '.join(REQUIRED)}, text or "
               f"subject[, {', '.join(c for c in OPTIONAL if c not in ('text', 'subject'))}]"
               for ours in REQUIRED if sources[ours] is None]
    if sources["text"] is None and sources["subject"] is None:
        missing.append(f"{table.where()}: missing column 'text'; expected the complaint's text (or a subject)")
    if missing:
        raise CrmImportErrors(missing)
    lookups, cases, errors, seen = Lookups(session), [], [], dict[str, int]()
    raw = {ours: table.raw(src) for ours, src in sources.items() if src is not None}
    for index in range(table.size):
        def where(ours: str, index: int = index) -> str:
            return table.where(index, sources.get(ours))
        case, problems = check_case({ours: clean(cells[index]) for ours, cells in raw.items()}, where=where,
                                    lookups=lookups, people_by=by, aliases=aliases, formats=formats)
        errors += problems
        if case is not None and case.external_id in seen:
            errors.append(f"{where('external_id')}: {case.external_id!r} is also on row {seen[case.external_id]}; "
                          "expected each external_id once")
        elif case is not None:
            seen[case.external_id] = table.numbers[index]
            cases.append(case)
    if errors:
        raise CrmImportErrors(sorted(errors, key=_place))
    return cases


def _place(line: str) -> tuple[int, int, str]:
    """file:row:COL lines in row order, then column order."""
    parts = line.rsplit(": ", 1)[0].split(":")
    row = next((int(p) for p in reversed(parts) if p.isdigit()), 0)
    letters = parts[-1] if parts and parts[-1].isalpha() and parts[-1].isupper() else ""
    return row, len(letters), letters


def _source(ours: str, columns: Mapping[str, str], table: ColumnTable) -> str | None:
    for source, target in columns.items():
        if target == ours and source in table.columns:
            return source
    return ours if ours in table.columns and ours not in columns else None
