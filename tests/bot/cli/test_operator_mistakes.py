"""An operator's likely mistakes, each run as the real `salescoach` process: one line on stderr, exit status 2,
no traceback; only `db upgrade` and `serve` migrate, and nobody's database is taken over."""

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import _postgres_url
from sqlalchemy import create_engine, inspect, make_url, text

from storage.schema_state import migrations

pytestmark = pytest.mark.both_databases  # each engine's own mistakes (missing, foreign, behind)

ROOT = Path(__file__).resolve().parents[3]


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # nothing listens once the probe closes


def salescoach(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), "SLACK_SIGNING_SECRET": "a-signing-secret",
            "SLACK_BOT_TOKEN": "xoxb-not-checked-here", "SLACK_API_URL": f"http://127.0.0.1:{_closed_port()}/api/",
            "DATABASE_URL": f"sqlite:///{cwd}/salescoach.db"}
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], cwd=cwd, env={**base, **env},
                          capture_output=True, text=True, timeout=90)


def one_line(done: subprocess.CompletedProcess[str], status: int = 2) -> str:
    lines = done.stderr.strip().splitlines()
    assert done.returncode == status and len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
    return lines[0]


@pytest.fixture
def upgraded(tmp_path, migrated_sqlite) -> Path:
    """A folder whose salescoach.db is at the latest migration (a copy of the suite's migrated file)."""
    shutil.copyfile(migrated_sqlite, tmp_path / "salescoach.db")
    return tmp_path


def test_db_upgrade_creates_the_tables_of_a_new_database_and_says_so(tmp_path):
    done = salescoach("db", "upgrade", cwd=tmp_path)
    assert done.returncode == 0 and done.stdout.strip() == f"database migrated from empty to {migrations()[-1]}"


def test_a_revoked_bot_token_stops_serve_in_one_line(upgraded, slack):
    line = one_line(salescoach("serve", "--http", "--port", "0", cwd=upgraded, SLACK_API_URL=slack.api_url,
                               SLACK_BOT_TOKEN="xoxb-revoked-000000"))
    assert line.startswith("salescoach: SLACK_BOT_TOKEN: Slack refused the token (invalid_auth); copy it again")


def test_a_token_cut_short_is_named_as_cut_short_not_as_the_wrong_kind(tmp_path):
    line = one_line(salescoach("survey", "list", cwd=tmp_path, SLACK_BOT_TOKEN="xoxb-1"))
    assert line.startswith("salescoach: SLACK_BOT_TOKEN is 'xoxb-…': expected the whole token, which is much longer")


def test_a_bot_token_without_a_manifest_scope_stops_serve_naming_the_scope(upgraded, slack):
    slack.workspace.bot_scopes = tuple(s for s in slack.workspace.bot_scopes if s != "users:read.email")
    line = one_line(salescoach("serve", "--http", "--port", "0", cwd=upgraded, SLACK_API_URL=slack.api_url,
                               SLACK_BOT_TOKEN=slack.bot_token))
    assert line.startswith("salescoach: scopes: the bot token lacks users:read.email, which app_manifest.yml asks for")


@pytest.mark.parametrize("command", [("serve", "--http", "--port", "0"), ("import", "roster", "people.csv")])
def test_slack_out_of_reach_is_one_line_naming_the_url(upgraded, command):
    (upgraded / "people.csv").write_text("email,name,team,manager_email,role\nm@example.com,M,Hunters,,manager\n")
    line = one_line(salescoach(*command, cwd=upgraded))
    assert line.startswith("salescoach: SLACK_API_URL: cannot reach Slack at http://127.0.0.1:")
    assert line.endswith("check the network, a proxy, or SLACK_API_URL")


def test_postgresql_on_a_dead_port_is_one_line_without_the_password(tmp_path):
    url = f"postgresql://coach:s3cret@127.0.0.1:{_closed_port()}/salescoach"
    line = one_line(salescoach("survey", "list", cwd=tmp_path, DATABASE_URL=url))
    assert line.startswith("salescoach: DATABASE_URL: cannot reach the database at postgresql+psycopg://coach:***@")
    assert "s3cret" not in line


def test_a_postgresql_database_that_does_not_exist_is_named_with_what_to_do(tmp_path):
    base = _postgres_url()
    if base is None:
        pytest.skip("set TEST_DATABASE_URL to run against PostgreSQL")
    url = make_url(base).set(database="no_such_salescoach_db").render_as_string(hide_password=False)
    line = one_line(salescoach("survey", "list", cwd=tmp_path, DATABASE_URL=url))
    assert "PostgreSQL has no database 'no_such_salescoach_db'" in line
    assert line.endswith("create it (createdb no_such_salescoach_db) or fix DATABASE_URL")


