"""What each CLI subcommand does, over the same services the bot uses."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from datetime import UTC, datetime
from types import FrameType
from typing import Any

from bot.bootstrap import Services, bootstrap
from bot.coaching.pack import CoachingPackError
from bot.recognition.commands import export_recognition, recognition_channel, values_command
from bot.settings import Settings, SettingsError
from coaching.recognition.records import RecognitionError as RecognitionRefused
from storage.calendar import HolidayError
from storage.competitors import CompetitorError
from storage.intel import IntelChannelError
from storage.recognition.repository import RecognitionError as RecognitionSettingError
from storage.schema_state import read_state, require_current
from storage.teams import TeamError
from surveys import closing, service
from surveys.cadence import WEEKDAYS
from surveys.service import SurveyError
from surveys.visibility import Audience, what_may_see

log = logging.getLogger("salescoach")


def dispatch(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "serve":
        return serve(args, settings)
    if args.command == "check":
        from bot.cli.check import run_check

        return run_check(settings, offline=args.offline)
    if args.command == "db":
        return db(settings)
    services = bootstrap(settings, migrate=False)  # only `db upgrade` and `serve` migrate
    try:
        require_current(services.engine)
        handler = {"import": import_, "jobs": jobs, "survey": survey, "holidays": holidays,
                   "export": export, "team": team, "values": values_command, "nudges": nudges,
                   "person": person, "template": template,
                   "competitor": competitor, "intel": intel}[args.command]
        return handler(args, services)
    # refused input: one line saying what is allowed
    except (SurveyError, TeamError, HolidayError, CoachingPackError, RecognitionRefused,
            RecognitionSettingError, CompetitorError, IntelChannelError) as exc:
        print(f"salescoach: {exc}", file=sys.stderr)
        return 1
    finally:
        services.close()


def person(args: argparse.Namespace, services: Services) -> int:
    from bot.people.commands import run

    return run(args, services)


def competitor(args: argparse.Namespace, services: Services) -> int:
    from bot.cli.competitors import run

    return run(args, services)


def intel(args: argparse.Namespace, services: Services) -> int:
    from bot.intel.commands import run

    return run(args, services)


def template(args: argparse.Namespace, services: Services) -> int:
    from bot.cli.templates import run

    return run(args, services)


def nudges(args: argparse.Namespace, services: Services) -> int:
    from bot.followups.commands import run

    return run(args, services)


def db(settings: Settings) -> int:
    """`db upgrade`: salescoach's database (or an empty one) brought to the latest migration."""
    from storage.db import make_engine, upgrade

    engine = make_engine(settings.database_url)
    try:
        before = read_state(engine)  # refuses another application's tables
        if before.current:
            print(f"database is at the latest migration ({before.head})")
            return 0
        upgrade(engine)
        print(f"database migrated from {before.revision or 'empty'} to {before.head}")
        return 0
    finally:
        engine.dispose()


def import_(args: argparse.Namespace, services: Services) -> int:
    if args.import_kind == "cases":
        from bot.complaints.commands import import_cases

        return import_cases(args, services)
    if args.import_kind != "roster":
        from bot.coaching.commands import import_crm

        return import_crm(args, services)
    from bot.people.directory import import_roster
    from storage.roster import RosterErrors
    from storage.table_limits import ShapeError

    try:
        report = import_roster(services, args.file, offline=args.offline,
                               deactivate_missing=args.deactivate_missing)
    except ShapeError as exc:
        print(f"salescoach: {exc}; nothing was imported", file=sys.stderr)
        return 2
    except RosterErrors as exc:
        for line in exc.errors:
            print(line, file=sys.stderr)
        print(f"salescoach: nothing was imported ({len(exc.errors)} problem(s))", file=sys.stderr)
        return 1
    print(report)
    return 0


def jobs(args: argparse.Namespace, services: Services) -> int:
    from bot.runtime.jobs import JOBS, next_runs, run_job

    if args.jobs_command == "list":
        for name, when, description in next_runs(services.clock()):
            print(f"{name:<14} next {when.isoformat() if when else '-':<27} {description}")
        return 0
    if args.name not in JOBS:
        print(f"salescoach: unknown job {args.name!r}; expected one of {', '.join(JOBS)}", file=sys.stderr)
        return 2
    print(run_job(services, args.name, parse_at(args.at)))
    return 0


def survey(args: argparse.Namespace, services: Services) -> int:
    cmd = args.survey_command
    now = services.clock()
    with services.unit(now) as u:
        if cmd == "questions":
            for q in u.surveys.bank().pickable():
                kind = {"agreement": "1-5", "scale": "0-10"}.get(q.kind, q.kind)
                options = f" [{' | '.join(q.options)}]" if q.options else ""
                print(f"{q.id:<24} {kind:<6} {q.theme:<26} {q.text}{options}")
        elif cmd == "question":
            q = service.add_question(u.surveys, text=args.text, kind=args.kind, theme=args.theme,
                                     options=args.option or (), now=now)
            print(q.id)
        elif cmd == "create":
            survey_id = service.create_survey(u.surveys, team=args.team, question_ids=args.questions.split(","),
                                              cadence=args.cadence, weekday=args.day, send_time=args.time,
                                              now=now, window_hours=args.window_hours, rotate=args.rotate,
                                              share_with_team=args.share, only_one=not args.also)
            print(survey_id)
        elif cmd == "list":
            for plan in u.surveys.plans(active_only=False):
                state = "active" if plan.active else "paused"
                print(f"{plan.id:>4}  {plan.team_name:<20} {plan.cadence:<9} {WEEKDAYS[plan.weekday]} "
                      f"{plan.send_time}  {state:<6}  {','.join(plan.questions)}")
        elif cmd == "open":
            round_ = service.open_round_now(u.surveys, u.messenger, survey_id=args.id, now=now)
            print(f"opened round {round_.id}; {len(u.messenger.enqueued)} survey message(s) queued")
        elif cmd == "close":
            round_ = closing.close_round_now(u.surveys, u.messenger, survey_id=args.id, now=now,
                                             threshold=services.settings.anonymity_threshold)
            print(f"closed round {round_.id}; {len(u.messenger.enqueued)} results message(s) queued")
    if cmd in ("open", "close"):
        report = services.delivery.drain()
        print(f"sent {report.sent}, retrying {report.retried}, failed {report.failed}")
    return 0


