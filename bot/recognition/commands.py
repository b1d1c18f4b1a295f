"""`salescoach values add|list|remove`, `team recognition-channel TEAM CHANNEL_ID` and `export recognition`: the
admin's side of recognition."""

from __future__ import annotations

import argparse
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.bootstrap import Services

    SubParsers = argparse._SubParsersAction[argparse.ArgumentParser]


def add_parsers(sub: SubParsers, *, team: SubParsers, export: SubParsers) -> None:
    values = sub.add_parser("values", help="company values kudos may be tagged with").add_subparsers(
        dest="values_command", required=True)
    add = values.add_parser("add", help="add a company value (or change its description)",
                            description="Names are 2 to 40 letters, digits and dashes ('Customer First' is stored "
                            "as customer-first). Until the first one is added, the built-in values apply; the first "
                            "add stores them too, so that they can be removed.")
    add.add_argument("name")
    add.add_argument("--description", help="one line saying what the value means (at most 200 characters)")
    values.add_parser("list", help="the values, active and retired")
    remove = values.add_parser("remove", help="retire a value (kudos already tagged with it keep it)")
    remove.add_argument("name")

    channel = team.add_parser("recognition-channel", help="set the channel where a team's wins, kudos and weekly "
                              "shout-outs go", description="Public channels work without inviting the bot. "
                              "'none' goes back to the team's channel (salescoach team channel).")
    channel.add_argument("team")
    channel.add_argument("channel_id", help="the channel's id, e.g. C0123ABCD (channel details > About), or none")

    out = export.add_parser("recognition", help="kudos, wins and a leaderboard as .xlsx",
                            description="Sheets: Kudos (one row per receiver), Wins, and Leaderboard (kudos "
                            "received and given, wins and won revenue, per person). Times are UTC.")
    out.add_argument("--team", help="only this team (kudos to its members, wins by its reps)")
    out.add_argument("--out", required=True, help="the .xlsx file to write")
    out.add_argument("--since", help="first day, YYYY-MM-DD (default: everything)")
    out.add_argument("--until", help="last day, YYYY-MM-DD (default: today)")
    out.add_argument("--locale", default="en-US", help="language of the headers, e.g. ms-MY")


def values_command(args: argparse.Namespace, services: Services) -> int:
    from bot.recognition import usecases as recognition

    if args.values_command == "add":
        value = recognition.add_value(services, name=args.name, description=args.description)
        print(f"#{value.name}: {value.description}" if value.description else f"#{value.name}")
    elif args.values_command == "remove":
        value = recognition.remove_value(services, name=args.name)
        print(f"#{value.name} is retired; new kudos cannot use it")
    else:
        for value in recognition.values(services):
            state = "" if value.active else "  (retired)"
            print(f"#{value.name:<24} {value.description}{state}")
    return 0


def recognition_channel(args: argparse.Namespace, services: Services) -> int:
    from storage.recognition.repository import set_recognition_channel

    channel = None if args.channel_id.strip().lower() == "none" else args.channel_id.strip()
    with services.unit() as u:
        set_recognition_channel(u.session, team=args.team, channel_id=channel)
    print(f"{args.team}: recognition goes to {channel}" if channel
          else f"{args.team}: recognition goes to the team's channel")
    return 0


def export_recognition(args: argparse.Namespace, services: Services) -> int:
    from bot.recognition import usecases as recognition
    from bot.recognition.messages import translator_for
    from bot.recognition.workbook import write_recognition_workbook

    now = services.clock()
    since = _day(args.since, "--since") if args.since else datetime(2000, 1, 1, tzinfo=UTC)
    until = _day(args.until, "--until") + timedelta(days=1) if args.until else now
    data = recognition.report(services, team=args.team, since=since, until=until)
    write_recognition_workbook(args.out, translator_for(args.locale), kudos=data.kudos, wins=data.wins,
                               people=data.people, teams=data.teams, currency=services.settings.currency)
    print(f"{args.out}: {len(data.kudos)} kudos, {len(data.wins)} win(s), {len(data.people)} people")
    return 0


def _day(text: str, option: str) -> datetime:
    from bot.settings import SettingsError

    try:
        return datetime.combine(date.fromisoformat(text), time(), tzinfo=UTC)
    except ValueError:
        raise SettingsError(option, "a date as YYYY-MM-DD", text) from None

