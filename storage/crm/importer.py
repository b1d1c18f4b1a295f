"""Importing a CRM file: check it all, then upsert it in the caller's transaction with Core executemany batches,
recording the import_run, 'won' deal events and the derived account fields (potential_tier and potential_basis,
first_won_date, and owner_id where the accounts file gave no owner)."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from storage.crm.bulk import executemany
from storage.crm.derived import account_tiers, periods, refresh_first_wins
from storage.crm.mapping import KINDS, CrmImportErrors, load_mapping
from storage.crm.models import (
    CrmAccount,
    CrmActivity,
    CrmContact,
    CrmDeal,
    CrmDealEvent,
    CrmLead,
    CrmQuota,
    CrmSpend,
)
from storage.crm.rows import CrmFile, People, check_table, read_table
from storage.models import ImportRun
from storage.table_limits import DEFAULT_LIMITS, Limits

Progress = Callable[[str, int, int], None]  # (phase, done, total)
Columns = dict[str, list[Any]]  # a table's rows column by column, all columns of one length
Stored = Any  # a stored row as read for comparison, a Row of (id, *columns): slices compare as tuples
BATCH = 10_000
BULK_LOAD = 20_000  # rows into an empty table from which indexes are built after the load
WIN_WINDOW = timedelta(days=7)  # a deal that arrives won is announced only if it closed this recently
DEAL_COLUMNS = ("product", "amount", "engaged_on", "created_on", "expected_close_on", "closed_on", "next_step",
                "next_step_on", "last_activity_on", "churned", "acquisition_cost", "deal_type")
LOSS_COLUMNS = ("loss_reason", "competitor")  # written apart: an empty cell keeps what the owner told us in Slack
ANSWER = {"loss_reason": None, "competitor": None, "loss_note": None, "loss_answered_at": None,
          "loss_action_ts": None}  # a deal no longer lost keeps no reason
ACCOUNT_COLUMNS = ("name", "sector", "employees", "revenue", "potential", "churned_on")
ACCOUNT, DEAL, ACTIVITY, QUOTA, LEAD, SPEND, EVENT, CONTACT = (cast(Table, m.__table__) for m in (
    CrmAccount, CrmDeal, CrmActivity, CrmQuota, CrmLead, CrmSpend, CrmDealEvent, CrmContact))


@dataclass
class CrmImportSummary:
    """What an import did, in rows of the target table (activities without ids are summed per rep, day, kind
    and account first)."""

    kind: str
    file: str
    rows: int
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    newly_won: int = 0
    accounts_added: int = 0

    def __str__(self) -> str:
        text = (f"{self.file}: {self.rows} row(s) of {self.kind}: {self.added} added, {self.updated} updated, "
                f"{self.unchanged} unchanged")
        if self.kind == "deals":
            text += f", {self.newly_won} newly won"
        if self.accounts_added:
            text += f"; {self.accounts_added} account(s) added by name"
        return text


def import_crm_file(session: Session, *, kind: str, path: str | Path, mapping: str | Path | None = None,
                    now: datetime, progress: Progress | None = None,
                    limits: Limits = DEFAULT_LIMITS) -> CrmImportSummary:
    """Check the whole file against the mapping and the stored roster (CrmImportErrors, nothing written), then
    write it in the caller's transaction. Importing the same file twice changes nothing. A file beyond the
    limits raises ShapeError before its rows are read."""
    if kind not in KINDS:
        raise CrmImportErrors([f"{path}: {kind!r} is not something to import; expected {', '.join(KINDS)}"])
    rules = load_mapping(mapping, kind=kind)
    with _collector_paused():  # the read too: calamine's cells become a million Python objects
        # The cells as read go once checked, before the write (the checked columns share what they can); the
        # checked columns go before the collector runs again, which would otherwise walk them all once more.
        checked = check_table(read_table(str(path), limits=limits), kind=kind, mapping=rules,
                              people=People(session), progress=progress)
        summary = apply_crm_file(session, checked, now=now, progress=progress)
        del checked
    return summary


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while checking and writing: the columns and rows made then hold no cycles,
    and the collector would otherwise walk the file's million cells again and again (~5% of an import)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def record_refused_import(session: Session, *, kind: str, path: str | Path, errors: Sequence[str],
                          now: datetime) -> None:
    """Keep a trace of a refused file (nothing else was written) for admins to see."""
    session.add(ImportRun(kind=kind, filename=str(path)[:500], finished_at=now, rows=0, created=0, updated=0,
                          errors=list(errors)))
    session.flush()


def apply_crm_file(session: Session, checked: CrmFile, *, now: datetime,
                   progress: Progress | None = None) -> CrmImportSummary:
    writer = _Writer(session, checked, now, progress)
    getattr(writer, checked.kind)()
    writer.record()
    return writer.summary


class _Writer:
    """Writes one checked file: a method per kind, then record() for the import_run and deal events."""

    def __init__(self, session: Session, checked: CrmFile, now: datetime, progress: Progress | None) -> None:
        self.session, self.checked, self.cols, self.now = session, checked, checked.columns, now
        self.progress = progress or (lambda phase, done, total: None)
        self.summary = CrmImportSummary(checked.kind, checked.file, checked.size)
        self.won: list[int] = []  # deals to announce
        self.lost: list[int] = []  # deals whose owners are asked why

    def record(self) -> None:
        """The import_run, then a 'won' or 'lost' event per newly won or lost deal, referring to it."""
        summary, now = self.summary, self.now
        run = ImportRun(kind=summary.kind, filename=summary.file[:500], finished_at=now, rows=summary.rows,
                        created=summary.added, updated=summary.updated, errors=[])
        self.session.add(run)
        self.session.flush()
        won, lost = sorted(self.won), sorted(self.lost)
        executemany(self.session, insert(EVENT), {"deal_id": won + lost,
                                                  "kind": ["won"] * len(won) + ["lost"] * len(lost),
                                                  "occurred_at": [now] * (len(won) + len(lost)),
                                                  "import_run_id": [run.id] * (len(won) + len(lost))})
        summary.newly_won = len(won)

    # ---- per kind ---------------------------------------------------------------------------------------

    def deals(self) -> None:
        cols, size, now = self.cols, self.checked.size, self.now
        stages = cols["stage"]
        values: Columns = {
            "external_id": cols["external_id"], "owner_id": cols["owner_id"], "outcome": cols["outcome"],
            "stage": [s or o for s, o in zip(stages, cols["outcome"], strict=True)] if None in stages else stages}
        values.update({c: cols[c] for c in DEAL_COLUMNS if c in cols})
        if "account" in cols:
            values["account_id"] = self._account_ids(cols["account"])
        if "closed_on" in cols:
            months, weeks = periods(cols["closed_on"])
            values["close_month"] = list(map(months.__getitem__, cols["closed_on"]))
            values["close_week"] = list(map(weeks.__getitem__, cols["closed_on"]))
        first_seen = cols.get("engaged_on") or cols.get("created_on") or [None] * size
        if "engaged_on" in cols and "created_on" in cols:
            first_seen = [e or c for e, c in zip(cols["engaged_on"], cols["created_on"], strict=True)]
        names = list(values)  # stored rows read as (id, *names, stage_changed_on)
        at = {name: i + 1 for i, name in enumerate([*names, "stage_changed_on"])}
        stored = self._stored(DEAL, "external_id", names, cols["external_id"], extra=("stage_changed_on",))
        inserts, pairs = self._split(values, stored, ("external_id",))
        today = self.now.date()
        closed, outcome = values.get("closed_on") or [None] * size, values["outcome"]
        ids, since = values["external_id"], today - WIN_WINDOW
        recent = {kind: [ids[i] for i in inserts if closed[i] and since <= closed[i] <= today and outcome[i] == kind]
                  for kind in ("won", "lost")}
        added = _take(values, inserts)
        added["stage_changed_on"] = list(first_seen) if len(inserts) == size else [first_seen[i] for i in inserts]
        added["updated_at"] = [now] * len(inserts)
        changed = _take(values, [i for i, _ in pairs])
        changed["_id"] = [old[0] for _, old in pairs]
        changed["stage_changed_on"] = [today if old[at["stage"]] != values["stage"][i] else
                                       old[at["stage_changed_on"]] for i, old in pairs]
        changed["updated_at"] = [now] * len(pairs)
        turned = {kind: [old[0] for i, old in pairs if outcome[i] == kind and old[at["outcome"]] != kind]
                  for kind in ("won", "lost")}
        self._write(DEAL, added, changed)
        reopened = [old[0] for i, old in pairs if outcome[i] != "lost" and old[at["outcome"]] == "lost"]
        for start in range(0, len(reopened), 5000):
            self.session.execute(update(DEAL).where(DEAL.c.id.in_(reopened[start:start + 5000])).values(ANSWER))
        self._loss_cells(outcome)
        for kind, found in turned.items():
            found += [r[0] for r in self._stored(DEAL, "external_id", ["external_id"], recent[kind]).values()]
        self.won, self.lost = turned["won"], turned["lost"]
        refresh_first_wins(self.session)

    def _loss_cells(self, outcome: list[str | None]) -> None:
        """A file's loss_reason and competitor, set on its lost deals cell by cell: a blank cell writes nothing, so
        an answer the owner gives meanwhile is never overwritten by what the import read before it."""
        for name in (c for c in LOSS_COLUMNS if c in self.cols):
            given = [(external_id, cell) for external_id, cell, kind
                     in zip(self.cols["external_id"], self.cols[name], outcome, strict=True)
                     if cell is not None and kind == "lost"]
            executemany(self.session, update(DEAL).where(DEAL.c.external_id == bindparam("_key")),
                        {"_key": [k for k, _ in given], name: [v for _, v in given]}, batch=BATCH)

    def accounts(self) -> None:
        """Upsert by name. A file's tier, potential, revenue or employees set every account's tier (account_tiers);
        an owner column sets owner_id ('imported'), and an empty owner cell leaves (or hands back) the account to
        the owner of its first won deal."""
        cols = self.cols
        values: Columns = {c: cols[c] for c in ACCOUNT_COLUMNS if c in cols}
        if {"potential_tier", "potential", "revenue", "employees"} & cols.keys():
            values["potential_tier"], values["potential_basis"] = account_tiers(
                self.checked.size, tiers=cols.get("potential_tier"), potential=cols.get("potential"),
                revenue=cols.get("revenue"), employees=cols.get("employees"))
        owners = "owner" in cols
        if owners:
            values["owner_id"] = list(cols["owner_id"])
            values["owner_basis"] = ["imported" if o is not None else None for o in values["owner_id"]]
        stored = self._stored(ACCOUNT, "name", list(values), None)
        if owners:  # an empty cell keeps an owner derived from deals, so that a re-import changes nothing
            at = 1 + list(values).index("owner_id")
            for i, name in enumerate(values["name"]):
                old = stored.get(name)
                if values["owner_id"][i] is None and old is not None and old[at + 1] == "deals":
                    values["owner_id"][i], values["owner_basis"][i] = old[at], "deals"
        self._upsert(ACCOUNT, values, stored, ("name",))
        if owners:
            refresh_first_wins(self.session)  # owners this file took away go back to their first won deal's

    def activities(self) -> None:
        cols, size = self.cols, self.checked.size
        days: list[date] = cols["day"]
        months, weeks = periods(days)
        values: Columns = {
            "rep_id": cols["owner_id"], "day": days, "kind": cols["kind"],
            "week_start": [weeks[d] for d in days], "month": [months[d] for d in days],
            "count": [1 if c is None else c for c in cols.get("count") or [None] * size],
            "account_id": self._account_ids(cols["account"]) if "account" in cols else [None] * size,
            "external_id": cols.get("external_id") or [None] * size}
        ids = values["external_id"]
        with_ids = _take(values, [i for i, e in enumerate(ids) if e is not None])
        stored = self._stored(ACTIVITY, "external_id", list(values), with_ids["external_id"])
        self._upsert(ACTIVITY, with_ids, stored, ("external_id",))
        natural = ("rep_id", "day", "kind", "account_id")
        first: dict[tuple[Any, ...], int] = {}  # rows without ids: one per natural key, counts summed
        total: dict[tuple[Any, ...], int] = {}
        for i, key in enumerate(zip(*(values[c] for c in natural), strict=True)):
            if ids[i] is None:
                first.setdefault(key, i)
                total[key] = total.get(key, 0) + values["count"][i]
        if first:
            summed = _take(values, list(first.values()))
            summed["count"] = list(total.values())
            found = self.session.execute(
                select(*(ACTIVITY.c[c] for c in ("id", *values)))
                .where(ACTIVITY.c.external_id.is_(None), ACTIVITY.c.day.between(min(days), max(days)),
                       ACTIVITY.c.rep_id.in_(list({k[0] for k in first}))))
            self._upsert(ACTIVITY, summed, _by(found, list(values), natural), natural)
        self.summary.rows = len(with_ids["external_id"]) + len(first)

    def quotas(self) -> None:
        values = {"rep_id": self.cols["owner_id"], "period_start": self.cols["period_start"],
                  "period_kind": self.cols["period_kind"], "amount": self.cols["amount"]}
        key = ("rep_id", "period_start", "period_kind")
        found = self.session.execute(select(*(QUOTA.c[c] for c in ("id", *values)))
                                     .where(QUOTA.c.rep_id.in_(list(set(values["rep_id"])))))
        self._upsert(QUOTA, values, _by(found, list(values), key), key)

    def spend(self) -> None:
        values = {"period_start": self.cols["period_start"], "period_kind": self.cols["period_kind"],
                  "amount": self.cols["amount"], "team_id": self.cols["team_id"]}
        key = ("period_start", "period_kind", "team_id")  # a None team_id (the organisation) matches as a key too
        found = self.session.execute(select(*(SPEND.c[c] for c in ("id", *values))))
        self._upsert(SPEND, values, _by(found, list(values), key), key)

    def leads(self) -> None:
        values = {"external_id": self.cols["external_id"], "owner_id": self.cols["owner_id"]}
        values.update({c: self.cols[c] for c in ("created_on", "converted_on", "deal_external_id") if c in self.cols})
        stored = self._stored(LEAD, "external_id", list(values), values["external_id"])
        self._upsert(LEAD, values, stored, ("external_id",))

    def contacts(self) -> None:
        """Upsert by external id; accounts not stored yet are added by name. An empty cell clears what was stored,
        a column the file leaves out keeps it."""
        values: Columns = {"external_id": self.cols["external_id"],
                           "account_id": self._account_ids(self.cols["account"]), "name": self.cols["name"]}
        values.update({c: self.cols[c] for c in ("email", "role", "left_on") if c in self.cols})
        stored = self._stored(CONTACT, "external_id", list(values), values["external_id"])
        self._upsert(CONTACT, values, stored, ("external_id",))

    # ---- shared -----------------------------------------------------------------------------------------

    def _stored(self, table: Table, key: str, names: Sequence[str], wanted: Sequence[Any] | None,
                extra: Sequence[str] = ()) -> dict[Any, Stored]:
        """Stored rows as (id, *names, *extra) by `key` (one of names): all, or those whose key is in `wanted`."""
        selected = [table.c.id, *(table.c[c] for c in (*names, *extra))]
        at = 1 + list(names).index(key)
        stored = self.session.scalar(select(func.count()).select_from(table)) if wanted is not None else None
        if wanted is None or (stored and len(wanted) * 4 >= stored):  # most of the table: one scan is cheaper
            rows = self.session.execute(select(*selected)).all()
            if wanted is None:
                return {r[at]: r for r in rows}
            keep = set(wanted)
            return {r[at]: r for r in rows if r[at] in keep}
        found: dict[Any, Stored] = {}
        keys = list(dict.fromkeys(wanted)) if stored else []  # an empty table (a first import): no look-up
        for start in range(0, len(keys), 5000):
            query = select(*selected).where(table.c[key].in_(keys[start:start + 5000]))
            found.update((r[at], r) for r in self.session.execute(query).all())
        return found

    def _split(self, values: Columns, stored: dict[Any, Stored], key: Sequence[str]
               ) -> tuple[list[int], list[tuple[int, Stored]]]:
        """Indexes of new rows, and (index, stored row) of rows that differ; counts the unchanged ones.
        Stored rows are (id, *values' columns in order, ...)."""
        size = len(values[key[0]])
        inserts: list[int] = []
        pairs: list[tuple[int, Stored]] = []
        if not stored:
            inserts = list(range(size))
        else:
            keys = values[key[0]] if len(key) == 1 else list(zip(*(values[c] for c in key), strict=True))
            width = len(values) + 1
            for i, (found, row) in enumerate(zip(keys, zip(*values.values(), strict=True), strict=True)):
                old = stored.get(found)
                if old is None:
                    inserts.append(i)
                elif old[1:width] != row:
                    pairs.append((i, old))
        self.summary.added += len(inserts)
        self.summary.updated += len(pairs)
        self.summary.unchanged += size - len(inserts) - len(pairs)
        return inserts, pairs

    def _upsert(self, table: Table, values: Columns, stored: dict[Any, Stored], key: Sequence[str]) -> None:
        inserts, pairs = self._split(values, stored, key)
        changed = _take(values, [i for i, _ in pairs])
        changed["_id"] = [old[0] for _, old in pairs]
        self._write(table, _take(values, inserts), changed)

    def _write(self, table: Table, inserts: Columns, updates: Columns) -> None:
        """Insert and update (by `_id`) in batches, reporting progress."""
        sizes = [len(next(iter(c.values()), [])) for c in (inserts, updates)]
        total, done = sum(sizes), 0
        connection = self.session.connection()
        # Bulk-load order for a first import into an empty table: rows first, then build the secondary indexes
        # (once, sorted) instead of maintaining them row by row. DDL is transactional on SQLite and PostgreSQL.
        deferred = [] if sizes[0] < BULK_LOAD or self.session.execute(select(table.c.id).limit(1)).first() \
            else sorted(table.indexes, key=lambda index: str(index.name))
        for index in deferred:
            index.drop(connection)

        def written(rows: int) -> None:
            nonlocal done
            done += rows
            self.progress("writing", done, total)

        # SQLite's own page cache (2 MiB) is also what its sorter keeps in memory per run while it builds an index:
        # a 64 MiB cache made the builds slower, not faster (500k deals: 2.1-2.3 s against 1.4-1.7 s; one sort
        # of a list too large for the CPU's caches instead of runs that fit), and the load no faster.
        executemany(self.session, insert(table), inserts, batch=BATCH, done=written)
        executemany(self.session, update(table).where(table.c.id == bindparam("_id")), updates, batch=BATCH,
                    done=written)
        for index in deferred:
            index.create(connection)

    def _account_ids(self, names: list[str | None]) -> list[int | None]:
        """Account ids for names; accounts not stored yet are added by name (their details come with an
        accounts import)."""
        ids = {name: id_ for id_, name in self.session.execute(select(ACCOUNT.c.id, ACCOUNT.c.name))}
        missing = [name for name in dict.fromkeys(names) if name is not None and name not in ids]
        if missing:
            executemany(self.session, insert(ACCOUNT), {"name": missing})
            ids = {name: id_ for id_, name in self.session.execute(select(ACCOUNT.c.id, ACCOUNT.c.name))}
            self.summary.accounts_added = len(missing)
        ids[None] = None
        return list(map(ids.__getitem__, names))


def _by(rows: Iterable[Any], names: list[str], key: Sequence[str]) -> dict[Any, Stored]:
    """Rows selected as (id, *names) by their natural key."""
    at = [1 + names.index(c) for c in key]
    return {tuple(r[i] for i in at): r for r in rows}


def _take(values: Columns, indexes: list[int]) -> Columns:
    """The rows at `indexes`, column by column (the columns themselves when that is every row)."""
    size = len(next(iter(values.values()), []))
    if len(indexes) == size:
        return dict(values)
    return {c: [column[i] for i in indexes] for c, column in values.items()}
