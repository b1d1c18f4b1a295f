"""Deals imports and loss reasons: a deal that turns lost (or arrives lost, recently) gets a 'lost' event; a
loss_reason column is read in the CRM's words, kept on lost deals only, and a blank cell keeps the stored answer."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select, update
from test_crm_import import NOW, crm_database, deals, load, nothing_stored, problems, write_table

from storage.crm.models import CrmDeal, CrmDealEvent

HEADER = ["external_id", "owner", "stage", "closed_on", "loss_reason", "competitor"]


@pytest.fixture
def sessions(migrated_database_url):
    with crm_database(migrated_database_url) as made:
        yield made


def events(sessions) -> list[tuple[str, str]]:
    with sessions.begin() as session:
        return sorted((e.kind, str(e.deal_id)) for e in session.scalars(select(CrmDealEvent)))


def test_turning_lost_records_one_lost_event_and_the_reason_in_the_crms_words(sessions, tmp_path):
    today = NOW.date()
    load(sessions, write_table(tmp_path / "a.csv", [["D-1", "rep0@example.com", "open", "", "", ""],
                                                    ["D-2", "rep1@example.com", "lost", "2020-01-06", "", ""]],
                               HEADER))
    assert events(sessions) == []  # an old loss arriving for the first time asks nothing
    load(sessions, write_table(tmp_path / "b.csv", [
        ["D-1", "rep0@example.com", "lost", today.isoformat(), "Too expensive", "Acme CRM"],
        ["D-2", "rep1@example.com", "lost", "2020-01-06", "", ""],
        ["D-3", "rep2@example.com", "won", today.isoformat(), "price", "Acme CRM"]], HEADER))
    stored = deals(sessions)
    assert [k for k, _ in events(sessions)] == ["lost", "won"]
    assert (stored["D-1"].loss_reason, stored["D-1"].competitor) == ("price", "Acme CRM")
    assert (stored["D-3"].loss_reason, stored["D-3"].competitor) == (None, None)  # reasons belong to lost deals
    load(sessions, write_table(tmp_path / "c.csv", [["D-1", "rep0@example.com", "lost", today.isoformat(), "", ""]],
                               HEADER), now=datetime.combine(today, NOW.timetz()))
    assert deals(sessions)["D-1"].loss_reason == "price"  # a blank cell keeps what is stored
    assert len(events(sessions)) == 2  # still lost: no second event


def test_an_unknown_loss_reason_is_one_line_with_its_place_and_nothing_is_written(sessions, tmp_path):
    path = write_table(tmp_path / "bad.csv", [["D-9", "rep0@example.com", "lost", date(2026, 11, 20).isoformat(),
                                               "the weather", ""]], HEADER)
    (line,) = problems(sessions, path)
    assert line.startswith(f"{path}:2:") and "the weather" in line and "no decision" in line
    assert nothing_stored(sessions)


def test_an_answer_given_while_an_import_runs_is_not_overwritten_by_its_blank_cell(sessions, tmp_path, monkeypatch,
                                                                                 migrated_database_url):
    if migrated_database_url.startswith("sqlite"):
        pytest.skip("SQLite's import holds the only writer: no answer can land meanwhile")
    from storage.crm import importer

    today = NOW.date().isoformat()
    load(sessions, write_table(tmp_path / "a.csv", [["D-10", "rep0@example.com", "lost", today, "", ""]], HEADER))
    write = importer._Writer._write

    def answered_meanwhile(self, table, inserts, updates):
        with sessions.begin() as other:  # the owner's click commits while the import is under way
            other.execute(update(CrmDeal).where(CrmDeal.external_id == "D-10").values(loss_reason="price"))
        return write(self, table, inserts, updates)

    monkeypatch.setattr(importer._Writer, "_write", answered_meanwhile)
    load(sessions, write_table(tmp_path / "b.csv", [["D-10", "rep0@example.com", "lost", today, "", "Acme CRM"]],
                               HEADER))
    assert (deals(sessions)["D-10"].loss_reason, deals(sessions)["D-10"].competitor) == ("price", "Acme CRM")
