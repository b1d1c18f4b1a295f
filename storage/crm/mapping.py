"""What a CRM file must hold per kind (our column names), the optional YAML mapping from a CRM's own export,
and how the owner column finds a roster person (and the team column a roster team).

Canonical columns (required ones first; a `*` marks required):
  deals       external_id*, owner*, stage* (or outcome), outcome, account, product, amount, engaged_on, created_on,
              expected_close_on, closed_on (required when won or lost), next_step, next_step_on, last_activity_on,
              churned, acquisition_cost, deal_type (new, renewal or expansion), loss_reason (price, competitor,
              timing, no decision, product gap or other; kept on lost deals only), competitor
  accounts    name*, sector, employees, revenue, potential (money), potential_tier (high, medium or low), churned_on,
              owner (the account manager)
  activities  owner*, day*, kind* (call, email, meeting, demo, other), count (default 1), account, external_id
  quotas      owner*, period_start*, amount*, period_kind (month or quarter; default month)
  leads       external_id*, owner*, created_on, converted_on, deal_external_id
  spend       period_start*, amount* (sales and marketing spend), period_kind (month or quarter; default month),
              team (a roster team; empty: the whole organisation)
  contacts    external_id*, account*, name*, email, role (title), left_on (the day they left the account)

`owner` is a roster person's email or name. Without a mapping, deal stages must read won, lost or open (also
"closed won", "closed lost"); deal_type and potential_tier take the words and aliases of storage.crm.values.CHOICES
in any case. The mapping format is documented in docs/examples/maven-crm-mapping.yml.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.crm.models import OUTCOMES
from storage.crm.values import CHOICES, CHOSEN, to_choice
from storage.models import Person, Team
from storage.tables import column_name

REQUIRED: dict[str, tuple[str, ...]] = {
    "deals": ("external_id", "owner", "stage"),
    "accounts": ("name",),
    "activities": ("owner", "day", "kind"),
    "quotas": ("owner", "period_start", "amount"),
    "leads": ("external_id", "owner"),
    "spend": ("period_start", "amount"),
    "contacts": ("external_id", "account", "name"),
}
OPTIONAL: dict[str, tuple[str, ...]] = {
    "deals": ("outcome", "account", "product", "amount", "engaged_on", "created_on", "expected_close_on",
              "closed_on", "next_step", "next_step_on", "last_activity_on", "churned", "acquisition_cost",
              "deal_type", "loss_reason", "competitor"),
    "accounts": ("sector", "employees", "revenue", "potential", "potential_tier", "churned_on", "owner"),
    "activities": ("count", "account", "external_id"),
    "quotas": ("period_kind",),
    "leads": ("created_on", "converted_on", "deal_external_id"),
    "spend": ("period_kind", "team"),
    "contacts": ("email", "role", "left_on"),
}
KINDS = tuple(REQUIRED)
DEFAULT_STAGES = {"won": "won", "closed won": "won", "lost": "lost", "closed lost": "lost", "open": "open"}
PEOPLE_BY = ("auto", "email", "name")
SECTIONS = ("kind", "columns", "stages", "products", "values", "people", "dates")


class CrmImportErrors(Exception):
    """The file (or its mapping) was refused; `errors` holds one line per problem, nothing was written."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


def expected_columns(kind: str) -> str:
    return ", ".join(REQUIRED[kind]) + "[, " + ", ".join(OPTIONAL[kind]) + "]"


@dataclass(frozen=True)
class ColumnMapping:
    """How one CRM's export reads as ours: header renames, value aliases, how owners are matched, date formats.
    Value aliases are keyed by the source value in lower case."""

    columns: Mapping[str, str] = field(default_factory=dict)  # source header (normalised) -> our column
    stages: Mapping[str, str] | None = None  # source stage (lower case) -> outcome; None: DEFAULT_STAGES
    values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # our column -> {source: ours}
    people_by: str = "auto"
    people_aliases: Mapping[str, str] = field(default_factory=dict)  # source owner (lower case) -> roster value
    date_formats: tuple[str, ...] = ()

    def source_of(self, ours: str, headers: Mapping[str, str]) -> str | None:
        """The file's header that holds our column `ours` (renamed by the mapping, else under our name)."""
        for source, target in self.columns.items():
            if target == ours and source in headers:
                return source
        renamed = ours in self.columns and self.columns[ours] != ours
        return ours if ours in headers and not renamed else None

    def outcome_of(self, stage: str) -> str | None:
        return (self.stages if self.stages is not None else DEFAULT_STAGES).get(stage.lower())


