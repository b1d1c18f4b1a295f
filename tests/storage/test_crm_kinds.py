"""CRM accounts, activities, quotas and leads: stored under our names, re-imported idempotently, refused with
one line per problem."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from test_crm_import import counts, crm_database, load, problems, write_table

from storage.crm.derived import potential_tiers
from storage.crm.models import CrmAccount, CrmActivity, CrmLead, CrmQuota
from storage.models import ImportRun

ACCOUNTS_HEADER = ["name", "sector", "employees", "revenue"]
ACCOUNTS = [["Acme", "retail", 10, 100.0], ["Globex", "technolgy", 2000, ""], ["Initech", "software", 50, 300.0],
            ["Hooli", "software", 400, 5000.0], ["Umbrella", "medical", "", ""]]


@pytest.fixture
def sessions(migrated_database_url):
    with crm_database(migrated_database_url) as made:
        yield made


def rows_of(sessions, model):
    with sessions.begin() as session:
        return list(session.scalars(select(model).order_by(model.id)))


def test_potential_tier_is_the_revenue_tercile_else_the_employees_tercile():
    assert potential_tiers([1.0, 2.0, 3.0, None, None, 4.0, 5.0, 6.0], [None, None, None, 5, 500, None, None, None]) \
        == ["low", "low", "medium", None, None, "medium", "high", "high"]  # 2 employee figures: too few to rank
    assert potential_tiers(None, [1, 2, 3]) == ["low", "medium", "high"]


def test_accounts_get_a_tier_and_sector_aliases_and_reimport_changes_nothing(sessions, tmp_path):
    mapping = tmp_path / "map.yml"
    mapping.write_text("columns: {Account: name}\nvalues: {sector: {technolgy: technology}}\n")
    header = ["Account", "sector", "employees", "revenue", "year_established"]
    path = write_table(tmp_path / "accounts.xlsx", [[*r, 1999] for r in ACCOUNTS], header)
    assert counts(load(sessions, path, "accounts", mapping=mapping)) == (5, 0, 0, 0)
    stored = {a.name: a for a in rows_of(sessions, CrmAccount)}
    assert [stored[n].potential_tier for n in ("Acme", "Initech", "Hooli", "Globex", "Umbrella")] == \
        ["low", "medium", "high", "high", None]  # Globex ranked by employees (10, 50, 400, 2000)
    assert (stored["Globex"].sector, stored["Globex"].employees, stored["Acme"].revenue) == ("technology", 2000, 100.0)
    assert counts(load(sessions, path, "accounts", mapping=mapping)) == (0, 0, 5, 0)


ACTIVITY_HEADER = ["owner", "day", "kind", "count", "account"]


def test_activities_store_week_and_month_and_sum_rows_without_ids(sessions, tmp_path):
    rows = [["rep0@example.com", "2026-11-18", "Call", 2, "Acme"],
            ["rep0@example.com", "2026-11-18", "call", "", "Acme"],
            ["rep0@example.com", "2026-11-18", "email", 1, ""], ["Rep 1", date(2026, 12, 1), "demo", 1, ""]]
    path = write_table(tmp_path / "activities.xlsx", rows, ACTIVITY_HEADER)
    summary = load(sessions, path, "activities")
    assert (summary.rows, *counts(summary)[:3]) == (3, 3, 0, 0)
    assert [(r.rows, r.created) for r in rows_of(sessions, ImportRun)] == [(3, 3)]
    stored = rows_of(sessions, CrmActivity)
    assert [(a.day, a.week_start, a.month, a.kind, a.count) for a in stored] == [
        (date(2026, 11, 18), date(2026, 11, 16), date(2026, 11, 1), "call", 3),
        (date(2026, 11, 18), date(2026, 11, 16), date(2026, 11, 1), "email", 1),
        (date(2026, 12, 1), date(2026, 11, 30), date(2026, 12, 1), "demo", 1)]
    assert counts(load(sessions, path, "activities")) == (0, 0, 3, 0)
    rows[0][3] = 5
    assert counts(load(sessions, write_table(tmp_path / "v2.csv", rows, ACTIVITY_HEADER), "activities")) == \
        (0, 1, 2, 0)
    assert rows_of(sessions, CrmActivity)[0].count == 6


def test_activities_with_ids_upsert_by_id_and_unknown_kinds_are_refused(sessions, tmp_path):
    header = ["external_id", "owner", "day", "kind"]
    path = write_table(tmp_path / "a.csv", [["A1", "rep0@example.com", "2026-11-18", "call"],
                                            ["A2", "rep0@example.com", "2026-11-18", "call"]], header)
    assert counts(load(sessions, path, "activities")) == (2, 0, 0, 0)
    path = write_table(tmp_path / "b.csv", [["A1", "rep0@example.com", "2026-11-19", "meeting"],
                                            ["A3", "rep0@example.com", "2026-11-18", "Lunch"]], header)
    assert problems(sessions, path, "activities") == [
        f"{path}:3:D: 'Lunch' is not a kind; expected call, email, meeting, demo, other (map your activity types "
        "under values: kind: in the mapping)"]
    mapping = tmp_path / "map.yml"
    mapping.write_text("values:\n  kind: {Lunch: meeting}\n")
    assert counts(load(sessions, path, "activities", mapping=mapping)) == (1, 1, 0, 0)
    run = rows_of(sessions, ImportRun)[-1]
    assert (run.kind, run.rows, run.created, run.updated) == ("activities", 2, 1, 1)
    assert [(a.external_id, a.day, a.kind) for a in rows_of(sessions, CrmActivity)] == [
        ("A1", date(2026, 11, 19), "meeting"), ("A2", date(2026, 11, 18), "call"), ("A3", date(2026, 11, 18),
                                                                                     "meeting")]


def test_quotas_upsert_per_rep_and_period_and_must_start_a_period(sessions, tmp_path):
    header = ["owner", "period_start", "period_kind", "amount"]
    path = write_table(tmp_path / "q.csv", [["rep0@example.com", "2026-10-01", "quarter", 30000],
                                            ["rep0@example.com", "2026-11-01", "", 10000]], header)
    assert counts(load(sessions, path, "quotas")) == (2, 0, 0, 0)
    assert [(q.period_start, q.period_kind, q.amount) for q in rows_of(sessions, CrmQuota)] == [
        (date(2026, 10, 1), "quarter", 30000.0), (date(2026, 11, 1), "month", 10000.0)]
    path = write_table(tmp_path / "q2.csv", [["rep0@example.com", "2026-11-01", "month", 12000],
                                             ["rep1@example.com", "2026-11-01", "quarter", 1],
                                             ["rep1@example.com", "2026-11-15", "month", 1],
                                             ["rep2@example.com", "2026-11-01", "month", ""]], header)
    assert problems(sessions, path, "quotas") == [
        f"{path}:3:B: '2026-11-01' is not the first day of a quarter; expected 1 January, April, July or October",
        f"{path}:4:B: '2026-11-15' is not the first day of a month; expected the 1st of a month",
        f"{path}:5:D: amount is empty; expected a value in every row (owner, period_start, amount[, period_kind])"]
    fixed = write_table(tmp_path / "q3.csv", [["rep0@example.com", "2026-11-01", "month", 12000]], header)
    assert counts(load(sessions, fixed, "quotas")) == (0, 1, 0, 0)


def test_leads_upsert_by_id_and_record_conversion(sessions, tmp_path):
    header = ["external_id", "owner", "created_on", "converted_on", "deal_external_id"]
    path = write_table(tmp_path / "leads.csv", [["L1", "rep0@example.com", "2026-10-01", "", ""],
                                                ["L2", "rep1@example.com", "2026-10-02", "", ""]], header)
    assert counts(load(sessions, path, "leads")) == (2, 0, 0, 0)
    path = write_table(tmp_path / "leads2.csv", [["L1", "rep0@example.com", "2026-10-01", "2026-11-02", "D-1"],
                                                 ["L2", "rep1@example.com", "2026-10-02", "", ""]], header)
    assert counts(load(sessions, path, "leads", now=datetime(2026, 11, 24, tzinfo=UTC))) == (0, 1, 1, 0)
    assert [(lead.converted_on, lead.deal_external_id) for lead in rows_of(sessions, CrmLead)] == [
        (date(2026, 11, 2), "D-1"), (None, None)]


def test_mapping_file_problems_are_named_before_the_data_is_read(sessions, tmp_path):
    mapping = tmp_path / "map.yml"
    mapping.write_text("kind: deals\ncolumn: {}\ncolumns: {Agent: ownr}\nstages: {Won: closed}\n"
                       "people: {by: phone}\ndates: {format: dd/mm/yyyy}\n")
    assert problems(sessions, tmp_path / "missing.csv", "deals", mapping=mapping) == [
        f"{mapping}: unknown section 'column', did you mean 'columns'?; expected kind, columns, stages, products, "
        "values, people, dates",
        f"{mapping}: columns: 'agent' maps to 'ownr' (did you mean 'owner'?); expected one of external_id, owner, "
        "stage, outcome, account, product, amount, engaged_on, created_on, expected_close_on, closed_on, "
        "next_step, next_step_on, last_activity_on, churned, acquisition_cost, deal_type, loss_reason, competitor",
        f"{mapping}: stages: 'won' maps to 'closed'; expected open, won, lost",
        f"{mapping}: people: by: 'phone' is not a way to match owners; expected email or name",
        f"{mapping}: dates: format: 'dd/mm/yyyy' has no directives; expected a strptime format such as '%d/%m/%Y'"]
    assert problems(sessions, tmp_path / "x.csv", "leads", mapping=mapping)[1] == (
        f"{mapping}: kind: 'deals' is not what is being imported; expected 'leads' (or import the file as deals)")
    mapping.write_text("columns: [a, b\n")
    assert problems(sessions, tmp_path / "x.csv", "leads", mapping=mapping)[0].startswith(
        f"{mapping}: cannot be read as YAML (")
    assert problems(sessions, tmp_path / "x.csv", "leads", mapping=tmp_path / "none.yml") == [
        f"{tmp_path / 'none.yml'}: no such file; expected a mapping .yml file"]
