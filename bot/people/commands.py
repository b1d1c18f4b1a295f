"""`salescoach person export|delete EMAIL`: a person's stored data as JSON, and their erasure (one transaction)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import TYPE_CHECKING

from storage.person_data import Erasure, PersonNotFound, erase_person, export_person

if TYPE_CHECKING:
    from bot.bootstrap import Services


class _DryRun(Exception):
    """Raised inside the transaction to roll a delete without --yes back."""


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    person = sub.add_parser("person", help="a person's stored data: export it, or erase it").add_subparsers(
        dest="person_command", required=True)
    export = person.add_parser(
        "export", help="everything stored about a person, as JSON",
        description="Profile, team and role, survey rounds (and their own answers while a round is open), kudos "
        "given and received, wins, one-on-ones and agenda items, nudges and snoozes, messages addressed to them, "
        "and the CRM deals, activities, quotas and leads they own.")
    export.add_argument("email")
    export.add_argument("--out", help="the .json file to write (default: standard output)")
    erase = person.add_parser(
        "delete", help="erase a person, keeping anonymous aggregates (round results, eNPS, team KPIs) intact",
        description="Personal fields are removed (the person becomes an 'Erased person' tombstone); the text they "
        "wrote in open rounds, kudos they gave, one-on-ones, nudges and messages to them are deleted; survey "
        "answers stay, unlinked; wins and CRM records stay with the tombstone as owner. All or nothing. "
        "Without --yes, prints what would go and changes nothing.")
    erase.add_argument("email")
    erase.add_argument("--yes", action="store_true", help="really erase (default: a dry run)")


def run(args: argparse.Namespace, services: Services) -> int:
    try:
        if args.person_command == "export":
            return _export(args, services)
        return _delete(args, services)
    except PersonNotFound as exc:
        print(f"salescoach: {exc.args[0]}", file=sys.stderr)
        return 1


def _export(args: argparse.Namespace, services: Services) -> int:
    with services.unit() as u:
        data = export_person(u.session, args.email)
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)
    if args.out:
        descriptor = os.open(args.out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # personal data: owner only
        with open(descriptor, "w", encoding="utf-8") as out:
            out.write(text + "\n")
        print(f"{args.out}: the data stored about {args.email}")
    else:
        print(text)
    return 0


def _delete(args: argparse.Namespace, services: Services) -> int:
    from bot.intel.usecases import unsign_posts

    report: Erasure | None = None
    try:
        with services.unit() as u:
            report = erase_person(u.session, args.email)
            unsign_posts(u, report.intel_posts)  # their intel's channel posts, shown without their name
            if not args.yes and not report.already:
                raise _DryRun
    except _DryRun:
        pass
    assert report is not None
    if report.already:
        print(f"{report.email}: already erased; nothing to delete")
        return 0
    done = ", ".join(f"{what} {n}" for what, n in sorted(report.counts.items()))
    if not args.yes:
        print(f"{report.email}: would erase {done}. Nothing was changed; run again with --yes to erase.")
        return 0
    print(f"{report.email}: erased ({done})")
    return 0