def load_mapping(path: str | Path | None, *, kind: str) -> ColumnMapping:
    """Read and check a mapping YAML; raises CrmImportErrors naming the file, the key and what is allowed."""
    if path is None:
        return ColumnMapping()
    file = str(path)
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CrmImportErrors([f"{file}: no such file; expected a mapping .yml file"]) from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        problem = " ".join(str(exc).split())
        raise CrmImportErrors([f"{file}: cannot be read as YAML ({problem}); expected a mapping of sections "
                               f"{', '.join(SECTIONS)}"]) from None
    data = {} if data is None else data
    if not isinstance(data, dict):
        raise CrmImportErrors([f"{file}: is not a mapping of sections; expected {', '.join(SECTIONS)}"])
    errors: list[str] = []
    for key in data:
        if key not in SECTIONS:
            close = difflib.get_close_matches(str(key), SECTIONS, n=1)
            hint = f", did you mean {close[0]!r}?" if close else ""
            errors.append(f"{file}: unknown section {key!r}{hint}; expected {', '.join(SECTIONS)}")
    if data.get("kind") is not None and data["kind"] != kind:
        errors.append(f"{file}: kind: {data['kind']!r} is not what is being imported; expected {kind!r} "
                      f"(or import the file as {data['kind']})")
    ours = REQUIRED[kind] + OPTIONAL[kind]
    columns = {column_name(k): str(v) for k, v in _section(data, "columns", file, errors).items()}
    for source, target in columns.items():
        if target not in ours:
            close = difflib.get_close_matches(target, ours, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            errors.append(f"{file}: columns: {source!r} maps to {target!r}{hint}; expected one of {', '.join(ours)}")
    stages = None
    if "stages" in data:
        stages = {str(k).strip().lower(): str(v).strip().lower() for k, v in _section(data, "stages", file,
                                                                                      errors).items()}
        for source, outcome in stages.items():
            if outcome not in OUTCOMES:
                errors.append(f"{file}: stages: {source!r} maps to {outcome!r}; expected {', '.join(OUTCOMES)}")
    values: dict[str, dict[str, str]] = {}
    for column, aliases in _section(data, "values", file, errors).items():
        if column not in ours:
            errors.append(f"{file}: values: {column!r} is not a column of {kind}; expected one of {', '.join(ours)}")
        elif not isinstance(aliases, dict):
            errors.append(f"{file}: values: {column}: is not a mapping; expected source value: our value")
        else:
            values[column] = _aliases(aliases)
            for source, target in values[column].items() if column in CHOICES else ():
                if to_choice(column, target) is None:
                    errors.append(f"{file}: values: {column}: {source!r} maps to {target!r}; expected "
                                  f"{CHOSEN[column]}")
    if "products" in data:
        values["product"] = {**values.get("product", {}), **_aliases(_section(data, "products", file, errors))}
    people = _section(data, "people", file, errors)
    by = str(people.get("by", "auto")).strip().lower()
    if by not in PEOPLE_BY:
        errors.append(f"{file}: people: by: {by!r} is not a way to match owners; expected email or name")
    aliases = people.get("aliases") or {}
    if not isinstance(aliases, dict):
        errors.append(f"{file}: people: aliases: is not a mapping; expected CRM owner: roster email or name")
        aliases = {}
    dates = _section(data, "dates", file, errors)
    formats = dates.get("format") or ()
    formats = (formats,) if isinstance(formats, str) else tuple(str(f) for f in formats)
    for fmt in formats:
        if "%" not in fmt:
            errors.append(f"{file}: dates: format: {fmt!r} has no directives; expected a strptime format "
                          "such as '%d/%m/%Y'")
    if errors:
        raise CrmImportErrors(errors)
    return ColumnMapping(columns, stages, values, by, _aliases(aliases), formats)


def _section(data: Mapping[str, Any], key: str, file: str, errors: list[str]) -> Mapping[str, Any]:
    value = data.get(key) or {}
    if not isinstance(value, dict):
        errors.append(f"{file}: {key}: is not a mapping; expected key: value lines under {key}:")
        return {}
    return value


def _aliases(raw: Mapping[Any, Any]) -> dict[str, str]:
    return {str(k).strip().lower(): str(v).strip() for k, v in raw.items()}


class People:
    """The stored roster as owners are matched: by email (any case) or by name (any case, spacing); and its teams
    by name (any case, spacing), read when first asked for."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.by_email: dict[str, int] = {}
        self.by_name: dict[str, int | None] = {}  # None: two people share the name
        self.names: dict[str, str] = {}
        self._teams: dict[str, tuple[int | None, str]] | None = None
        for person_id, email, name in session.execute(select(Person.id, Person.email, Person.name)):
            self.by_email[email.lower()] = person_id
            key = name_key(name)
            self.by_name[key] = None if key in self.by_name else person_id
            self.names[key] = name

    @property
    def teams(self) -> dict[str, tuple[int | None, str]]:
        """Team id (None: two teams share the name) and its stored name, by name_key."""
        if self._teams is None:
            self._teams = {}
            for team_id, name in self.session.execute(select(Team.id, Team.name)):
                key = name_key(name)
                self._teams[key] = (None if key in self._teams else team_id, name)
        return self._teams

    def find(self, value: str, by: str) -> int | None:
        if by == "email" or (by == "auto" and "@" in value):
            return self.by_email.get(value.lower())
        return self.by_name.get(name_key(value))

    def suggest(self, value: str, by: str) -> str:
        if by == "email" or (by == "auto" and "@" in value):
            close = difflib.get_close_matches(value.lower(), list(self.by_email), n=3, cutoff=0.8)
        else:
            close = [self.names[k] for k in difflib.get_close_matches(name_key(value), list(self.names), n=3,
                                                                      cutoff=0.6)]
        return f" (close matches: {', '.join(close)})" if close else " (no close match: import the roster first?)"


def name_key(name: str) -> str:
    """How names are compared: any case, any spacing."""
    return " ".join(name.split()).casefold()
