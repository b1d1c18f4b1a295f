"""The operator's CLI: survey commands, jobs, and errors that name what is allowed."""


import pytest
from conftest import seed_team

from bot.cli.main import main
from bot.runtime.jobs import make_scheduler
from storage.db import make_engine, make_sessions


@pytest.fixture
def env(cli_database, monkeypatch):
    url = cli_database
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9/api/")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-cli-test")
    engine = make_engine(url)
    with make_sessions(engine).begin() as s:
        seed_team(s, reps=5, slack_ids=False)
    engine.dispose()
    return url


def test_survey_create_prints_the_new_id_and_list_shows_it(env, capsys):
    assert main(["survey", "create", "--team", "Hunters", "--questions", "enps,manager", "--cadence", "weekly",
                 "--day", "mon", "--time", "09:00"]) == 0
    assert capsys.readouterr().out.strip() == "1"
    assert main(["survey", "list"]) == 0
    listing = capsys.readouterr().out
    assert "Hunters" in listing and "weekly" in listing and "enps,manager" in listing


def test_survey_create_with_an_unknown_question_exits_1_with_one_line(env, capsys):
    assert main(["survey", "create", "--team", "Hunters", "--questions", "enps,bogus"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["salescoach: unknown question id 'bogus'; see `salescoach survey questions`"]


def test_survey_questions_lists_the_enps_question(env, capsys):
    assert main(["survey", "questions"]) == 0
    assert capsys.readouterr().out.splitlines()[0].startswith("enps")


def test_jobs_list_shows_every_job_with_its_next_run(env, capsys):
    assert main(["jobs", "list"]) == 0
    out = capsys.readouterr().out
    for name in ("open_rounds", "close_rounds", "deliver"):
        assert name in out


def test_jobs_run_rejects_an_unknown_job_and_a_naive_time(env, capsys):
    assert main(["jobs", "run", "nope"]) == 2
    assert "expected one of open_rounds" in capsys.readouterr().err
    assert main(["jobs", "run", "open_rounds", "--at", "2026-11-30T09:00"]) == 2
    assert "--at" in capsys.readouterr().err


def test_jobs_run_at_a_time_runs_the_scheduler_path(env, capsys):
    assert main(["jobs", "run", "open_rounds", "--at", "2026-11-30T09:00:00+08:00"]) == 0
    assert capsys.readouterr().out.startswith("opened 0 round(s)")


def test_scheduler_jobs_have_stable_ids_coalesce_and_an_hour_of_grace(env):
    from bot.bootstrap import bootstrap
    from bot.settings import Settings

    services = bootstrap(Settings.from_env())
    scheduler = make_scheduler(services)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    services.close()
    assert set(jobs) == {"open_rounds", "close_rounds", "remind", "digests", "announce_wins", "shout_outs",
                         "nudges", "one_on_ones", "recognition_gaps", "deliver", "oauth_states",
                         "webhook_signatures", "loss_reasons", "complaints"}
    for job in jobs.values():
        assert job.coalesce and job.max_instances == 1 and job.misfire_grace_time >= 3600


@pytest.mark.parametrize("argv", [["--help"], ["serve", "--help"], ["import", "roster", "--help"],
                                  ["jobs", "run", "--help"], ["survey", "create", "--help"], ["demo", "--help"]])
def test_every_subcommand_has_help(argv, capsys):
    with pytest.raises(SystemExit) as done:
        main(argv)
    assert done.value.code == 0
    assert "usage: salescoach" in capsys.readouterr().out


def test_export_survey_writes_a_workbook_that_withholds_small_rounds(env, tmp_path, capsys):
    from datetime import UTC, datetime

    from openpyxl import load_workbook
    from sqlalchemy import select

    from bot.bootstrap import bootstrap
    from bot.settings import Settings
    from storage.models import Person
    from surveys import answering, closing, service

    services = bootstrap(Settings.from_env())
    now = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    with services.unit(now) as u:
        survey_id = service.create_survey(u.surveys, team="Hunters", question_ids=["enps"], cadence="weekly",
                                          weekday="mon", send_time="09:00", now=now)
        for person in u.session.scalars(select(Person).where(Person.role == "rep")):
            person.slack_id = f"U{person.id}"  # the CLI fixture's roster is not matched to Slack
        round_ = service.open_round_now(u.surveys, u.messenger, survey_id=survey_id, now=now)
        for pid in [m.person_id for m in u.surveys.recipients_for(u.surveys.plan(survey_id).team_id)][:3]:
            answering.record_answer(u.surveys, u.messenger, round_id=round_.id, person_id=pid, question_id="enps",
                                  value=10, now=now)
        closing.close_round_now(u.surveys, u.messenger, survey_id=survey_id, now=now)
    services.close()
    out = tmp_path / "pulse.xlsx"
    assert main(["export", "survey", "--team", "hunters", "--out", str(out)]) == 0
    assert "1 round(s) of Hunters" in capsys.readouterr().out
    sheet = load_workbook(out)["Summary"]
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert any("withheld" in str(c) for c in cells)
    assert main(["export", "survey", "--team", "Nobody", "--out", str(tmp_path / "nobody.xlsx")]) == 1


def test_admin_adds_a_question_from_the_command_line_and_a_bad_one_gets_one_line(env, capsys):
    assert main(["survey", "question", "--kind", "choice", "--text", "Best channel?", "--option", "Email",
                 "--option", "Phone"]) == 0
    assert capsys.readouterr().out.strip() == "c_best_channel"
    assert main(["survey", "questions"]) == 0
    assert "c_best_channel" in capsys.readouterr().out
    assert main(["survey", "question", "--kind", "choice", "--text", "Only one?", "--option", "Yes"]) == 1
    assert capsys.readouterr().err.strip().endswith("a single-choice question has 2 to 10 distinct options, got 1")


def test_a_second_weekly_survey_for_a_team_is_refused_naming_the_first_unless_also(env, capsys):
    args = ["survey", "create", "--team", "Hunters", "--questions", "enps"]
    assert main(args) == 0
    first = capsys.readouterr().out.strip()
    assert main(args) == 1
    assert capsys.readouterr().err.strip() == (
        f"salescoach: team Hunters already has active survey {first} (weekly, mon 09:00), so each rep would get "
        "both; pause it first, or add another on purpose with --also")
    assert main([*args, "--also"]) == 0


def test_opening_a_round_for_reps_not_matched_to_slack_says_so_and_what_to_do(env, capsys):
    assert main(["survey", "create", "--team", "Hunters", "--questions", "enps"]) == 0
    survey_id = capsys.readouterr().out.strip()
    assert main(["survey", "open", survey_id]) == 1
    assert capsys.readouterr().err.strip() == (
        "salescoach: 5 rep(s) of Hunters are not matched to Slack yet: run `salescoach import roster` with Slack "
        "reachable, or add slack_id")


def test_the_shell_completes_commands_through_argcomplete(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(root), "_ARGCOMPLETE": "1", "_ARGCOMPLETE_IFS": " ",
           "COMP_LINE": "salescoach su", "COMP_POINT": "13"}
    done = subprocess.run(["bash", "-c", f"{sys.executable} -m bot.cli 8>&1 9>/dev/null"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["survey"]


def test_version_and_the_jobs_list_in_help(capsys):
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.startswith("salescoach ")
    with pytest.raises(SystemExit):
        main(["jobs", "run", "--help"])
    assert "  digests             send each manager's weekly coaching digest" in capsys.readouterr().out
