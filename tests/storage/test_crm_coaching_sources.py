"""Issue 16's coaching sources as imported: deal types, accounts' potential, tier basis, churn date and owner (given,
or the owner of the first won deal), and sales and marketing spend per period for a team or the organisation.
Each refusal is one line naming the place; nothing is written then; a re-import changes nothing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from test_crm_import import counts, crm_database, deals, load, nothing_stored, problems, write_table

from storage.crm.derived import account_tiers
from storage.crm.models import CrmAccount, CrmSpend
from storage.models import Person, Team


@pytest.fixture
def sessions(migrated_database_url):
    with crm_database(migrated_database_url) as made:
        yield made


def accounts(sessions) -> dict[str, CrmAccount]:
    with sessions.begin() as session:
        return {a.name: a for a in session.scalars(select(CrmAccount))}


def person_ids(sessions) -> dict[str, int]:
    with sessions.begin() as session:
        return {email.split("@")[0]: pid for pid, email in session.execute(select(Person.id, Person.email))}


# ---- deals: deal_type ----------------------------------------------------------------------------------

DEAL_TYPE_HEADER = ["external_id", "owner", "stage", "deal_type"]


def test_deal_types_and_their_aliases_are_stored_as_new_renewal_or_expansion(sessions, tmp_path):
    spellings = ["new", "New Business", "RENEW", "Renewal", "expansion", "Upsell", "Cross-Sell", "cross sell",
                 "upgrade", ""]
    rows = [[f"D-{i}", "rep0@example.com", "open", spelling] for i, spelling in enumerate(spellings)]
    path = write_table(tmp_path / "deals.csv", rows, DEAL_TYPE_HEADER)
    assert counts(load(sessions, path)) == (10, 0, 0, 0)
    assert [deals(sessions)[f"D-{i}"].deal_type for i in range(10)] == [
        "new", "new", "renewal", "renewal", "expansion", "expansion", "expansion", "expansion", "expansion", None]
    assert counts(load(sessions, path)) == (0, 0, 10, 0)
    narrow = write_table(tmp_path / "narrow.csv", [r[:3] for r in rows], DEAL_TYPE_HEADER[:3])
    assert counts(load(sessions, narrow)) == (0, 0, 10, 0)  # no column: the stored types stay
    assert deals(sessions)["D-0"].deal_type == "new"


def test_an_unknown_deal_type_is_refused_in_one_line_per_spelling_and_nothing_is_written(sessions, tmp_path):
    rows = [["D-1", "rep0@example.com", "open", "Partner"], ["D-2", "rep0@example.com", "open", "partner"],
            ["D-3", "rep0@example.com", "open", "new"], ["D-4", "rep0@example.com", "open", "Up-sell"]]
    path = write_table(tmp_path / "deals.xlsx", rows, DEAL_TYPE_HEADER)
    expected = ("new, renewal or expansion (also new business; renew; upsell, cross-sell, upgrade), or your CRM's "
                "word mapped under values: deal_type: in a --mapping file")
    assert problems(sessions, path) == [
        f"{path}:2:D: 'Partner' is not a deal type; expected {expected}",
        f"{path}:5:D: 'Up-sell' is not a deal type; expected {expected}"]
    assert nothing_stored(sessions)


def test_deal_types_map_through_the_mapping_values_section(sessions, tmp_path):
    mapping = tmp_path / "map.yml"
    mapping.write_text("columns: {Opportunity Type: deal_type}\n"
                       "values: {deal_type: {Existing Business: expansion, Net New: New Business}}\n")
    rows = [["D-1", "rep0@example.com", "open", "Existing Business"], ["D-2", "rep0@example.com", "open", "Net New"],
            ["D-3", "rep0@example.com", "open", "renewal"]]
    path = write_table(tmp_path / "deals.csv", rows, [*DEAL_TYPE_HEADER[:3], "Opportunity Type"])
    assert counts(load(sessions, path, mapping=mapping)) == (3, 0, 0, 0)
    assert [d.deal_type for d in sorted(deals(sessions).values(), key=lambda d: d.external_id)] == [
        "expansion", "new", "renewal"]
    mapping.write_text("values: {deal_type: {Existing Business: upsold}}\n")
    assert problems(sessions, path, mapping=mapping) == [
        f"{mapping}: values: deal_type: 'existing business' maps to 'upsold'; expected new, renewal or expansion "
        "(also new business; renew; upsell, cross-sell, upgrade)"]


# ---- accounts: potential, tiers and their basis, churn, owner -----------------------------------------

ACCOUNT_HEADER = ["name", "revenue", "potential", "potential_tier", "churned_on", "owner"]
ACCOUNTS = [  # name, revenue, potential, potential_tier, churned_on, owner
    ["Acme", "", 10, "A", "", "rep0@example.com"],  # the file's own tier wins over its potential's tercile
    ["Globex", 999, 20, "", "", ""],  # a potential's tercile wins over size
    ["Initech", "", 30, "", "2026-06-30", "Rep 1"],
    ["Hooli", 100, "", "", "", ""],  # size terciles among revenues 100, 200, 300, 999
    ["Umbrella", 200, "", "c", "", ""],
    ["Soylent", 300, "", "", "", ""],
    ["Vandelay", "", "", "", "", ""],  # nothing to rank by
]


def test_tiers_come_from_the_file_then_its_potentials_then_size():
    tiers, bases = account_tiers(7, tiers=["high", None, None, None, "low", None, None],
                                 potential=[10.0, 20.0, 30.0, None, None, None, None],
                                 revenue=[None, 999.0, None, 100.0, 200.0, 300.0, None])  # ACCOUNTS as checked
    assert list(zip(tiers, bases, strict=True)) == [
        ("high", "imported"), ("medium", "imported"), ("high", "imported"), ("low", "size"), ("low", "imported"),
        ("medium", "size"), (None, None)]
    # fewer than three potentials cannot be ranked: size decides
    assert account_tiers(3, potential=[5.0, None, 1.0], employees=[1, 2, 3]) == (
        ["low", "medium", "high"], ["size", "size", "size"])
    assert account_tiers(2, tiers=[None, "low"]) == ([None, "low"], [None, "imported"])


def test_accounts_store_potential_tier_basis_churn_and_owner_and_reimport_changes_nothing(sessions, tmp_path):
    path = write_table(tmp_path / "accounts.xlsx", ACCOUNTS, ACCOUNT_HEADER)
    assert counts(load(sessions, path, "accounts")) == (7, 0, 0, 0)
    stored, ids = accounts(sessions), person_ids(sessions)
    assert {n: (a.potential, a.potential_tier, a.potential_basis) for n, a in stored.items()} == {
        "Acme": (10.0, "high", "imported"), "Globex": (20.0, "medium", "imported"),
        "Initech": (30.0, "high", "imported"), "Hooli": (None, "low", "size"), "Umbrella": (None, "low", "imported"),
        "Soylent": (None, "medium", "size"), "Vandelay": (None, None, None)}
    assert (stored["Initech"].churned_on, stored["Acme"].churned_on) == (date(2026, 6, 30), None)
    assert {n: (a.owner_id, a.owner_basis) for n, a in stored.items() if a.owner_id} == {
        "Acme": (ids["rep0"], "imported"), "Initech": (ids["rep1"], "imported")}
    assert counts(load(sessions, path, "accounts")) == (0, 0, 7, 0)
    narrow = write_table(tmp_path / "narrow.csv", [[r[0], "retail"] for r in ACCOUNTS], ["name", "sector"])
    assert counts(load(sessions, narrow, "accounts")) == (0, 7, 0, 0)  # sector only: tiers, churn, owners stay
    after = accounts(sessions)
    assert [(a.potential_tier, a.potential_basis, a.owner_id, a.churned_on) for a in after.values()] == [
        (a.potential_tier, a.potential_basis, a.owner_id, a.churned_on) for a in stored.values()]


def test_bad_account_cells_are_refused_one_line_each_with_their_place(sessions, tmp_path):
    rows = [["Acme", "", -5, "", "", ""], ["Globex", "", 10, "Gold", "", ""], ["Initech", "", 10, "gold", "", ""],
            ["Hooli", "", "", "", "31/02/2026", ""], ["Umbrella", "", "", "", "", "Rep Zero"]]
    path = write_table(tmp_path / "accounts.csv", rows, ACCOUNT_HEADER)
    assert problems(sessions, path, "accounts") == [
        f"{path}:2:C: '-5' is negative; expected 0 or more",
        f"{path}:3:D: 'Gold' is not a potential tier; expected high, medium or low (also a, b, c), or your CRM's "
        "word mapped under values: potential_tier: in a --mapping file",
        f"{path}:5:E: '31/02/2026' is not a date; expected a date as YYYY-MM-DD, or a date cell",
        f"{path}:6:F: 'Rep Zero' is not in the roster (close matches: Rep 5, Rep 4, Rep 3); expected a stored "
        "person's email or name (map CRM names under people: aliases:)"]
    assert nothing_stored(sessions)


WON_DEALS = [  # external_id, owner, account, stage, closed_on
    ["D-1", "rep0@example.com", "Acme", "won", "2026-10-15"],
    ["D-2", "rep1@example.com", "Acme", "won", "2026-09-01"],  # Acme's first win
    ["D-3", "rep0@example.com", "Globex", "won", "2026-08-01"],
    ["D-4", "rep2@example.com", "Initech", "open", ""],
]
WON_HEADER = ["external_id", "owner", "account", "stage", "closed_on"]


def test_an_account_without_an_owner_gets_the_owner_of_its_first_won_deal(sessions, tmp_path):
    header = ["name", "owner"]
    given = write_table(tmp_path / "accounts.csv", [["Acme", ""], ["Globex", "rep5@example.com"], ["Initech", ""]],
                        header)
    load(sessions, given, "accounts")
    load(sessions, write_table(tmp_path / "deals.csv", WON_DEALS, WON_HEADER))
    ids = person_ids(sessions)

    def owners() -> dict[str, tuple[int | None, str | None]]:
        return {n: (a.owner_id, a.owner_basis) for n, a in accounts(sessions).items()}

    assert owners() == {"Acme": (ids["rep1"], "deals"), "Globex": (ids["rep5"], "imported"),
                        "Initech": (None, None)}
    earlier = [["D-0", "rep2@example.com", "Acme", "won", "2026-01-10"],
               ["D-5", "rep3@example.com", "Initech", "won", "2026-11-01"]]
    load(sessions, write_table(tmp_path / "earlier.csv", earlier, WON_HEADER))
    assert owners() == {"Acme": (ids["rep2"], "deals"), "Globex": (ids["rep5"], "imported"),
                        "Initech": (ids["rep3"], "deals")}
    assert counts(load(sessions, given, "accounts")) == (0, 0, 3, 0)  # empty cells keep the derived owners
    assert owners()["Acme"] == (ids["rep2"], "deals")
    handed_back = write_table(tmp_path / "v2.csv", [["Acme", "rep4@example.com"], ["Globex", ""], ["Initech", ""]],
                              header)
    assert counts(load(sessions, handed_back, "accounts")) == (0, 2, 1, 0)
    assert owners() == {"Acme": (ids["rep4"], "imported"), "Globex": (ids["rep0"], "deals"),
                        "Initech": (ids["rep3"], "deals")}
    load(sessions, write_table(tmp_path / "earliest.csv", [["D-9", "rep5@example.com", "Acme", "won", "2025-01-01"]],
                               WON_HEADER))
    assert owners()["Acme"] == (ids["rep4"], "imported")  # an imported owner is the file's to change
    assert accounts(sessions)["Acme"].first_won_date == date(2025, 1, 1)


# ---- spend ---------------------------------------------------------------------------------------------

SPEND_HEADER = ["period_start", "period_kind", "team", "amount"]
SPEND = [["2026-10-01", "", "", 50000], ["2026-10-01", "month", "hunters", 20000],
         ["2026-10-01", "Quarter", "", 140000], ["2026-11-01", "month", "", 52000.5]]


def spend(sessions) -> list[tuple[date, str, str | None, float]]:
    with sessions.begin() as session:
        rows = session.execute(select(CrmSpend, Team.name).outerjoin(Team, Team.id == CrmSpend.team_id))
        return sorted(((s.period_start, s.period_kind, name, s.amount) for s, name in rows),
                      key=lambda r: (r[0], r[1], r[2] or ""))


def test_spend_is_stored_per_period_for_a_team_or_the_organisation_and_reimports_upsert(sessions, tmp_path):
    path = write_table(tmp_path / "spend.xlsx", SPEND, SPEND_HEADER)
    assert counts(load(sessions, path, "spend")) == (4, 0, 0, 0)
    assert spend(sessions) == [(date(2026, 10, 1), "month", None, 50000.0),
                               (date(2026, 10, 1), "month", "Hunters", 20000.0),
                               (date(2026, 10, 1), "quarter", None, 140000.0),
                               (date(2026, 11, 1), "month", None, 52000.5)]
    assert counts(load(sessions, path, "spend")) == (0, 0, 4, 0)
    changed = [list(r) for r in SPEND]
    changed[0][3] = 51000
    summary = load(sessions, write_table(tmp_path / "v2.csv", changed, SPEND_HEADER), "spend")
    assert counts(summary) == (0, 1, 3, 0)
    assert len(spend(sessions)) == 4 and (date(2026, 10, 1), "month", None, 51000.0) in spend(sessions)
    organisation = write_table(tmp_path / "org.csv", [["2026-12-01", 1], ["2026-11-01", 52000.5]],
                               ["period_start", "amount"])  # no team column: the organisation's, by month
    assert counts(load(sessions, organisation, "spend")) == (1, 0, 1, 0)


def test_bad_spend_rows_are_refused_one_line_each_with_their_place(sessions, tmp_path):
    rows = [["2026-10-15", "month", "", 1], ["2026-11-01", "quarter", "", 1], ["2026-10-01", "year", "", 1],
            ["2026-12-01", "", "Hunterz", 1], ["2027-01-01", "month", "", ""], ["2026-09-01", "month", "", 1],
            ["2026-09-01", "", "", 2], ["2026-09-01", "", "Hunters", 3], ["2026-09-01", "month", "HUNTERS", 4]]
    path = write_table(tmp_path / "spend.csv", rows, SPEND_HEADER)
    assert problems(sessions, path, "spend") == [
        f"{path}:2:A: '2026-10-15' is not the first day of a month; expected the 1st of a month",
        f"{path}:3:A: '2026-11-01' is not the first day of a quarter; expected 1 January, April, July or October",
        f"{path}:4:B: 'year' is not a period_kind; expected month, quarter",
        f"{path}:5:C: 'Hunterz' is not a team in the roster (close matches: Hunters); expected a team name from "
        "the roster, or empty for the whole organisation",
        f"{path}:6:D: amount is empty; expected a value in every row (period_start, amount[, period_kind, team])",
        f"{path}:8:A: '2026-09-01' is also on row 7; expected one amount per period and team (or for the whole "
        "organisation)",
        f"{path}:10:A: '2026-09-01' is also on row 9; expected one amount per period and team (or for the whole "
        "organisation)"]
    with sessions.begin() as session:
        assert session.scalars(select(CrmSpend)).all() == []
    missing = write_table(tmp_path / "missing.csv", [["2026-09-01"]], ["period_start"])
    assert problems(sessions, missing, "spend") == [
        f"{missing}:1: missing column 'amount'; expected columns: period_start, amount[, period_kind, team]"]

