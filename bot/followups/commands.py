"""`salescoach nudges threshold|quiet|thresholds`: the days before a follow-up nudge, per team and stage, and the
days an account of a potential tier may go without activity."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from coaching.followups.accounts import DEFAULT_QUIET_DAYS, TIERS, QuietThreshold
from coaching.followups.rules import DEFAULT_RULES, Threshold

if TYPE_CHECKING:
    from bot.bootstrap import Services, Unit

MAX_DAYS = 365


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    nudges = sub.add_parser("nudges", help="follow-up nudge settings").add_subparsers(dest="nudges_command",
                                                                                     required=True)
    threshold = nudges.add_parser(
        "threshold", help="days before a follow-up nudge, for a team (default everyone) and a stage (default any)",
        description="--stale-days: days without activity before a deal is nudged (per stage, or any stage). "
        f"--stall-days: days a deal may sit in one stage (for the team, every stage). Defaults: "
        f"{DEFAULT_RULES.default_stale_after_days} and {DEFAULT_RULES.stall_after_days}. A team's settings "
        "replace everyone's for its reps.")
    threshold.add_argument("--team", help="a team name from the roster (default: everyone)")
    threshold.add_argument("--stage", help="a CRM stage, e.g. Proposal (default: any stage)")
    threshold.add_argument("--stale-days", type=int, help=f"1 to {MAX_DAYS}")
    threshold.add_argument("--stall-days", type=int, help=f"1 to {MAX_DAYS}")
    quiet = nudges.add_parser(
        "quiet", help="days an account of a potential tier may go without activity before its owner is nudged",
        description="An account (high, medium or low potential) with no activity by anyone for more than --days "
        "nudges its owner in the daily follow-up DM, with or without an open deal. --never: accounts of that tier "
        f"are never nudged. Defaults: {_quiet_defaults()}. A team's settings replace everyone's for its reps.")
    quiet.add_argument("--tier", required=True, choices=TIERS)
    quiet.add_argument("--team", help="a team name from the roster (default: everyone)")
    days = quiet.add_mutually_exclusive_group(required=True)
    days.add_argument("--days", type=int, help=f"1 to {MAX_DAYS}")
    days.add_argument("--never", action="store_true", help="never nudge about accounts of this tier")
    nudges.add_parser("thresholds", help="list the stored follow-up thresholds")


def _quiet_defaults() -> str:
    return ", ".join(f"{tier} {DEFAULT_QUIET_DAYS[tier] or 'never'}" for tier in TIERS)


def run(args: argparse.Namespace, services: Services) -> int:
    with services.unit() as u:
        if args.nudges_command == "thresholds":
            names = {}
            for row in u.nudges.thresholds():
                if row.team_id is not None and row.team_id not in names:
                    names[row.team_id] = u.people.team_name(row.team_id)
                print(_describe(row, names.get(row.team_id or 0, "everyone")))
            for quiet in u.nudges.quiet_thresholds():
                if quiet.team_id is not None and quiet.team_id not in names:
                    names[quiet.team_id] = u.people.team_name(quiet.team_id)
                print(_describe_quiet(quiet, names.get(quiet.team_id or 0, "everyone")))
            print(f"defaults: {DEFAULT_RULES.default_stale_after_days} day(s) without activity, "
                  f"{DEFAULT_RULES.stall_after_days} day(s) in one stage")
            print(f"account defaults (days without activity, by potential): {_quiet_defaults()}")
            return 0
        if args.nudges_command == "quiet":
            return _set_quiet(args, u)
        problem = _problem(args)
        team_id = u.surveys.team_id(args.team) if args.team else None
        if problem is None and args.team and team_id is None:
            problem = f"team {args.team!r} is not in the roster"
        if problem is not None:
            print(f"salescoach: {problem}", file=sys.stderr)
            return 1
        row = Threshold(team_id, args.stage.strip() if args.stage else None, args.stale_days, args.stall_days)
        u.nudges.set_threshold(row)
        print(_describe(row, args.team or "everyone"))
    return 0


def _problem(args: argparse.Namespace) -> str | None:
    if args.stale_days is None and args.stall_days is None:
        return "say --stale-days N, --stall-days N or both"
    for name, value in (("--stale-days", args.stale_days), ("--stall-days", args.stall_days)):
        if value is not None and not 1 <= value <= MAX_DAYS:
            return f"{name} {value} is not a number of days from 1 to {MAX_DAYS}"
    if args.stage is not None and not args.stage.strip():
        return "--stage is empty; leave it out for any stage"
    if args.stage and args.stall_days is not None:
        return "--stall-days applies to every stage of a team; leave out --stage"
    return None


def _describe(row: Threshold, team: str) -> str:
    parts = []
    if row.stale_after_days is not None:
        parts.append(f"nudge after {row.stale_after_days} day(s) without activity")
    if row.stall_after_days is not None:
        parts.append(f"after {row.stall_after_days} day(s) in one stage")
    return f"{team}, {('stage ' + row.stage) if row.stage else 'any stage'}: {', '.join(parts)}"


def _set_quiet(args: argparse.Namespace, u: Unit) -> int:
    team_id = u.surveys.team_id(args.team) if args.team else None
    problem = None
    if args.team and team_id is None:
        problem = f"team {args.team!r} is not in the roster"
    elif args.days is not None and not 1 <= args.days <= MAX_DAYS:
        problem = f"--days {args.days} is not a number of days from 1 to {MAX_DAYS}"
    if problem is not None:
        print(f"salescoach: {problem}", file=sys.stderr)
        return 1
    row = QuietThreshold(team_id, args.tier, None if args.never else args.days)
    u.nudges.set_quiet_threshold(row)
    print(_describe_quiet(row, args.team or "everyone"))
    return 0


def _describe_quiet(row: QuietThreshold, team: str) -> str:
    after = f"after {row.days} day(s) without activity" if row.days is not None else "never"
    return f"{team}, {row.tier}-potential accounts: nudge {after}"
