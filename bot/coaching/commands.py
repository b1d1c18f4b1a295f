"""`salescoach import deals|accounts|activities|quotas|leads|spend|contacts FILE [--mapping MAP.yml]`: CRM files and
sales and marketing spend, with a progress bar on a terminal and one line per problem when a file is refused."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, TextIO

from storage.crm.mapping import KINDS, CrmImportErrors, expected_columns

if TYPE_CHECKING:
    from bot.bootstrap import Services

SHOWN = 50  # problems printed; the import_run keeps them all


def add_parsers(imports: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """One `import KIND` subcommand per CRM file kind, listing the columns it expects."""
    for kind in KINDS:
        who = ("Teams are roster team names; an empty team is the whole organisation." if kind == "spend"
               else "Accounts are names (one not stored yet is added); left_on is the day the contact left the "
               "account, e.g. 2026-11-20." if kind == "contacts" else "Owners are roster people by email or name.")
        cmd = imports.add_parser(kind, help=f"import CRM {kind} from .xlsx or .csv",
                                 description=f"Columns (without --mapping): {expected_columns(kind)}. {who} "
                                 "Nothing is written when any row is bad; importing the same file again changes "
                                 "nothing.")
        cmd.add_argument("file")
        cmd.add_argument("--mapping", help="a YAML file renaming the CRM's columns and values to ours "
                         "(see docs/examples/maven-crm-mapping.yml)")


def import_crm(args: argparse.Namespace, services: Services) -> int:
    from storage.crm.importer import import_crm_file, record_refused_import
    from storage.table_limits import Limits, ShapeError

    now = services.clock()
    bar = ProgressBar(sys.stderr) if sys.stderr.isatty() else None
    try:
        with services.unit(now) as u:
            summary = import_crm_file(u.session, kind=args.import_kind, path=args.file, mapping=args.mapping,
                                      now=now, progress=bar, limits=Limits(rows=services.settings.import_max_rows))
    except ShapeError as exc:  # nothing read, nothing written (not even the refused import_run)
        if bar:
            bar.done()
        print(f"salescoach: {exc}; nothing was imported", file=sys.stderr)
        return 2
    except CrmImportErrors as exc:
        if bar:
            bar.done()
        for line in exc.errors[:SHOWN]:
            print(line, file=sys.stderr)
        if len(exc.errors) > SHOWN:
            print(f"... and {len(exc.errors) - SHOWN} more", file=sys.stderr)
        with services.unit(now) as u:
            record_refused_import(u.session, kind=args.import_kind, path=args.file, errors=exc.errors, now=now)
        print(f"salescoach: nothing was imported ({len(exc.errors)} problem(s))", file=sys.stderr)
        return 1
    if bar:
        bar.done()
    print(summary)
    return 0


class ProgressBar:
    """A one-line text bar redrawn with \\r; only for terminals."""

    def __init__(self, stream: TextIO, width: int = 30) -> None:
        self.stream, self.width, self.shown = stream, width, False

    def __call__(self, phase: str, done: int, total: int) -> None:
        filled = self.width * done // total if total else self.width
        self.stream.write(f"\r{phase:<8} [{'#' * filled}{'.' * (self.width - filled)}] {done}/{total}   ")
        self.stream.flush()
        self.shown = True

    def done(self) -> None:
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()
            self.shown = False
