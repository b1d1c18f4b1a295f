"""The roster: validate a people-and-teams file completely, then upsert it in the caller's transaction.

Also applies a Slack profile (tz, locale, deactivation) to the stored person it belongs to, from their workspace.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.identity import Origin, belongs, bind
from storage.models import ImportRun, Person, Team
from storage.table_limits import DEFAULT_LIMITS, Limits
from storage.tables import Row, TableError, closest_timezone, is_timezone, read_table, slack_locale

REQUIRED = ("email", "name", "team", "manager_email", "role")
OPTIONAL = ("slack_id", "timezone", "locale", "sales_role")
EXPECTED_COLUMNS = "email, name, team, manager_email, role[, slack_id, timezone, locale, sales_role]"
ROLES = ("rep", "manager", "admin")
SALES_ROLES = ("sdr", "ae", "am")  # sales development, account executive, account manager
SALES_ROLE_ALIASES = {"sdr": "sdr", "bdr": "sdr", "sales development": "sdr",
                      "ae": "ae", "account executive": "ae", "closer": "ae",
                      "am": "am", "account manager": "am", "csm": "am", "cs": "am", "customer success": "am"}
SALES_ROLES_EXPECTED = ("sdr, ae or am (also bdr or sales development for sdr; account executive or closer for ae; "
                        "account manager, csm, cs or customer success for am), or empty")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SLACK_ID = re.compile(r"^[UW][A-Z0-9]+$")
PLACE = re.compile(r":(\d+):([A-Z]+): ")
LIMITS = {"email": 254, "name": 200, "team": 120}


class RosterErrors(Exception):
    """The roster was refused; `errors` holds one line per problem (file:row:column: value; expected ...)."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class RosterRow:
    """One valid person from the file; email and manager_email in lower case, locale as Slack spells it."""

    file: str
    row: int
    email: str
    name: str
    team: str
    manager_email: str | None
    role: str
    slack_id: str | None = None
    timezone: str | None = None
    locale: str | None = None
    sales_role: str | None = None
    has_sales_role: bool = False  # the file has the column: a blank cell clears the stored role, no column keeps it

    @property
    def place(self) -> str:
        return f"{self.file}:{self.row}"


@dataclass(frozen=True)
class StoredPerson:
    """What validation needs to know of people already stored."""

    email: str
    manager_email: str | None = None
    slack_id: str | None = None


@dataclass(frozen=True)
class SlackProfile:
    """A Slack user as the roster needs it (from users.info or a user_change/team_join event)."""

    slack_id: str
    tz: str | None = None
    locale: str | None = None
    deleted: bool = False
    real_name: str = ""
    status_text: str | None = None
    status_emoji: str | None = None
    status_until: datetime | None = None


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    teams_created: int = 0
    warnings: list[str] = field(default_factory=list)


def stored_people(session: Session) -> list[StoredPerson]:
    people = list(session.scalars(select(Person)))
    email_of = {p.id: p.email.lower() for p in people}
    return [StoredPerson(p.email.lower(), email_of.get(p.manager_id) if p.manager_id else None, p.slack_id)
            for p in people]


# ---- validation -----------------------------------------------------------------------------------------

