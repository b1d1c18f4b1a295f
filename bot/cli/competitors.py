"""`salescoach competitor add|list|remove`: the admin's competitor list (storage.competitors), offered by /intel and
the loss-reason DM."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.bootstrap import Services


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    competitor = sub.add_parser("competitor", help="the competitors people can pick in /intel and loss reasons")\
        .add_subparsers(dest="competitor_command", required=True)
    add = competitor.add_parser("add", help="add a competitor (nothing changes when it is listed already)",
                                description="A name of 1 to 80 characters; names are compared ignoring case.")
    add.add_argument("name")
    competitor.add_parser("list", help="the competitors, by name")
    remove = competitor.add_parser("remove", help="take a competitor off the list (what was recorded keeps it)")
    remove.add_argument("name")


def run(args: argparse.Namespace, services: Services) -> int:
    """CompetitorError (one line) goes to the CLI's refusal handler."""
    from storage.competitors import add_competitor, competitors, remove_competitor

    with services.unit() as u:
        if args.competitor_command == "add":
            found, added = add_competitor(u.session, args.name)
            print(f"{found.name}: added" if added else f"{found.name}: already on the list")
        elif args.competitor_command == "remove":
            print(f"{remove_competitor(u.session, args.name).name}: removed")
        else:
            for each in competitors(u.session):
                print(each.name)
    return 0
