"""`salescoach import cases FILE [--mapping MAP.yml]`: customer complaints from the CRM, all or nothing, updated by
external id on a re-import; the owners of new open cases are told."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from storage.complaints.cases import OPTIONAL, REQUIRED

if TYPE_CHECKING:
    from bot.bootstrap import Services

SHOWN = 50  # problems printed; the import_run keeps them all


def add_parsers(imports: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cmd = imports.add_parser("cases", help="import customer complaints (cases) from .xlsx or .csv",
                             description=f"Columns (without --mapping): {', '.join(REQUIRED)}[, {', '.join(OPTIONAL)}]."
                             " account is a stored account's name; owner a roster person's email or name (empty: the "
                             "account's owner); opened_at and resolved_at a date and time (UTC without an offset). "
                             "Nothing is written when any row is bad; a case imported again is updated by its "
                             "external_id, never added twice.")
    cmd.add_argument("file")
    cmd.add_argument("--mapping", help="a YAML file renaming the CRM's columns (columns:, people:, dates: as in "
                     "docs/examples/maven-crm-mapping.yml)")


def import_cases(args: argparse.Namespace, services: Services) -> int:
    from bot.complaints.usecases import take_cases
    from storage.complaints.cases import read_cases
    from storage.crm.importer import record_refused_import
    from storage.crm.mapping import CrmImportErrors
    from storage.table_limits import Limits, ShapeError

    now = services.clock()
    try:
        with services.unit(now) as u:
            cases = read_cases(u.session, args.file, mapping=args.mapping,
                               limits=Limits(rows=services.settings.import_max_rows))
            added, updated, unchanged = take_cases(services, u, cases, source="import")
    except ShapeError as exc:
        print(f"salescoach: {exc}; nothing was imported", file=sys.stderr)
        return 2
    except CrmImportErrors as exc:
        for line in exc.errors[:SHOWN]:
            print(line, file=sys.stderr)
        if len(exc.errors) > SHOWN:
            print(f"... and {len(exc.errors) - SHOWN} more", file=sys.stderr)
        with services.unit(now) as u:
            record_refused_import(u.session, kind="cases", path=args.file, errors=exc.errors, now=now)
        print(f"salescoach: nothing was imported ({len(exc.errors)} problem(s))", file=sys.stderr)
        return 1
    print(f"{args.file}: {len(cases)} case(s): {added} added, {updated} updated, {unchanged} unchanged")
    return 0
