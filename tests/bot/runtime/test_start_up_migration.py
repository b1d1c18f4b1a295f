"""`serve` migrates at start-up in a child interpreter (bot.runtime.migrate), so alembic and Mako do not stay in the
serving process; a failed migration stops serve with the child's one line."""

import subprocess
import sys

from test_serve_process import HEAD, _env, _free_port

from bot.runtime import migrate
from storage.schema_state import migrations


def test_the_child_gets_the_database_url_on_stdin_never_on_its_command_line(monkeypatch):
    seen = {}

    def run(args, **kwargs):
        seen.update(args=args, **kwargs)
        return subprocess.CompletedProcess(args, 0)

    monkeypatch.setattr(migrate.subprocess, "run", run)
    url = "postgresql+psycopg://coach:s3cret@db.internal/salescoach"
    migrate.upgrade_in_child(url)
    assert seen["args"] == [sys.executable, "-m", "bot.runtime.migrate"]
    assert seen["input"] == url


def test_the_child_brings_a_new_database_to_head_and_a_second_run_changes_nothing(tmp_path):
    url = f"sqlite:///{tmp_path}/child.db"
    migrate.upgrade_in_child(url)
    migrate.upgrade_in_child(url)
    from storage.db import database_state, make_engine

    engine = make_engine(url)
    try:
        assert database_state(engine)["migration"] == HEAD
    finally:
        engine.dispose()


def test_a_migration_that_fails_stops_serve_with_exit_1_and_the_childs_one_line(tmp_path, slack):
    from sqlalchemy import text

    from storage.db import make_engine, upgrade

    path = tmp_path / "serve.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)  # salescoach's, but claiming its first migration: the second finds its tables there already
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = :first"), {"first": migrations()[0]})
    engine.dispose()
    done = subprocess.run([sys.executable, "-m", "bot.cli", "serve", "--http", "--port", str(_free_port()),
                           "--no-scheduler"], cwd=tmp_path, env=_env(tmp_path, slack, DATABASE_URL=f"sqlite:///{path}"),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr  # the child's one line, no traceback
    assert done.stderr.startswith("salescoach: the database migration at start-up failed ("), done.stderr


def test_serve_refuses_a_sqlite_path_whose_folder_is_missing_in_one_line_and_creates_nothing(tmp_path, slack):
    missing = tmp_path / "no-such-folder" / "serve.db"
    done = subprocess.run([sys.executable, "-m", "bot.cli", "serve", "--http", "--port", str(_free_port()),
                           "--no-scheduler"], cwd=tmp_path, env=_env(tmp_path, slack, DATABASE_URL=f"sqlite:///{missing}"),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines() == [
        f"salescoach: DATABASE_URL: the folder {missing.parent} for the SQLite file does not exist; create it or "
        "point DATABASE_URL at another path"]
    assert not missing.parent.exists()
