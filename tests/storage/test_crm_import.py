"""CRM deals files: checked completely (one line per problem, nothing written), then upserted by external id so
that a re-import changes nothing and a deal that turns won is announced once."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
import pytest
from conftest import seed_team
from sqlalchemy import event, select
from sqlalchemy.orm import Session, sessionmaker

from storage.crm.importer import CrmImportSummary, import_crm_file
from storage.crm.mapping import CrmImportErrors
from storage.crm.models import CrmAccount, CrmDeal, CrmDealEvent
from storage.data_version import kpis_version
from storage.db import make_engine, make_sessions
from storage.models import ImportRun

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
DEALS_HEADER = ["external_id", "owner", "account", "product", "stage", "amount", "engaged_on", "closed_on",
                "next_step"]
DEALS = [
    ["D-1", "rep0@example.com", "Acme", "Widget", "won", 1200, "2026-09-01", "2026-10-15", ""],
    ["D-2", "Rep 1", "Acme", "Gadget", "lost", 0, "2026-09-03", "2026-10-20", ""],
    ["D-3", "rep1@example.com", "Globex", "Widget", "open", 900.5, "2026-10-01", "", "Call back"],
    ["D-4", "REP2@example.com", "", "Widget", "open", "", "", "", ""],
]


def write_table(path: Path, rows: Sequence[Sequence[object]], header: Sequence[str] = DEALS_HEADER) -> Path:
    """A real .csv or .xlsx file (by suffix); '' is an empty cell, dates stay text unless given as dates."""
    if path.suffix == ".csv":
        with path.open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(header)
            writer.writerows(rows)
        return path
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(list(header))
    for row in rows:
        sheet.append([None if v == "" else v for v in row])
    workbook.save(path)
    return path


@contextmanager
def crm_database(url: str) -> Iterator[sessionmaker[Session]]:
    """A migrated database (`url`) given a manager (maria@example.com) and reps rep0..rep5@example.com ("Rep 0"...)."""
    engine = make_engine(url)
    made = make_sessions(engine)
    with made.begin() as session:
        seed_team(session, reps=6, slack_ids=False)
    yield made
    engine.dispose()


@pytest.fixture
def sessions(migrated_database_url):
    with crm_database(migrated_database_url) as made:
        yield made


def load(sessions, path: Path, kind: str = "deals", *, now: datetime = NOW, **kwargs) -> CrmImportSummary:
    with sessions.begin() as session:
        return import_crm_file(session, kind=kind, path=path, now=now, **kwargs)


def problems(sessions, path: Path, kind: str = "deals", **kwargs) -> list[str]:
    with pytest.raises(CrmImportErrors) as caught:
        load(sessions, path, kind, **kwargs)
    return caught.value.errors


def deals(sessions) -> dict[str, CrmDeal]:
    with sessions.begin() as session:
        return {d.external_id: d for d in session.scalars(select(CrmDeal))}


def counts(summary: CrmImportSummary) -> tuple[int, int, int, int]:
    return summary.added, summary.updated, summary.unchanged, summary.newly_won


def nothing_stored(sessions) -> bool:
    with sessions.begin() as session:
        return not session.scalars(select(CrmDeal)).all() and not session.scalars(select(CrmAccount)).all()


# ---- storing -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_deals_are_stored_with_owner_outcome_and_period_keys(sessions, tmp_path, suffix):
    summary = load(sessions, write_table(tmp_path / f"deals{suffix}", DEALS))
    assert counts(summary) == (4, 0, 0, 0) and summary.accounts_added == 2
    stored = deals(sessions)
    won = stored["D-1"]
    assert (won.outcome, won.stage, won.amount, won.product) == ("won", "won", 1200.0, "Widget")
    assert (won.closed_on, won.close_month, won.close_week) == (date(2026, 10, 15), date(2026, 10, 1),
                                                                date(2026, 10, 12))
    assert won.stage_changed_on == date(2026, 9, 1) and won.updated_at == NOW
    assert stored["D-2"].owner_id == stored["D-3"].owner_id  # "Rep 1" by name, rep1@example.com by email
    assert stored["D-4"].owner_id != stored["D-3"].owner_id and stored["D-4"].account_id is None
    assert (stored["D-3"].next_step, stored["D-3"].amount, stored["D-4"].amount) == ("Call back", 900.5, None)
    with sessions.begin() as session:
        run = session.scalars(select(ImportRun)).one()
    assert (run.kind, run.rows, run.created, run.updated, run.finished_at) == ("deals", 4, 4, 0, NOW)


def test_reimport_of_same_file_changes_nothing(sessions, tmp_path):
    path = write_table(tmp_path / "deals.xlsx", DEALS)
    load(sessions, path)
    writes: list[str] = []
    engine = sessions.kw["bind"]
    event.listen(engine, "before_cursor_execute", lambda conn, cur, statement, *a: writes.append(statement))
    summary = load(sessions, path, now=datetime(2026, 11, 30, tzinfo=UTC))
    assert counts(summary) == (0, 0, 4, 0)
    changed = [s for s in writes if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert len(changed) == 1 and "import_run" in changed[0]
    assert deals(sessions)["D-1"].updated_at == NOW


def test_deal_newly_won_on_reimport_records_one_event(sessions, tmp_path):
    load(sessions, write_table(tmp_path / "v1.csv", DEALS))
    later = [list(r) for r in DEALS]
    later[2][4], later[2][7] = "won", "2026-11-20"
    summary = load(sessions, write_table(tmp_path / "v2.csv", later))
    assert counts(summary) == (0, 1, 3, 1)
    with sessions.begin() as session:
        event_ = session.scalars(select(CrmDealEvent)).one()
        run = session.scalars(select(ImportRun).order_by(ImportRun.id.desc())).first()
        assert run is not None
        assert (event_.kind, event_.occurred_at, event_.import_run_id) == ("won", NOW, run.id)
    stored = deals(sessions)
    assert event_.deal_id == stored["D-3"].id
    assert (stored["D-3"].stage_changed_on, stored["D-3"].close_week) == (NOW.date(), date(2026, 11, 16))
    assert counts(load(sessions, write_table(tmp_path / "v3.csv", later))) == (0, 0, 4, 0)
    with sessions.begin() as session:
        assert len(session.scalars(select(CrmDealEvent)).all()) == 1


def test_first_import_of_history_announces_only_wins_closed_in_the_last_week(sessions, tmp_path):
    rows = [[f"D-{day}", "rep0@example.com", "", "", "won", 100, "", f"2026-11-{day:02d}", ""]
            for day in (1, 15, 16, 23)]
    summary = load(sessions, write_table(tmp_path / "history.csv", rows))
    assert summary.newly_won == 2
    with sessions.begin() as session:
        announced = session.scalars(select(CrmDeal.external_id).join(CrmDealEvent)).all()
    assert sorted(announced) == ["D-16", "D-23"]


def test_a_changed_deal_updates_only_that_deal_and_its_stage_date(sessions, tmp_path):
    load(sessions, write_table(tmp_path / "v1.csv", DEALS))
    later = [list(r) for r in DEALS]
    later[3][4], later[3][5] = "open", 300
    summary = load(sessions, write_table(tmp_path / "v2.csv", later), now=datetime(2026, 11, 25, tzinfo=UTC))
    assert counts(summary) == (0, 1, 3, 0)
    stored = deals(sessions)
    assert (stored["D-4"].amount, stored["D-4"].stage_changed_on) == (300.0, None)  # same stage: date kept
    assert stored["D-4"].updated_at == datetime(2026, 11, 25, tzinfo=UTC) and stored["D-3"].updated_at == NOW


def test_columns_absent_from_a_later_file_are_left_as_stored(sessions, tmp_path):
    load(sessions, write_table(tmp_path / "full.csv", DEALS))
    narrow = [[r[0], r[1], r[4], r[7]] for r in DEALS]
    summary = load(sessions, write_table(tmp_path / "narrow.csv", narrow,
                                         ["external_id", "owner", "stage", "closed_on"]))
    assert counts(summary) == (0, 0, 4, 0)
    assert deals(sessions)["D-3"].next_step == "Call back"


def test_first_won_date_follows_each_deals_import(sessions, tmp_path):
    load(sessions, write_table(tmp_path / "v1.csv", DEALS))
    earlier = [["D-0", "rep0@example.com", "Acme", "", "won", 10, "", "2026-02-01", ""],
               ["D-5", "rep0@example.com", "Globex", "", "lost", 10, "", "2026-01-01", ""]]
    load(sessions, write_table(tmp_path / "v2.csv", earlier))
    with sessions.begin() as session:
        first = dict(session.execute(select(CrmAccount.name, CrmAccount.first_won_date)).all())
    assert first == {"Acme": date(2026, 2, 1), "Globex": None}


def test_apply_writes_in_the_callers_transaction_and_never_commits(sessions, tmp_path):
    path = write_table(tmp_path / "deals.csv", DEALS)
    session = sessions()
    with session.begin():
        import_crm_file(session, kind="deals", path=path, now=NOW)
        session.rollback()
    assert nothing_stored(sessions)


def test_mapping_renames_columns_and_maps_stages_products_people_and_dates(sessions, tmp_path):
    mapping = tmp_path / "map.yml"
    mapping.write_text("columns: {Opportunity ID: external_id, Sales Agent: owner, Deal Stage: stage,\n"
                       "          Close Date: closed_on, Value: amount, Product: product}\n"
                       "stages: {Won: won, Lost: lost, Prospecting: open, Engaging: open}\n"
                       "products: {GTXPro: GTX Pro}\n"
                       "people: {by: name, aliases: {Reppo Zero: Rep 0}}\n"
                       "dates: {format: '%d/%m/%Y'}\n")
    rows = [["X1", "Reppo Zero", "Won", "15/10/2026", "1,5", "GTXPro"],
            ["X2", "rep 1", "Engaging", "", "", "GTX Basic"]]
    path = write_table(tmp_path / "export.csv", rows,
                       ["Opportunity ID", "Sales Agent", "Deal Stage", "Close Date", "Value", "Product"])
    assert problems(sessions, path, mapping=mapping) == [
        f"{path}:2:E: '1,5' is not a number; expected a number such as 1250.50 (no currency sign or thousands "
        "separator)"]
    rows[0][4] = "1500"
    assert counts(load(sessions, write_table(path, rows, ["Opportunity ID", "Sales Agent", "Deal Stage",
                                                          "Close Date", "Value", "Product"]), mapping=mapping)) \
        == (2, 0, 0, 0)
    stored = deals(sessions)
    assert (stored["X1"].stage, stored["X1"].outcome, stored["X1"].closed_on) == ("Won", "won", date(2026, 10, 15))
    assert (stored["X1"].product, stored["X2"].outcome) == ("GTX Pro", "open")


# ---- refusing ------------------------------------------------------------------------------------------

def test_bad_date_names_file_row_and_column_and_writes_nothing(sessions, tmp_path):
    rows = [list(r) for r in DEALS]
    rows[1][7] = "20/10/2026"
    rows[2][6] = "soon"
    path = write_table(tmp_path / "deals.csv", rows)
    assert problems(sessions, path) == [
        f"{path}:3:H: '20/10/2026' is not a date (it reads as %d/%m/%Y: set dates: format: '%d/%m/%Y' in the "
        "mapping); expected a date as YYYY-MM-DD, or a date cell",
        f"{path}:4:G: 'soon' is not a date; expected a date as YYYY-MM-DD, or a date cell"]
    assert nothing_stored(sessions)


def test_unknown_owner_is_named_once_with_close_matches(sessions, tmp_path):
    rows = [list(r) for r in DEALS] + [["D-9", "Maria Manger", "", "", "open", "", "", "", ""]]
    rows[0][1] = "maria  manger"
    rows[1][1] = "marla@example.com"
    path = write_table(tmp_path / "deals.xlsx", rows)
    assert problems(sessions, path) == [
        f"{path}:2:B: 'maria  manger' is not in the roster (close matches: Maria Manager), also on 1 other row(s); "
        "expected a stored person's email or name (map CRM names under people: aliases:)",
        f"{path}:3:B: 'marla@example.com' is not in the roster (close matches: maria@example.com); expected a "
        "stored person's email or name (map CRM names under people: aliases:)"]


def test_negative_amount_unknown_stage_and_won_without_close_date_are_refused(sessions, tmp_path):
    rows = [list(r) for r in DEALS]
    rows[0][5] = -5
    rows[1][7] = ""
    rows[2][4] = "Negotiation"
    rows[3][0] = "D-1"
    path = write_table(tmp_path / "deals.csv", rows)
    assert problems(sessions, path) == [
        f"{path}:2:F: '-5' is negative; expected 0 or more",
        f"{path}:3:H: closed_on is empty for a lost deal; expected the date it closed",
        f"{path}:4:E: 'Negotiation' is not a stage the mapping knows; expected won, lost, open (or map your "
        "stages under stages: in a --mapping file)",
        f"{path}:5:A: 'D-1' is also on row 2; expected each external_id once"]
    assert nothing_stored(sessions)


def test_a_stage_the_mapping_does_not_list_is_refused_once(sessions, tmp_path):
    mapping = tmp_path / "map.yml"
    mapping.write_text("stages:\n  Won: won\n  Lost: lost\n")
    rows = [["D-1", "rep0@example.com", "Engaging"], ["D-2", "rep0@example.com", "Engaging"]]
    path = write_table(tmp_path / "deals.csv", rows, ["external_id", "owner", "stage"])
    assert problems(sessions, path, mapping=mapping) == [
        f"{path}:2:C: 'Engaging' is not a stage the mapping knows; expected won, lost (map it under stages: in "
        "the mapping)"]


def test_missing_columns_are_named_with_the_mapped_header_or_a_close_one(sessions, tmp_path):
    mapping = tmp_path / "map.yml"
    mapping.write_text("columns: {Opportunity: external_id}\n")
    path = write_table(tmp_path / "deals.csv", [["D-1", "rep0@example.com", "won"]], ["id", "owner", "stages"])
    assert problems(sessions, path, mapping=mapping) == [
        f"{path}:1: missing column 'opportunity' (mapped to external_id); expected it in the header",
        f"{path}:1: missing column 'stage' (is it 'stages'? map it under columns: in a --mapping file); expected "
        "columns: external_id, owner, stage[, outcome, account, product, amount, engaged_on, created_on, "
        "expected_close_on, closed_on, next_step, next_step_on, last_activity_on, churned, acquisition_cost, "
        "deal_type, loss_reason, competitor]"]


def test_many_bad_values_in_one_column_are_capped(sessions, tmp_path):
    rows = [[f"D-{i}", "rep0@example.com", "", "", "open", "", f"day {i}", "", ""] for i in range(30)]
    path = write_table(tmp_path / "deals.csv", rows)
    found = problems(sessions, path)
    assert len(found) == 21 and found[0] == (f"{path}:1:G: 10 more bad value(s) in column 'engaged_on'; "
                                             "expected a date as YYYY-MM-DD, or a date cell")
    assert found[1].startswith(f"{path}:2:G: 'day 0' is not a date")


def test_a_first_bulk_load_builds_the_same_indexes_after_the_rows(sessions, tmp_path, monkeypatch):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from storage.crm import importer as crm_import
    from storage.models import Base

    monkeypatch.setattr(crm_import, "BULK_LOAD", 3)
    assert counts(load(sessions, write_table(tmp_path / "deals.csv", DEALS))) == (4, 0, 0, 0)
    with sessions.kw["bind"].connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata) == []
    assert counts(load(sessions, write_table(tmp_path / "deals.csv", DEALS))) == (0, 0, 4, 0)


def test_blank_rows_are_skipped_and_problems_keep_their_spreadsheet_row(sessions, tmp_path):
    rows: list[list[object]] = [[], [], list(DEALS[0]), ["", "", "", ""], list(DEALS[1])]
    rows[4][6] = "someday"
    path = write_table(tmp_path / "deals.xlsx", rows)
    assert problems(sessions, path) == [f"{path}:6:G: 'someday' is not a date; expected a date as YYYY-MM-DD, "
                                        "or a date cell"]
    rows[4][6] = "2026-09-03"
    assert counts(load(sessions, write_table(tmp_path / "deals.csv", rows))) == (2, 0, 0, 0)


def test_a_file_that_cannot_be_read_is_one_line(sessions, tmp_path):
    assert problems(sessions, tmp_path / "deals.txt") == [
        f"{tmp_path / 'deals.txt'}: '.txt' is not a supported file type; expected .csv or .xlsx"]
    assert problems(sessions, tmp_path / "none.csv") == [
        f"{tmp_path / 'none.csv'}: no such file; expected a .csv file to import"]
    assert problems(sessions, write_table(tmp_path / "empty.csv", [])) == [
        f"{tmp_path / 'empty.csv'}:2: nothing under the header; expected one row per deal"]


def test_a_small_file_against_many_stored_deals_updates_only_its_own(sessions, tmp_path):
    many = [[f"M-{i}", f"rep{i % 6}@example.com", f"Account {i % 3}", "", "open", i, "2026-10-01", "", ""]
            for i in range(30)]
    load(sessions, write_table(tmp_path / "all.csv", many))
    few = [list(many[3]), list(many[7])]
    few[1][4], few[1][7] = "won", "2026-11-20"
    summary = load(sessions, write_table(tmp_path / "few.xlsx", few))
    assert counts(summary) == (0, 1, 1, 1)
    stored = deals(sessions)
    assert (stored["M-7"].outcome, stored["M-7"].closed_on, stored["M-8"].outcome) == ("won", date(2026, 11, 20),
                                                                                      "open")


def test_an_import_moves_the_kpi_data_version_on_and_an_unchanged_reimport_does_not(sessions, tmp_path):
    path = write_table(tmp_path / "deals.xlsx", DEALS)
    with sessions.begin() as session:
        before = kpis_version(session)
    load(sessions, path)  # rows go straight to the driver's cursor (storage.crm.bulk), past the engine's hook
    with sessions.begin() as session:
        after = kpis_version(session)
    assert after > before  # App Home's cached KPIs are worked out again, never shown stale
    load(sessions, path, now=datetime(2026, 11, 30, tzinfo=UTC))
    with sessions.begin() as session:
        assert kpis_version(session) == after
