"""`salescoach import cases FILE [--mapping]`, on SQLite and PostgreSQL: cases become complaints (their open
owners told once), a re-import updates by external id and never duplicates, and a bad file is refused whole with
one line per bad cell naming file:row:column."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from conftest import seed_team
from sqlalchemy import select
from test_crm_import import write_table

from bot.cli.main import main
from storage.complaints.models import ComplaintRow
from storage.crm.models import CrmAccount
from storage.db import make_engine, make_sessions
from storage.models import ImportRun, OutboxMessage

HEADER = ["Case Number", "account", "owner", "opened_at", "subject", "text", "resolved_at"]
ROWS = [["C-1", "Acme", "rep0@example.com", "2026-12-04 15:30", "Invoice wrong", "Billed twice", ""],
        ["C-2", "acme", "", "2026-12-03T09:00:00+08:00", "Late", "", "2026-12-03 05:00"]]


@pytest.fixture
def env(migrated_database_url, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", migrated_database_url)
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9/api/")
    engine = make_engine(migrated_database_url)
    sessions = make_sessions(engine)
    with sessions.begin() as s:
        ids = seed_team(s, reps=3)
        s.add_all([CrmAccount(name="Acme", owner_id=ids["UREP1"]), CrmAccount(name="Globex")])
    (tmp_path / "map.yml").write_text("kind: cases\ncolumns:\n  Case Number: external_id\n", encoding="utf-8")
    yield sessions
    engine.dispose()


def _stored(sessions):
    with sessions.begin() as s:
        return [(c.external_id, c.owner_id, c.text, c.opened_at, c.resolved_at)
                for c in s.scalars(select(ComplaintRow).order_by(ComplaintRow.external_id))]


def test_cases_are_imported_once_and_updated_by_external_id(env, tmp_path, capsys):
    path = write_table(tmp_path / "cases.csv", ROWS, HEADER)
    assert main(["import", "cases", str(path), "--mapping", "map.yml"]) == 0
    assert capsys.readouterr().out == f"{path}: 2 case(s): 2 added, 0 updated, 0 unchanged\n"
    stored = _stored(env)
    assert stored[0][1:] == (2, "Invoice wrong\nBilled twice", datetime(2026, 12, 4, 15, 30, tzinfo=UTC), None)
    assert stored[1][1:3] == (3, "Late")  # no owner: the account's
    assert main(["import", "cases", str(path), "--mapping", "map.yml"]) == 0
    assert capsys.readouterr().out == f"{path}: 2 case(s): 0 added, 0 updated, 2 unchanged\n"
    rows = [[*ROWS[0][:6], "2026-12-04 17:00"], ROWS[1]]
    assert main(["import", "cases", str(write_table(path, rows, HEADER)), "--mapping", "map.yml"]) == 0
    assert capsys.readouterr().out.endswith("0 added, 1 updated, 1 unchanged\n")
    assert _stored(env)[0][4] == datetime(2026, 12, 4, 17, 0, tzinfo=UTC) and len(_stored(env)) == 2
    with env.begin() as s:  # only the open case's owner was told, once
        first = s.scalar(select(ComplaintRow.id).where(ComplaintRow.external_id == "C-1"))
        assert list(s.scalars(select(OutboxMessage.key))) == [f"complaint:{first}"]


def test_a_bad_cases_file_is_refused_whole_with_one_line_per_bad_cell(env, tmp_path, capsys):
    rows = [ROWS[0], ["C-1", "Acne", "nobody@example.com", "friday", "", "", ""],
            ["C-9", "Globex", "", "2026-12-04 10:00", "Broken", "", ""]]
    path = write_table(tmp_path / "cases.csv", rows, HEADER)
    assert main(["import", "cases", str(path), "--mapping", "map.yml"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[:-1] == [
        f"{path}:3:B: 'Acne' is not a stored account (close matches: Acme); expected an account's name as the "
        "accounts import stored it",
        f"{path}:3:C: 'nobody@example.com' is not in the roster (no close match: import the roster first?); "
        "expected a stored person's email or name, or empty for the account's owner",
        f"{path}:3:D: 'friday' is not a date and time; expected e.g. 2026-12-04 15:30 or "
        "2026-12-04T15:30:00+08:00",
        f"{path}:3:F: text is empty; expected what the customer complained about (text or subject)",
        f"{path}:4:C: owner is empty and account 'Globex' has no owner; expected a roster person's email or name "
        "(or import the accounts with their owners)"]
    assert err[-1] == "salescoach: nothing was imported (5 problem(s))"
    assert not _stored(env)
    with env.begin() as s:
        assert s.scalars(select(ImportRun.kind)).one() == "cases"
