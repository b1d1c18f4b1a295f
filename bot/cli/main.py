# PYTHON_ARGCOMPLETE_OK
"""The `salescoach` command: serve, db, import, jobs, survey, template and demo."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version

from bot.cli.problems import NoTracebacks, OperatorNoise, check_arguments, one_line, unexpected
from bot.settings import Settings, SettingsError, debug_requested, slack_api_url_given
from storage.schema_state import DatabaseProblem


def _version() -> str:
    try:
        return version("salescoach")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="salescoach", description="Self-hosted Slack bot for sales teams: pulse "
                                "surveys and eNPS, follow-up nudges, recognition and coaching digests.")
    p.add_argument("--version", action="version", version=f"salescoach {_version()}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = sub.add_parser("serve", help="run the bot (Socket Mode when SLACK_APP_TOKEN is set, else --http)",
                           description="Run the bot. Socket Mode needs SLACK_APP_TOKEN; --http serves "
                           "POST /slack/events and GET /healthz. Migrations are applied at start-up.")
    serve.add_argument("--http", action="store_true", help="serve HTTP instead of Socket Mode")
    serve.add_argument("--host", default="0.0.0.0", help="HTTP address to bind (default 0.0.0.0)")
    serve.add_argument("--port", type=int, default=3000, help="HTTP port (default 3000)")
    serve.add_argument("--no-scheduler", action="store_true",
                       help="do not run the scheduled jobs in this process (serve and deliver only)")

    db = sub.add_parser("db", help="database maintenance").add_subparsers(dest="db_command", required=True)
    db.add_parser("upgrade", help="apply the database migrations (safe to repeat)")

    imp = sub.add_parser("import", help="import data files").add_subparsers(dest="import_kind", required=True)
    roster = imp.add_parser("roster", help="import people and teams from .xlsx or .csv",
                            description="Columns: email, name, team, manager_email, role (rep|manager|admin); "
                            "optional slack_id, timezone, locale, sales_role (sdr|ae|am, or an alias such as bdr, "
                            "closer, csm). Nothing is written when any row is bad.")
    roster.add_argument("file")
    roster.add_argument("--offline", action="store_true", help="do not match people to Slack users")
    roster.add_argument("--deactivate-missing", action="store_true",
                        help="mark people who are not in the file as inactive")
    from bot.coaching.commands import add_parsers
    from bot.complaints.commands import add_parsers as add_case_parsers

    add_parsers(imp)
    add_case_parsers(imp)

    jobs = sub.add_parser("jobs", help="list or run the scheduled jobs").add_subparsers(dest="jobs_command",
                                                                                       required=True)
    jobs.add_parser("list", help="the jobs and when each runs next")
    from bot.runtime.jobs import JOBS

    run = jobs.add_parser("run", help="run one job once, as if the clock read --at",
                          description="Runs a job through the same code path as the scheduler.",
                          formatter_class=argparse.RawDescriptionHelpFormatter,
                          epilog="jobs:\n" + "\n".join(f"  {j.name:<20}{j.description}" for j in JOBS.values()))
    run.add_argument("name", help="job name (listed below)")
    run.add_argument("--at", help="ISO-8601 time, e.g. 2026-11-30T09:00:00+08:00 (default: now)")

    survey = sub.add_parser("survey", help="pulse surveys").add_subparsers(dest="survey_command", required=True)
    create = survey.add_parser("create", help="create a pulse survey for a team; prints its id")
    create.add_argument("--team", required=True)
    create.add_argument("--questions", required=True, help="comma-separated question ids, e.g. enps,manager")
    create.add_argument("--cadence", default="weekly", help="weekly, biweekly, monthly or quarterly")
    create.add_argument("--day", default="mon", help="weekday: mon, tue, wed, thu, fri, sat or sun")
    create.add_argument("--time", default="09:00", help="local send time HH:MM in each person's time zone")
    create.add_argument("--window-hours", type=int, default=72, help="how long a round stays open")
    create.add_argument("--share", action="store_true",
                        help="also post a team-level summary (never comments) to the team's channel on close")
    create.add_argument("--rotate", action="store_true",
                        help="treat --questions as a pool (up to 40): each round asks a few, each question comes "
                        "back about every three months; eNPS, when listed, is asked every round")
    create.add_argument("--also", action="store_true",
                        help="add this survey although the team has an active one (each rep gets both)")
    survey.add_parser("list", help="list the surveys")
    survey.add_parser("questions", help="list the question bank: id, kind, theme and text")
    question = survey.add_parser("question", help="add your own question to the bank; prints its id",
                                 description="Kinds: agreement (1-5), scale (0-10), choice (2 to 10 --option), "
                                 "text (a written answer, shown only when at least k people answered).")
    question.add_argument("--text", required=True, help="the question as people will read it")
    question.add_argument("--kind", required=True, help="agreement, scale, choice or text")
    question.add_argument("--option", action="append", help="an answer option of a choice question (repeat)")
    question.add_argument("--theme", default="custom", help="a theme for grouping, e.g. enablement")
    for name, text in (("open", "open a round now, ignoring local send times"),
                       ("close", "close the open round now and send the results")):
        cmd = survey.add_parser(name, help=text)
        cmd.add_argument("id", type=int)

    export = sub.add_parser("export", help="write reports as .xlsx").add_subparsers(dest="export_kind", required=True)
    survey_export = export.add_parser("survey", help="a team's survey results over recent rounds, as .xlsx",
                                      description="Summary (response rate, eNPS and split per round), Questions "
                                      "(averages per round) and a native chart. Figures under the anonymity "
                                      "threshold are withheld, as in Slack.")
    survey_export.add_argument("--team", required=True)
    survey_export.add_argument("--out", required=True, help="the .xlsx file to write")
    survey_export.add_argument("--rounds", type=int, default=12, help="how many recent rounds (default 12)")
    survey_export.add_argument("--locale", default="en-US", help="language of the labels, e.g. ms-MY")
    coaching_export = export.add_parser(
        "coaching", help="a manager's coaching pack for a period, as .xlsx",
        description="Summary (team KPIs), Reps (one row per rep, one column per KPI), Trends (the team's KPIs over "
        "recent periods) and Focus (each rep's diagnosis and evidence), with native charts. A manager's pack "
        "holds their reps, all the way down; an admin's holds every rep.")
    coaching_export.add_argument("--manager", required=True, help="the email of a manager (or admin)")
    coaching_export.add_argument("--period", required=True, help="e.g. 2017-Q3, 2017-07, 2017-W27 or 'last month'")
    coaching_export.add_argument("--out", required=True, help="the .xlsx file to write")
    coaching_export.add_argument("--periods", type=int, default=6, help="periods on the Trends sheet (default 6)")
    coaching_export.add_argument("--locale", default="en-US", help="language of the focus texts, e.g. ms-MY")

    team = sub.add_parser("team", help="teams").add_subparsers(dest="team_command", required=True)
    channel = team.add_parser("channel", help="set the channel where a team's shared summaries go")
    channel.add_argument("team")
    channel.add_argument("channel_id", help="the channel's id, e.g. C0123ABCD (channel details > About)")
    channel.add_argument("--locale", help="the channel's language, e.g. ms-MY (default: unchanged)")
    reasons = team.add_parser("loss-reasons", help="the loss reasons a team's reps are offered, in order")
    reasons.add_argument("team")
    reasons.add_argument("reasons", help="comma-separated, some of price, competitor, timing, no_decision, "
                                         "product_gap, other; or 'all' (the default)")
    from bot.recognition.commands import add_parsers as add_recognition_parsers

    add_recognition_parsers(sub, team=team, export=export)

    holidays = sub.add_parser("holidays", help="days without surveys or reminders").add_subparsers(
        dest="holidays_command", required=True)
    add = holidays.add_parser("add", help="add a holiday (for everyone, or for one team with --team)")
    add.add_argument("day", help="date, YYYY-MM-DD")
    add.add_argument("--name", default="Holiday", help="what the day is, e.g. Hari Raya Aidilfitri")
    add.add_argument("--team", help="only for this team (default: everyone)")
    holidays.add_parser("list", help="list the holidays")

    from bot.followups.commands import add_parsers as add_nudge_parsers

    add_nudge_parsers(sub)
    from bot.people.commands import add_parsers as add_person_parsers

    add_person_parsers(sub)
    from bot.cli.templates import add_parsers as add_template_parsers

    add_template_parsers(sub)
    from bot.cli.competitors import add_parsers as add_competitor_parsers

    add_competitor_parsers(sub)
    from bot.intel.commands import add_parsers as add_intel_parsers

    add_intel_parsers(sub)

    demo = sub.add_parser("demo", help="play a survey round against a built-in Slack double; no workspace needed")
    demo.add_argument("--out", default="demo-output", help="folder for the transcript (default demo-output)")
    check = sub.add_parser("check", help="check the setup: settings, database, Slack, scopes, roster, fonts",
                           description="One line per finding; exits 1 when anything must be fixed. `serve` runs "
                           "the same checks at start-up and refuses to start on a fatal one.")
    check.add_argument("--offline", action="store_true", help="skip the checks that call Slack")
    return p


def _log_to_stderr(level: str) -> None:
    """One line per record; tracebacks only at DEBUG (bot.cli.problems.NoTracebacks)."""
    handler = logging.StreamHandler()
    handler.setFormatter(NoTracebacks("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(OperatorNoise())
    logging.basicConfig(level=level, handlers=[handler])


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    import argcomplete  # the shell asking for completions (README) sets _ARGCOMPLETE; otherwise this returns

    argcomplete.autocomplete(parser)
    args = parser.parse_args(argv)
    from bot.runtime.log_privacy import install as redact_token_patterns

    redact_token_patterns()  # before settings load; main's second install adds the configured secrets
    debug, api_url = debug_requested(), slack_api_url_given()
    try:
        check_arguments(args)
        if args.command == "demo":
            from bot.demo.run import run_demo

            return run_demo(out=args.out)
        settings = Settings.from_env()
        api_url = settings.slack_api_url or api_url
        _log_to_stderr(settings.log_level)
        from bot.runtime.log_privacy import install as redact_logs
        from bot.runtime.log_privacy import secrets_of

        redact_logs(secrets_of(settings))  # tokens, secrets, answers and comments never reach a log line
        for noisy in ("alembic", "apscheduler.executors", "apscheduler.scheduler", "waitress.queue"):
            logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLogger().level))
        from bot.cli import commands

        return commands.dispatch(args, settings)
    except (SettingsError, DatabaseProblem) as exc:
        print(f"salescoach: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # an operator sees one line; LOG_LEVEL=DEBUG shows the traceback
        if debug:
            raise
        line = one_line(exc, api_url=api_url)
        print(f"salescoach: {line or unexpected(exc)}", file=sys.stderr)
        return 2 if line else 1


if __name__ == "__main__":
    sys.exit(main())
