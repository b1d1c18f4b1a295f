"""`serve` migrates at start-up in a child interpreter (bot.runtime.migrate), so alembic and Mako do not stay in the
serving process; a failed migration stops serve with one line after the child's own error."""

import subprocess
import sys

from test_serve_process import HEAD, _env, _free_port

from bot.runtime import migrate


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


def test_a_migration_that_fails_stops_serve_with_exit_1_and_one_line_after_the_childs_error(tmp_path, slack):
    missing = tmp_path / "no-such-folder" / "serve.db"
    done = subprocess.run([sys.executable, "-m", "bot.cli", "serve", "--http", "--port", str(_free_port()),
                           "--no-scheduler"], cwd=tmp_path, env=_env(tmp_path, slack, DATABASE_URL=f"sqlite:///{missing}"),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1, done.stderr
    *child, last = done.stderr.strip().splitlines()
    assert last == "salescoach: the database migration at start-up did not finish (exit 1); its error is above"
    assert any("unable to open database file" in line for line in child), done.stderr
    assert not missing.parent.exists()