def parse_roster(path: str | Path, *, stored: Iterable[StoredPerson | str] = (),
                 limits: Limits = DEFAULT_LIMITS) -> list[RosterRow]:
    """Read and check the whole file against the people already stored (or just their emails); raises
    RosterErrors listing every problem, or returns every row (ShapeError: the file is beyond the limits)."""
    try:
        table = read_table(path, limits=limits)
    except TableError as exc:
        raise RosterErrors([str(exc)]) from None
    errors = [f"{table.where()}: missing column {name!r}; expected columns: {EXPECTED_COLUMNS}"
              for name in table.missing(REQUIRED)]
    for name in table.columns:
        close = difflib.get_close_matches(name, REQUIRED + OPTIONAL, n=1, cutoff=0.75)
        if name not in REQUIRED + OPTIONAL and close:
            errors.append(f"{table.where(name)}: unknown column {name!r}, did you mean {close[0]!r}? "
                          f"expected columns: {EXPECTED_COLUMNS}")
    if errors:
        raise RosterErrors(errors)
    if not table.rows:
        raise RosterErrors([f"{table.file}:{table.header_row + 1}: no people under the header; "
                            "expected one row per person"])
    checked = [(row, _check_row(row, errors)) for row in table.rows]
    known = [StoredPerson(p.lower()) if isinstance(p, str) else p for p in stored]
    _check_unique(checked, known, errors)
    _check_managers(checked, known, errors)
    if errors:
        raise RosterErrors(sorted(errors, key=_place))
    return [person for _, person in checked]


def _place(line: str) -> tuple[int, int, str]:
    """Sort key: row, then column (A < Z < AA) of a `file:row:COL: ...` line."""
    found = PLACE.search(line)
    return (int(found[1]), len(found[2]), found[2]) if found else (0, 0, "")


def _bad(row: Row, column: str, problem: str, expected: str) -> str:
    return f"{row.where(column)}: {row.text(column)!r} {problem}; expected {expected}"


def _check_row(row: Row, errors: list[str]) -> RosterRow:
    for column, what in (("email", "the person's email address"), ("name", "the person's name"),
                         ("team", "the name of the person's team"), ("role", "rep, manager or admin")):
        if not row.text(column):
            errors.append(f"{row.where(column)}: {column} is empty; expected {what}")
    for column, limit in LIMITS.items():
        if len(row.text(column)) > limit:
            errors.append(_bad(row, column, f"is longer than {limit} characters", f"at most {limit}"))
    for column in ("email", "manager_email"):
        if row.text(column) and not EMAIL.match(row.text(column)):
            errors.append(_bad(row, column, "is not an email address", "name@domain, e.g. ana@example.com"))
    role = row.text("role").lower()
    if role and role not in ROLES:
        errors.append(_bad(row, "role", "is not a role", "rep, manager or admin"))
    slack_id = row.text("slack_id")
    if slack_id and not SLACK_ID.match(slack_id):
        errors.append(_bad(row, "slack_id", "is not a Slack user id",
                           "U or W and capital letters or digits, e.g. U024BE7LH, or empty"))
    tz = row.text("timezone")
    if tz and not is_timezone(tz):
        guess = closest_timezone(tz)
        hint = f" (did you mean {guess}?)" if guess else ""
        errors.append(_bad(row, "timezone", f"is not an IANA time zone{hint}",
                           "a name such as Asia/Kuala_Lumpur or Europe/Vilnius, or empty"))
    locale = slack_locale(row.text("locale")) if row.text("locale") else None
    if row.text("locale") and locale is None:
        errors.append(_bad(row, "locale", "is not a known locale", "a Slack locale such as en-US, ms-MY, zh-CN, "
                                                                    "lt-LT or fa-IR, or empty"))
    sales_role = sales_role_of(row.text("sales_role"))
    if row.text("sales_role") and sales_role is None:
        errors.append(_bad(row, "sales_role", "is not a sales role", SALES_ROLES_EXPECTED))
    return RosterRow(row.file, row.number, row.text("email").lower(), row.text("name"), row.text("team"),
                     row.text("manager_email").lower() or None, role, slack_id or None, tz or None, locale,
                     sales_role, "sales_role" in row.letters)


def sales_role_of(text: str) -> str | None:
    """'sdr', 'ae' or 'am' for a role or its alias in any case, spacing or hyphenation; None for anything else."""
    return SALES_ROLE_ALIASES.get(" ".join(text.replace("-", " ").replace("_", " ").split()).casefold())