def export(args: argparse.Namespace, services: Services) -> int:
    if args.export_kind == "recognition":
        return export_recognition(args, services)
    if args.export_kind == "coaching":
        from bot.coaching.pack import export_coaching

        return export_coaching(args, services)
    from bot.i18n import Translator
    from bot.surveys.workbook import write_survey_workbook

    with services.unit() as u:
        plans = [p for p in u.surveys.plans(active_only=False) if p.team_name.lower() == args.team.strip().lower()]
        if not plans:
            raise SurveyError(f"team {args.team!r} has no surveys; see `salescoach survey list`")
        team = plans[0].team_name
        visible = what_may_see(u.surveys, Audience.admin(), threshold=services.settings.anonymity_threshold)
        bank = u.surveys.bank()
    rounds = visible.history(team, limit=args.rounds)
    write_survey_workbook(args.out, Translator.for_person(args.locale), team=team, rounds=rounds,
                          threshold=services.settings.anonymity_threshold, bank=bank)
    print(f"{args.out}: {len(rounds)} round(s) of {team}")
    return 0


def team(args: argparse.Namespace, services: Services) -> int:
    if args.team_command == "recognition-channel":
        return recognition_channel(args, services)
    if args.team_command == "loss-reasons":
        from storage.losses import set_team_reasons

        with services.unit() as u:
            chosen = set_team_reasons(u.session, team=args.team, reasons=args.reasons)
        print(f"{args.team}: reps are asked why a deal was lost with {', '.join(chosen)}")
        return 0
    from storage.teams import set_channel

    with services.unit() as u:
        set_channel(u.session, team=args.team, channel_id=args.channel_id, locale=args.locale)
    print(f"{args.team}: summaries go to {args.channel_id}")
    return 0


def holidays(args: argparse.Namespace, services: Services) -> int:
    from storage.calendar import add_holiday, list_holidays

    with services.unit() as u:
        if args.holidays_command == "add":
            add_holiday(u.session, day=args.day, name=args.name, team=args.team)
            print(f"{args.day}: {args.name} ({args.team or 'everyone'})")
        else:
            for day, name, team in list_holidays(u.session):
                print(f"{day.isoformat()}  {name:<30} {team or 'everyone'}")
    return 0


def serve(args: argparse.Namespace, settings: Settings) -> int:
    from bot.app import build_app
    from bot.runtime.leader import Leadership

    socket_mode = not args.http
    if not start_up_checks(settings, serving="socket" if socket_mode else "http"):
        return 2
    from bot.runtime.migrate import MigrationFailed, upgrade_in_child

    try:
        upgrade_in_child(settings.database_url)  # alembic and Mako do not stay in the serving process
    except MigrationFailed:  # the child said why, in one line
        return 1
    services = bootstrap(settings, migrate=False)
    app = build_app(services)  # start_up_checks asked Slack about the token already
    stop = threading.Event()
    worker = threading.Thread(target=services.delivery.run_forever, args=(stop,), name="delivery", daemon=True)
    worker.start()
    # the replica holding the PostgreSQL leader lock runs the scheduler (bot/runtime/leader.py);
    # --no-scheduler never leads
    election = None if args.no_scheduler else threading.Thread(
        target=Leadership(services).run, args=(stop,), name="leader-election", daemon=True)
    if election:
        election.start()
    signal.signal(signal.SIGTERM, _stop_on_sigterm)  # service managers stop with SIGTERM: shut down cleanly
    closer: Any = None
    try:
        if socket_mode:
            from slack_bolt.adapter.socket_mode import SocketModeHandler

            log.info("serving over Socket Mode")
            handler = SocketModeHandler(app, settings.slack_app_token)
            closer = handler.close
            handler.start()
        else:
            from bot.runtime.server import make_server

            server = make_server(app, services, host=args.host, port=args.port)
            closer = server.close
            log.info("serving HTTP on %s:%s (POST /slack/events, GET /healthz)", args.host, server.effective_port)
            server.run()
    except KeyboardInterrupt:
        log.info("shutting down")
    finally:
        if closer is not None:
            closer()
        stop.set()
        services.delivery.wake()
        worker.join(timeout=10)
        if election:
            election.join(timeout=15)  # stops the scheduler and releases the leader lock
        services.close()
    return 0


def start_up_checks(settings: Settings, *, serving: str) -> bool:
    """`salescoach check` before serving: warnings are logged, the first fatal finding is one line on stderr."""
    from bot.cli.check import findings

    found = findings(settings, serving=serving, will_migrate=True, fonts=False)
    for finding in found:
        if finding.level == "warn":
            log.warning("%s", finding.line)
    fatal = next((f for f in found if f.level == "fail"), None)
    if fatal is not None:
        print(f"salescoach: {fatal.thing}: {fatal.text}", file=sys.stderr)
    return fatal is None


def _stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def parse_at(text: str | None) -> datetime | None:
    """`jobs run NAME --at ISO-TIME`: an aware moment, or None for now."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise SettingsError("--at", "an ISO-8601 time with an offset, e.g. 2026-11-30T09:00:00+08:00", text)
    return moment.astimezone(UTC)
