"""`salescoach import deals|accounts|...`: a summary on success; on refusal one line per problem, exit 1, and
the refused file recorded for admins."""

from __future__ import annotations

import pytest
from conftest import seed_team
from sqlalchemy import select
from test_crm_import import DEALS, write_table

from bot.cli.main import main
from storage.db import make_engine, make_sessions
from storage.models import ImportRun


@pytest.fixture
def env(cli_database, monkeypatch):
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9/api/")
    engine = make_engine(cli_database)
    with make_sessions(engine).begin() as s:
        seed_team(s, reps=3, slack_ids=False)
    yield make_sessions(engine)
    engine.dispose()


def test_import_deals_prints_what_was_added_then_that_nothing_changed(env, tmp_path, capsys):
    path = write_table(tmp_path / "deals.xlsx", DEALS)
    assert main(["import", "deals", str(path)]) == 0
    assert capsys.readouterr().out == (f"{path}: 4 row(s) of deals: 4 added, 0 updated, 0 unchanged, 0 newly won; "
                                       "2 account(s) added by name\n")
    assert main(["import", "deals", str(path)]) == 0
    assert capsys.readouterr().out == f"{path}: 4 row(s) of deals: 0 added, 0 updated, 4 unchanged, 0 newly won\n"


def test_a_refused_file_exits_1_prints_each_problem_and_is_recorded(env, tmp_path, capsys):
    rows = [list(r) for r in DEALS]
    rows[0][5] = -1
    path = write_table(tmp_path / "deals.csv", rows)
    assert main(["import", "deals", str(path)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [f"{path}:2:F: '-1' is negative; expected 0 or more",
                   "salescoach: nothing was imported (1 problem(s))"]
    with env.begin() as session:
        run = session.scalars(select(ImportRun)).one()
        assert (run.kind, run.rows, run.errors) == ("deals", 0, err[:1])


def test_import_spend_prints_what_was_added_then_that_nothing_changed(env, tmp_path, capsys):
    path = write_table(tmp_path / "spend.csv", [["2026-10-01", "", 5000], ["2026-10-01", "Hunters", 2000]],
                       ["period_start", "team", "amount"])
    assert main(["import", "spend", str(path)]) == 0
    assert capsys.readouterr().out == f"{path}: 2 row(s) of spend: 2 added, 0 updated, 0 unchanged\n"
    assert main(["import", "spend", str(path)]) == 0
    assert capsys.readouterr().out == f"{path}: 2 row(s) of spend: 0 added, 0 updated, 2 unchanged\n"


def test_import_help_lists_every_kind(capsys):
    with pytest.raises(SystemExit) as done:
        main(["import", "--help"])
    out = capsys.readouterr().out
    assert done.value.code == 0
    assert all(kind in out for kind in ("roster", "deals", "accounts", "activities", "quotas", "leads", "spend"))


@pytest.mark.parametrize("kind", ["deals", "accounts", "activities", "quotas", "leads", "spend"])
def test_every_crm_import_has_help_naming_its_columns(kind, capsys):
    with pytest.raises(SystemExit) as done:
        main(["import", kind, "--help"])
    assert done.value.code == 0 and "Columns (without --mapping)" in capsys.readouterr().out
