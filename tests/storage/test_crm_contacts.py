"""Contacts import (external id, account, name, email, role, left_on): stored, updated by external id, refused
all or nothing with one line per bad cell; and what the account follow-ups read from the CRM tables."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select
from test_crm_import import counts, crm_database, load, problems, write_table

from storage.crm.models import CrmAccount, CrmActivity, CrmContact, CrmDeal
from storage.followups.repository import NudgeRepository
from storage.models import Person

HEADER = ["external_id", "account", "name", "email", "role", "left_on"]
CONTACTS = [["C-1", "Acme", "Ada Buyer", "ada@acme.example", "CFO", "2026-11-02"],
            ["C-2", "Acme", "Bo Champion", "", "", "2026-10-20"],
            ["C-3", "Globex", "Cy User", "cy@globex.example", "Head of IT", ""]]
NOW = datetime(2026, 11, 23, 8, tzinfo=UTC)


def test_contacts_are_stored_by_external_id_and_reimport_updates_them(migrated_database_url, tmp_path):
    with crm_database(migrated_database_url) as sessions:
        summary = load(sessions, write_table(tmp_path / "contacts.xlsx", CONTACTS, HEADER), "contacts")
        assert counts(summary)[:3] == (3, 0, 0) and summary.accounts_added == 2
        changed = [list(r) for r in CONTACTS]
        changed[2][5] = date(2026, 11, 20)  # a date cell
        assert counts(load(sessions, write_table(tmp_path / "v2.xlsx", changed, HEADER), "contacts"))[:3] == (0, 1, 2)
        with sessions.begin() as s:
            stored = {c.external_id: c for c in s.scalars(select(CrmContact))}
            names = {a.id: a.name for a in s.scalars(select(CrmAccount))}
            assert (stored["C-1"].email, stored["C-1"].role, stored["C-2"].email) == ("ada@acme.example", "CFO", None)
            assert (names[stored["C-3"].account_id], stored["C-3"].left_on) == ("Globex", date(2026, 11, 20))

            # Acme's every contact left (the last on 2 November); Globex's too now; an owner makes them count
            rep = s.scalar(select(Person.id).where(Person.email == "rep0@example.com"))
            for account in s.scalars(select(CrmAccount)):
                account.owner_id, account.potential_tier = rep, "high"
            acme = next(i for i, n in names.items() if n == "Acme")
            s.add(CrmActivity(rep_id=rep, day=date(2026, 10, 1), week_start=date(2026, 9, 28), month=date(2026, 10, 1),
                              kind="call", account_id=acme))
            s.add(CrmDeal(external_id="D-9", owner_id=rep, account_id=acme, stage="won", outcome="won",
                          closed_on=date(2026, 10, 24), last_activity_on=date(2026, 10, 5), updated_at=NOW))
            s.flush()
            facts = NudgeRepository(s).account_facts(owner_ids=[rep], since=date(2026, 10, 1))
            assert [(d.account_name, d.left_on) for d in facts.departures] == [("Acme", date(2026, 11, 2)),
                                                                              ("Globex", date(2026, 11, 20))]
            assert [(a.name, a.last_activity_on) for a in facts.accounts] == [("Acme", date(2026, 10, 5)),
                                                                             ("Globex", None)]
            assert [(w.external_id, w.account_name) for w in facts.wins] == [("D-9", "Acme")]


def test_a_bad_cell_is_one_line_with_file_row_and_column_and_nothing_is_written(migrated_database_url, tmp_path):
    with crm_database(migrated_database_url) as sessions:
        bad = [list(r) for r in CONTACTS]
        bad[1][5] = "last spring"
        bad[2][3] = "cy at globex"
        path = write_table(tmp_path / "contacts.csv", bad, HEADER)
        assert problems(sessions, path, "contacts") == [
            f"{path}:3:F: 'last spring' is not a date; expected a date as YYYY-MM-DD, or a date cell",
            f"{path}:4:D: 'cy at globex' is not an email address; expected name@example.com, or an empty cell"]
        with sessions.begin() as s:
            assert s.scalars(select(CrmContact)).all() == [] and s.scalars(select(CrmAccount)).all() == []