def test_sqlite_files_that_are_missing_misplaced_or_not_a_database(tmp_path):
    line = one_line(salescoach("survey", "list", cwd=tmp_path, DATABASE_URL=f"sqlite:///{tmp_path}/none.db"))
    assert line == (f"salescoach: DATABASE_URL: {tmp_path}/none.db does not exist; run `salescoach db upgrade` to "
                    "create it")
    assert not (tmp_path / "none.db").exists()
    line = one_line(salescoach("db", "upgrade", cwd=tmp_path, DATABASE_URL="sqlite:///no_dir/x.db"))
    assert line.startswith("salescoach: DATABASE_URL: the folder no_dir for the SQLite file does not exist")
    (tmp_path / "people.csv").write_text("email,name\na@example.com,A\n")
    line = one_line(salescoach("db", "upgrade", cwd=tmp_path, DATABASE_URL=f"sqlite:///{tmp_path}/people.csv"))
    assert line.endswith("people.csv is not a SQLite database file; point DATABASE_URL at salescoach's database")


def test_bad_arguments_are_one_line_naming_what_is_allowed(upgraded):
    (upgraded / "taken.xlsx").write_bytes(b"")
    (upgraded / "notes.txt").write_text("mine")
    cases = {
        ("jobs", "run", "remind", "--at", "garbage"): "salescoach: --at is 'garbage': expected an ISO-8601 time",
        ("demo", "--out", "notes.txt"): "salescoach: --out notes.txt: is a file; give a folder",
        ("export", "coaching", "--manager", "m@example.com", "--period", "2017-Q1", "--out", "p.csv"):
            "salescoach: --out p.csv: expected a file name ending in .xlsx",
        ("export", "survey", "--team", "Hunters", "--out", "taken.xlsx"):
            "salescoach: --out taken.xlsx: already exists",
        ("export", "survey", "--team", "Hunters", "--out", "s.xlsx", "--locale", "xx"):
            "salescoach: --locale xx: expected one of en, ms, zh, lt, fa",
    }
    with ThreadPoolExecutor(len(cases)) as pool:  # separate processes: run them side by side
        done = dict(zip(cases, pool.map(lambda command: salescoach(*command, cwd=upgraded), cases), strict=True))
    for command, start in cases.items():
        assert one_line(done[command]).startswith(start), command
    assert (upgraded / "notes.txt").read_text() == "mine" and not (upgraded / "p.csv").exists()


def test_commands_other_than_db_upgrade_refuse_a_database_that_is_behind_and_change_nothing(upgraded):
    with sqlite3.connect(upgraded / "salescoach.db") as db:
        db.execute("UPDATE alembic_version SET version_num = ?", (migrations()[-2],))
    line = one_line(salescoach("survey", "list", cwd=upgraded))
    assert line == (f"salescoach: DATABASE_URL: the database is at migration {migrations()[-2]} and this version "
                    f"needs {migrations()[-1]}; run `salescoach db upgrade`")
    with sqlite3.connect(upgraded / "salescoach.db") as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchone() == (migrations()[-2],)


def test_no_command_creates_tables_in_an_empty_postgresql_schema_but_db_upgrade(database_url, tmp_path):
    for command in (("survey", "list"), ("check", "--offline")):
        done = salescoach(*command, cwd=tmp_path, DATABASE_URL=database_url)
        assert done.returncode in (1, 2) and "Traceback" not in done.stderr, (command, done.stderr)
    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            assert inspect(conn).get_table_names() == []
    finally:
        engine.dispose()
    assert salescoach("db", "upgrade", cwd=tmp_path, DATABASE_URL=database_url).returncode == 0


def test_every_command_refuses_a_database_that_holds_another_applications_tables(database_url, tmp_path):
    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total NUMERIC)"))
    try:
        for command in (("db", "upgrade"), ("survey", "list")):
            line = one_line(salescoach(*command, cwd=tmp_path, DATABASE_URL=database_url))
            assert "holds tables that are not salescoach's (invoices)" in line, command
        with engine.connect() as conn:
            assert inspect(conn).get_table_names() == ["invoices"]
    finally:
        engine.dispose()
