"""Roster files: every bad cell reported on one line; good files upserted so that a re-import changes nothing."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from storage.db import make_engine, make_sessions
from storage.identity import Origin
from storage.models import ImportRun, Person, Team
from storage.roster import (
    RosterErrors,
    SlackProfile,
    StoredPerson,
    apply_roster,
    apply_slack_profile,
    parse_roster,
    stored_people,
)
from storage.tables import TableError, read_table

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
HEADER = ["email", "name", "team", "manager_email", "role", "slack_id", "timezone", "locale"]
ROSTER = [
    ["maria@example.com", "Maria Manager", "Hunters", "", "manager", "UMARIA", "Europe/Vilnius", "lt-LT"],
    ["ana@example.com", "Ana Rep", "Hunters", "maria@example.com", "rep", "", "Asia/Kuala_Lumpur", "ms-MY"],
    ["li@example.com", "Li Rep", "Farmers", "maria@example.com", "rep", "", "", ""],
    ["ada@example.com", "Ada Admin", "Ops", "", "admin", "", "Asia/Tehran", "fa-IR"],
]


def write_csv(path: Path, rows: list[list[str]], header: list[str] = HEADER, *, encoding: str = "utf-8",
              delimiter: str = ",") -> Path:
    with path.open("w", newline="", encoding=encoding) as f:
        writer = csv.writer(f, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, rows: Sequence[Sequence[object]], header: list[str] = HEADER, *, skip_rows: int = 0) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for _ in range(skip_rows):
        sheet.append([])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def problems(path: Path, stored: Sequence[StoredPerson | str] = ()) -> list[str]:
    with pytest.raises(RosterErrors) as caught:
        parse_roster(path, stored=stored)
    return caught.value.errors


@pytest.fixture
def sessions(migrated_database_url):
    engine = make_engine(migrated_database_url)
    yield make_sessions(engine)
    engine.dispose()


def load(sessions, path: Path, **kwargs):
    with sessions.begin() as session:
        rows = parse_roster(path, stored=stored_people(session))
        return apply_roster(session, rows, now=NOW, **kwargs)


def people(session: Session) -> dict[str, Person]:
    return {p.email: p for p in session.scalars(select(Person))}


# ---- reading tables ------------------------------------------------------------------------------------

def test_xlsx_rows_keep_their_spreadsheet_numbers_letters_and_whole_numbers(tmp_path):
    header = [f"col{i}" for i in range(26)] + ["Quota ", "Start"]
    path = write_xlsx(tmp_path / "deals.xlsx", [[None] * 26 + [1200, date(2026, 1, 5)], [], [None] * 26 + [2.5]],
                      header=header, skip_rows=2)
    table = read_table(path)
    assert table.header_row == 3 and table.columns["quota"] == "AA" and table.columns["start"] == "AB"
    assert [row.number for row in table.rows] == [4, 6]  # the empty row 5 is skipped, not renumbered
    first = table.rows[0]
    assert first.get("quota") == 1200 and isinstance(first.get("quota"), int)
    assert first.text("start") == "2026-01-05" and first.where("quota") == f"{path}:4:AA"
    assert table.rows[1].get("quota") == 2.5


def test_csv_with_bom_semicolons_and_spaced_headers_is_read(tmp_path):
    path = write_csv(tmp_path / "r.csv", [["a@example.com", "Ana; \"the closer\""]], header=[" Email ", "Full Name"],
                     encoding="utf-8-sig", delimiter=";")
    table = read_table(path)
    assert list(table.columns) == ["email", "full_name"]
    assert table.rows[0].text("full_name") == 'Ana; "the closer"' and table.rows[0].number == 2


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("roster.txt", b"email\n", "roster.txt: '.txt' is not a supported file type; expected .csv or .xlsx"),
    ("roster.csv", b"email,name\nana@example.com,J\xf6rg\n", "roster.csv:2: byte 0xf6 is not UTF-8; expected a "
                                                             "UTF-8 file (in Excel: Save As > CSV UTF-8)"),
    ("roster.csv", b"\n\n", "roster.csv:1: the file is empty; expected a header row naming the columns"),
    ("roster.csv", b"email,Email\n", "roster.csv:1:B: column 'email' appears twice (also in A); expected each "
                                     "column once"),
    ("roster.xlsx", b"not a workbook", "roster.xlsx: cannot be read as a spreadsheet"),
])
def test_unreadable_files_get_one_line_naming_the_file(tmp_path, monkeypatch, name, content, expected):
    monkeypatch.chdir(tmp_path)
    Path(name).write_bytes(content)
    with pytest.raises(TableError) as caught:
        read_table(name)
    assert str(caught.value).startswith(expected) and "\n" not in str(caught.value)


# ---- validation ----------------------------------------------------------------------------------------

def test_a_good_roster_parses_with_normalised_values(tmp_path):
    rows = parse_roster(write_xlsx(tmp_path / "roster.xlsx", [
        ["Maria@Example.com ", "Maria", "Hunters", "", "Manager", "", "", "ms_MY"],
        ["ana@example.com", "Ana", "Hunters", "MARIA@example.com", "rep", "W0ANA", "", "zh-Hans-CN"],
        ["li@example.com", "Li", "Hunters", "maria@example.com", "rep", "", "", "es-LA"]]))
    assert [(r.row, r.email, r.role, r.manager_email, r.locale) for r in rows] == [
        (2, "maria@example.com", "manager", None, "ms-MY"), (3, "ana@example.com", "rep", "maria@example.com", "zh-CN"),
        (4, "li@example.com", "rep", "maria@example.com", "es-LA")]
    assert rows[1].slack_id == "W0ANA" and rows[0].timezone is None


def test_bad_rows_are_all_reported_in_file_order(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_csv(Path("roster.csv"), [
        ["maria@example.com", "Maria", "Hunters", "", "manager", "", "", ""],
        ["bob@", "", "Hunters", "nobody@example.com", "sales", "u123", "Mars/Base", "xx-YY"],
        ["MARIA@example.com", "Maria Again", "", "", "rep", "", "", ""]])
    assert problems(Path("roster.csv")) == [
        "roster.csv:3:A: 'bob@' is not an email address; expected name@domain, e.g. ana@example.com",
        "roster.csv:3:B: name is empty; expected the person's name",
        "roster.csv:3:D: 'nobody@example.com' is not in this file nor already stored; expected the email of a "
        "person in the roster, or empty",
        "roster.csv:3:E: 'sales' is not a role; expected rep, manager or admin",
        "roster.csv:3:F: 'u123' is not a Slack user id; expected U or W and capital letters or digits, "
        "e.g. U024BE7LH, or empty",
        "roster.csv:3:G: 'Mars/Base' is not an IANA time zone; expected a name such as Asia/Kuala_Lumpur or "
        "Europe/Vilnius, or empty",
        "roster.csv:3:H: 'xx-YY' is not a known locale; expected a Slack locale such as en-US, ms-MY, zh-CN, "
        "lt-LT or fa-IR, or empty",
        "roster.csv:4:A: 'MARIA@example.com' is also on row 2; expected each email once",
        "roster.csv:4:C: team is empty; expected the name of the person's team",
    ]


def test_missing_column_names_the_expected_columns(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_csv(Path("roster.csv"), [["a@example.com", "A", "T", "", "rep"]],
              header=["email", "name", "team", "manager_email", "rol"])
    assert problems(Path("roster.csv")) == [
        "roster.csv:1: missing column 'role'; expected columns: email, name, team, manager_email, role"
        "[, slack_id, timezone, locale, sales_role]",
        "roster.csv:1:E: unknown column 'rol', did you mean 'role'? expected columns: email, name, team, "
        "manager_email, role[, slack_id, timezone, locale, sales_role]"]


def test_sales_roles_and_their_aliases_are_read_in_any_case_and_anything_else_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    header = [*HEADER[:5], "Sales Role"]
    roles = ["SDR", "bdr", "Sales  Development", "ae", "Account Executive", "closer", "AM", "account-manager", "CSM",
             "cs", "Customer Success", ""]
    rows = parse_roster(write_csv(Path("roster.csv"), [
        [f"p{i}@example.com", f"P {i}", "Hunters", "", "rep", role] for i, role in enumerate(roles)], header))
    assert [r.sales_role for r in rows] == ["sdr"] * 3 + ["ae"] * 3 + ["am"] * 5 + [None]
    assert all(r.has_sales_role for r in rows)
    write_csv(Path("bad.csv"), [["a@example.com", "A", "Hunters", "", "rep", "VP Sales"],
                                ["b@example.com", "B", "Hunters", "", "rep", "sdr"]], header)
    assert problems(Path("bad.csv")) == [
        "bad.csv:2:F: 'VP Sales' is not a sales role; expected sdr, ae or am (also bdr or sales development for sdr; "
        "account executive or closer for ae; account manager, csm, cs or customer success for am), or empty"]


def test_the_sales_role_is_stored_cleared_by_a_blank_cell_and_kept_by_a_file_without_the_column(sessions, tmp_path):
    header = [*HEADER, "sales_role"]
    with_roles = [[*ROSTER[0], ""], [*ROSTER[1], "Closer"], [*ROSTER[2], "csm"], [*ROSTER[3], ""]]
    load(sessions, write_xlsx(tmp_path / "roles.xlsx", with_roles, header))

    def roles() -> dict[str, str | None]:
        with sessions.begin() as session:
            return {email: p.sales_role for email, p in people(session).items()}

    assert roles() == {"maria@example.com": None, "ana@example.com": "ae", "li@example.com": "am",
                       "ada@example.com": None}
    summary = load(sessions, write_csv(tmp_path / "same.csv", with_roles, header))
    assert (summary.updated, summary.unchanged) == (0, 4)
    summary = load(sessions, write_csv(tmp_path / "no_column.csv", ROSTER))  # an older export: roles stay
    assert (summary.updated, summary.unchanged) == (0, 4)
    assert roles()["ana@example.com"] == "ae"
    with_roles[1][-1] = ""
    summary = load(sessions, write_csv(tmp_path / "cleared.csv", with_roles, header))
    assert (summary.updated, summary.unchanged) == (1, 3)
    assert roles()["ana@example.com"] is None


def test_header_without_people_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_csv(Path("roster.csv"), [])
    assert problems(Path("roster.csv")) == ["roster.csv:2: no people under the header; expected one row per person"]


def test_unknown_timezone_suggests_the_closest(tmp_path):
    path = write_csv(tmp_path / "roster.csv", [["a@example.com", "A", "T", "", "rep", "", "Asia/Kuala Lumpur", ""],
                                               ["b@example.com", "B", "T", "", "rep", "", "europe/vilnius", ""],
                                               ["c@example.com", "C", "T", "", "rep", "", "America/Los_Angels", ""]])
    found = problems(path)
    assert [line.split(": ", 1)[1].split(";")[0] for line in found] == [
        "'Asia/Kuala Lumpur' is not an IANA time zone (did you mean Asia/Kuala_Lumpur?)",
        "'europe/vilnius' is not an IANA time zone (did you mean Europe/Vilnius?)",
        "'America/Los_Angels' is not an IANA time zone (did you mean America/Los_Angeles?)"]


def test_manager_may_be_a_stored_person_but_not_oneself(tmp_path):
    path = write_csv(tmp_path / "roster.csv", [["a@example.com", "A", "T", "boss@example.com", "rep", "", "", ""],
                                               ["b@example.com", "B", "T", "b@example.com", "rep", "", "", ""]])
    found = problems(path, ["Boss@example.com"])  # stored emails alone are enough here
    assert len(found) == 1 and found[0].endswith(":3:D: 'b@example.com' is the person's own email; expected their "
                                                 "manager's email, or empty")


def test_management_cycles_are_refused_even_through_stored_people(tmp_path):
    path = write_csv(tmp_path / "roster.csv", [["a@example.com", "A", "T", "b@example.com", "rep", "", "", ""],
                                               ["b@example.com", "B", "T", "c@example.com", "rep", "", "", ""]])
    stored = [StoredPerson("c@example.com", manager_email="a@example.com")]
    assert problems(path, stored) == [
        f"{path}:2:D: 'b@example.com' closes a management cycle (a@example.com -> b@example.com -> c@example.com "
        "-> a@example.com); expected a chain of managers that ends with someone who has no manager"]


def test_slack_ids_are_unique_in_the_file_and_against_stored_people(tmp_path):
    path = write_csv(tmp_path / "roster.csv", [["a@example.com", "A", "T", "", "rep", "UAAA", "", ""],
                                               ["b@example.com", "B", "T", "", "rep", "UAAA", "", ""],
                                               ["c@example.com", "C", "T", "", "rep", "UOLD", "", ""]])
    found = problems(path, [StoredPerson("old@example.com", slack_id="UOLD")])
    assert [line.split(": ", 1)[1] for line in found] == [
        "'UAAA' is also on row 2; expected each slack_id once",
        "'UOLD' is already the Slack id of old@example.com; expected each Slack id once (clear it there first), "
        "or empty"]


# ---- writing ---------------------------------------------------------------------------------------------

def test_importing_creates_teams_people_and_manager_links(sessions, tmp_path):
    summary = load(sessions, write_xlsx(tmp_path / "roster.xlsx", ROSTER))
    assert (summary.created, summary.updated, summary.unchanged, summary.teams_created) == (4, 0, 0, 3)
    with sessions.begin() as session:
        stored = people(session)
        teams = {t.id: t.name for t in session.scalars(select(Team))}
        run = session.scalars(select(ImportRun)).one()
    assert stored["ana@example.com"].manager_id == stored["maria@example.com"].id
    assert teams[stored["li@example.com"].team_id] == "Farmers"
    assert (stored["maria@example.com"].slack_id, stored["maria@example.com"].tz) == ("UMARIA", "Europe/Vilnius")
    assert (stored["li@example.com"].tz, stored["li@example.com"].locale) == ("UTC", "en")  # defaults, no Slack
    assert (run.kind, run.rows, run.created, run.updated, run.finished_at) == ("roster", 4, 4, 0, NOW)


def test_reimporting_the_same_roster_changes_nothing(sessions, tmp_path):
    path = write_csv(tmp_path / "roster.csv", ROSTER)
    load(sessions, path)
    writes: list[str] = []
    engine = sessions.kw["bind"]
    event.listen(engine, "before_cursor_execute", lambda conn, cur, statement, *a: writes.append(statement))
    summary = load(sessions, path)
    assert (summary.created, summary.updated, summary.unchanged, summary.teams_created) == (0, 0, 4, 0)
    changed = [s for s in writes if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert len(changed) == 1 and "import_run" in changed[0]


def test_a_changed_file_updates_only_the_changed_people(sessions, tmp_path):
    load(sessions, write_csv(tmp_path / "v1.csv", ROSTER))
    changed = [list(r) for r in ROSTER]
    changed[1][2], changed[1][6] = "Farmers", "Asia/Shanghai"
    changed[2][3] = "ada@example.com"
    summary = load(sessions, write_csv(tmp_path / "v2.csv", changed))
    assert (summary.created, summary.updated, summary.unchanged, summary.teams_created) == (0, 2, 2, 0)
    with sessions.begin() as session:
        stored = people(session)
        farmers = session.scalars(select(Team.id).where(Team.name == "Farmers")).one()
    assert (stored["ana@example.com"].team_id, stored["ana@example.com"].tz) == (farmers, "Asia/Shanghai")
    assert stored["li@example.com"].manager_id == stored["ada@example.com"].id


def test_people_missing_from_the_file_are_deactivated_only_when_asked(sessions, tmp_path):
    load(sessions, write_csv(tmp_path / "all.csv", ROSTER))
    shorter = write_csv(tmp_path / "shorter.csv", ROSTER[:2])
    assert load(sessions, shorter).deactivated == 0
    with sessions.begin() as session:
        assert people(session)["ada@example.com"].active
    assert load(sessions, shorter, deactivate_missing=True).deactivated == 2
    with sessions.begin() as session:
        assert {e for e, p in people(session).items() if not p.active} == {"li@example.com", "ada@example.com"}


def test_file_timezone_and_locale_win_and_slack_fills_the_gaps(sessions, tmp_path):
    matches = {"ana@example.com": SlackProfile("UANA", tz="Europe/London", locale="en-GB"),
               "li@example.com": SlackProfile("ULI", tz="Asia/Shanghai", locale="zh-CN"),
               "ada@example.com": SlackProfile("UADA", tz="Asia/Tehran", locale="fa-IR", deleted=True)}
    load(sessions, write_csv(tmp_path / "roster.csv", ROSTER), slack_matches=matches)
    with sessions.begin() as session:
        stored = people(session)
    assert (stored["ana@example.com"].slack_id, stored["ana@example.com"].tz, stored["ana@example.com"].locale) == \
        ("UANA", "Asia/Kuala_Lumpur", "ms-MY")
    assert (stored["li@example.com"].slack_id, stored["li@example.com"].tz, stored["li@example.com"].locale) == \
        ("ULI", "Asia/Shanghai", "zh-CN")
    assert stored["ada@example.com"].active is False  # Slack says the account is deactivated


def test_a_slack_match_already_linked_to_someone_else_is_left_unlinked_with_a_warning(sessions, tmp_path):
    matches = {"ana@example.com": SlackProfile("UMARIA", tz="Europe/London")}
    summary = load(sessions, write_csv(tmp_path / "roster.csv", ROSTER), slack_matches=matches)
    assert summary.warnings == [f"{tmp_path / 'roster.csv'}:3: Slack user UMARIA found for ana@example.com is "
                                "already linked to maria@example.com; left unlinked"]
    with sessions.begin() as session:
        assert people(session)["ana@example.com"].slack_id is None


def test_apply_writes_in_the_callers_transaction_and_never_commits(sessions, tmp_path):
    rows = parse_roster(write_csv(tmp_path / "roster.csv", ROSTER))
    session = sessions()
    with session.begin():
        apply_roster(session, rows, now=NOW)
        session.rollback()
    with sessions.begin() as check:
        assert people(check) == {} and check.scalars(select(ImportRun)).all() == []


def test_a_slack_profile_updates_the_person_by_id_or_links_them_by_email(sessions, tmp_path):
    load(sessions, write_csv(tmp_path / "roster.csv", ROSTER))
    here = Origin("T0A", roster=frozenset({"T0A"}))
    with sessions.begin() as session:
        assert apply_slack_profile(session, SlackProfile("UMARIA", tz="Asia/Tokyo", locale="ja-JP"),
                                   origin=here) == "updated"
        assert apply_slack_profile(session, SlackProfile("UANA", tz="Asia/Kuala_Lumpur"),
                                   email="ANA@example.com", origin=here) == "updated"
        assert apply_slack_profile(session, SlackProfile("UANA", tz="Asia/Kuala_Lumpur"), origin=here) == "unchanged"
        assert apply_slack_profile(session, SlackProfile("UNEW"), email="new@example.com", origin=here) == "unknown"
    with sessions.begin() as session:
        stored = people(session)
    assert (stored["maria@example.com"].tz, stored["maria@example.com"].locale) == ("Asia/Tokyo", "ja-JP")
    assert stored["ana@example.com"].slack_id == "UANA" and len(stored) == 4
    assert {(p.slack_team_id, p.slack_enterprise_id) for e, p in stored.items() if p.slack_id} == {("T0A", None)}


def test_a_slack_profile_acts_only_within_the_workspace_or_grid_org_its_person_is_linked_in(sessions, tmp_path):
    load(sessions, write_csv(tmp_path / "roster.csv", ROSTER))
    allowed = frozenset({"T0A", "T0B"})
    a, b = Origin("T0A", "E0ORG", allowed), Origin("T0B", None, allowed)
    same_org, elsewhere = Origin("T0C", "E0ORG", frozenset()), Origin("T0D", None, frozenset())
    with sessions.begin() as session:
        assert apply_slack_profile(session, SlackProfile("UMARIA"), origin=elsewhere) == "refused"  # not allowed
        assert apply_slack_profile(session, SlackProfile("UMARIA"), origin=a) == "updated"  # first contact binds
        assert apply_slack_profile(session, SlackProfile("UMARIA", deleted=True), origin=b) == "refused"
        assert apply_slack_profile(session, SlackProfile("UEVIL", deleted=True), origin=b,
                                   email="Maria@Example.com") == "unknown"  # linked already: never by email
        assert apply_slack_profile(session, SlackProfile("UANA"), email="ana@example.com",
                                   origin=elsewhere) == "unknown"  # a workspace that may not link people
        assert apply_slack_profile(session, SlackProfile("UMARIA", tz="Asia/Tokyo"), origin=same_org) == "updated"
    with sessions.begin() as session:
        maria, ana = people(session)["maria@example.com"], people(session)["ana@example.com"]
        assert (maria.slack_id, maria.slack_team_id, maria.slack_enterprise_id, maria.active, maria.tz) == (
            "UMARIA", "T0A", "E0ORG", True, "Asia/Tokyo")  # the org's other workspace did not move her
        assert ana.slack_id is None


def test_a_roster_import_that_relinks_someone_binds_them_afresh(sessions, tmp_path):
    load(sessions, write_csv(tmp_path / "roster.csv", ROSTER))
    with sessions.begin() as session:
        apply_slack_profile(session, SlackProfile("UMARIA"), origin=Origin("T0A", roster=frozenset({"T0A"})))
    relinked = [["maria@example.com", *ROSTER[0][1:5], "UMARIA2", *ROSTER[0][6:]], *ROSTER[1:]]
    load(sessions, write_csv(tmp_path / "again.csv", relinked))
    with sessions.begin() as session:
        maria = people(session)["maria@example.com"]
        assert (maria.slack_id, maria.slack_team_id) == ("UMARIA2", None)