def _check_unique(checked: list[tuple[Row, RosterRow]], stored: list[StoredPerson], errors: list[str]) -> None:
    owner = {p.slack_id: p.email for p in stored if p.slack_id}
    for column, key in (("email", lambda p: p.email), ("slack_id", lambda p: p.slack_id)):
        first: dict[str, int] = {}
        for row, person in checked:
            value = key(person)
            if not value:
                continue
            if value in first:
                errors.append(_bad(row, column, f"is also on row {first[value]}", f"each {column} once"))
            else:
                first[value] = row.number
            if column == "slack_id" and owner.get(value, person.email) != person.email:
                errors.append(_bad(row, column, f"is already the Slack id of {owner[value]}",
                                   "each Slack id once (clear it there first), or empty"))


def _check_managers(checked: list[tuple[Row, RosterRow]], stored: list[StoredPerson], errors: list[str]) -> None:
    manager_of = {p.email: p.manager_email for p in stored}
    in_file = {person.email: row for row, person in checked}
    for row, person in checked:
        wanted = person.manager_email
        if not wanted or not EMAIL.match(wanted):
            manager_of[person.email] = None
        elif wanted == person.email:
            errors.append(_bad(row, "manager_email", "is the person's own email", "their manager's email, or empty"))
            manager_of[person.email] = None
        elif wanted not in in_file and wanted not in manager_of:
            errors.append(_bad(row, "manager_email", "is not in this file nor already stored",
                               "the email of a person in the roster, or empty"))
            manager_of[person.email] = None
        else:
            manager_of[person.email] = wanted
    reported: set[frozenset[str]] = set()
    for email in in_file:
        chain = [email]
        while (boss := manager_of.get(chain[-1])) and boss not in chain:
            chain.append(boss)
        if not boss:
            continue
        cycle = chain[chain.index(boss):]
        if frozenset(cycle) in reported:
            continue
        reported.add(frozenset(cycle))
        rows_in_cycle = [in_file[e] for e in cycle if e in in_file]
        if not rows_in_cycle:
            continue  # a loop among stored people only is not this file's doing
        row = min(rows_in_cycle, key=lambda r: r.number)
        start = cycle.index(row.text("email").lower())
        loop = " -> ".join([*cycle[start:], *cycle[:start], cycle[start]])
        errors.append(_bad(row, "manager_email", f"closes a management cycle ({loop})",
                           "a chain of managers that ends with someone who has no manager"))


# ---- writing --------------------------------------------------------------------------------------------

def apply_roster(session: Session, rows: list[RosterRow], *, now: datetime,
                 slack_matches: Mapping[str, SlackProfile] | None = None, deactivate_missing: bool = False,
                 filename: str | None = None, warnings: Iterable[str] = ()) -> ImportSummary:
    """Upsert teams (by name) and people (by email) from validated rows, in the caller's transaction.

    The file wins for tz and locale; Slack fills them when the file leaves them empty. A person in the file is
    active unless Slack says their account is deactivated. A file without the sales_role column leaves stored sales
    roles as they are (a blank cell clears one). Importing the same rows twice changes nothing.
    """
    matches = slack_matches or {}
    summary = ImportSummary(warnings=list(warnings))
    people = {p.email.lower(): p for p in session.scalars(select(Person))}
    teams = {t.name.lower(): t for t in session.scalars(select(Team))}
    for name in dict.fromkeys(row.team for row in rows):
        if name.lower() not in teams:
            teams[name.lower()] = Team(name=name, locale="en")
            session.add(teams[name.lower()])
            summary.teams_created += 1
    session.flush()
    owner = {p.slack_id: email for email, p in people.items() if p.slack_id}
    owner.update({row.slack_id: row.email for row in rows if row.slack_id})
    changed: set[str] = set()
    created: set[str] = set()
    for row in rows:
        profile = matches.get(row.email)
        values: dict[str, object] = {"name": row.name, "team_id": teams[row.team.lower()].id, "role": row.role,
                                     "active": not (profile and profile.deleted)}
        if row.has_sales_role:
            values["sales_role"] = row.sales_role
        slack_id = row.slack_id or (profile.slack_id if profile else None)
        if slack_id and owner.setdefault(slack_id, row.email) != row.email:
            summary.warnings.append(f"{row.place}: Slack user {slack_id} found for {row.email} is already linked "
                                    f"to {owner[slack_id]}; left unlinked")
        elif slack_id:
            values["slack_id"] = slack_id
            known = people.get(row.email)
            if known is not None and known.slack_id != slack_id:  # the admin re-linked them: bound afresh
                values.update(slack_team_id=None, slack_enterprise_id=None)
        tz = row.timezone or (profile.tz if profile and profile.tz and is_timezone(profile.tz) else None)
        locale = row.locale or (slack_locale(profile.locale) if profile and profile.locale else None)
        values.update({k: v for k, v in (("tz", tz), ("locale", locale)) if v})
        person = people.get(row.email)
        if person is None:
            people[row.email] = Person(email=row.email, **{"tz": "UTC", "locale": "en", **values})
            session.add(people[row.email])
            created.add(row.email)
        elif _assign(person, values):
            changed.add(row.email)
    session.flush()
    for row in rows:
        manager = people[row.manager_email].id if row.manager_email else None
        if _assign(people[row.email], {"manager_id": manager}):
            changed.add(row.email)
    in_file = {row.email for row in rows}
    for email, person in people.items():
        if deactivate_missing and email not in in_file and person.active:
            person.active = False
            summary.deactivated += 1
    summary.created, summary.updated = len(created), len(changed - created)
    summary.unchanged = len(rows) - summary.created - summary.updated
    session.add(ImportRun(kind="roster", filename=filename or rows[0].file, finished_at=now, rows=len(rows),
                          created=summary.created, updated=summary.updated + summary.deactivated,
                          errors=summary.warnings))
    session.flush()
    return summary


def _assign(target: object, values: Mapping[str, object]) -> bool:
    """Set only what differs (so an unchanged row issues no UPDATE); True when anything changed."""
    changed = False
    for key, value in values.items():
        if getattr(target, key) != value:
            setattr(target, key, value)
            changed = True
    return changed


def apply_slack_profile(session: Session, profile: SlackProfile, *, origin: Origin, email: str | None = None
                        ) -> Literal["unknown", "refused", "unchanged", "updated"]:
    """Apply a Slack user (users.info, user_change, team_join) from `origin` to the person it belongs to.

    The person with the user's id is changed only from their own workspace (or Grid org): "refused" otherwise.
    A person with no Slack id yet is linked by the profile's email, only from a workspace allowed to link people,
    and bound to it. Deactivation is applied; reactivation is left to a roster import.
    """
    person = session.scalar(select(Person).where(Person.slack_id == profile.slack_id))
    if person is not None and not belongs(person, origin):
        return "refused"
    values: dict[str, object] = {}
    if person is None and email and origin.links_people:
        person = session.scalar(select(Person).where(func.lower(Person.email) == email.strip().lower(),
                                                     Person.slack_id.is_(None)))
        values = {"slack_id": profile.slack_id, "slack_team_id": origin.team_id,
                  "slack_enterprise_id": origin.enterprise_id}
    if person is None:
        return "unknown"
    tied = not values and bind(session, person, origin)
    if profile.tz and is_timezone(profile.tz):
        values["tz"] = profile.tz
    if profile.locale and slack_locale(profile.locale):
        values["locale"] = slack_locale(profile.locale)
    if profile.deleted:
        values["active"] = False
    values.update(status_text=(profile.status_text or None) and profile.status_text[:100],
                  status_emoji=(profile.status_emoji or None) and profile.status_emoji[:100],
                  status_until=profile.status_until)
    changed = _assign(person, values) or tied
    session.flush()
    return "updated" if changed else "unchanged"
