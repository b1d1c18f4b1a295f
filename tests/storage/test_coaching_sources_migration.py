"""Migration 0017 on a database with data: stored tiers are marked as computed from size, accounts get the owner
of their first won deal, and crm_spend keeps one row per period for the organisation (team_id NULL) too."""

from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from storage.db import make_engine, upgrade

WON, LOST = "won", "lost"
DEALS = [  # id, owner, account, outcome, closed_on
    (1, 2, 1, WON, date(2026, 3, 1)),
    (2, 3, 1, WON, date(2026, 1, 5)),  # Acme's first win: its owner (3) is Acme's
    (3, 2, 2, LOST, date(2026, 2, 1)),  # Globex never won: no owner
    (4, 2, 3, WON, date(2026, 2, 1)),  # Initech: two wins on one day, the first stored (id 4) decides
    (5, 3, 3, WON, date(2026, 2, 1)),
]


def test_0017_keeps_the_data_and_derives_what_it_can(database_url):
    engine = make_engine(database_url)
    upgrade(engine, "0016")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO team (id, name, locale) VALUES (1, 'Hunters', 'en'), (2, 'Farmers', 'en')"))
        for pid, role in ((1, "manager"), (2, "rep"), (3, "rep")):
            conn.execute(text("INSERT INTO person (id, email, name, team_id, role, tz, locale, active) "
                              "VALUES (:id, :email, :name, 1, :role, 'UTC', 'en', true)"),
                         {"id": pid, "email": f"p{pid}@example.com", "name": f"P {pid}", "role": role})
        conn.execute(text("INSERT INTO crm_account (id, name, revenue, potential_tier) VALUES "
                          "(1, 'Acme', 10, 'low'), (2, 'Globex', 20, 'medium'), (3, 'Initech', NULL, NULL)"))
        for deal_id, owner, account, outcome, closed in DEALS:
            conn.execute(text("INSERT INTO crm_deal (id, external_id, owner_id, account_id, stage, outcome, closed_on, "
                              "updated_at) VALUES (:id, :ext, :owner, :account, :outcome, :outcome, :closed, "
                              "'2026-04-01 00:00:00+00:00')"),
                         {"id": deal_id, "ext": f"D-{deal_id}", "owner": owner, "account": account,
                          "outcome": outcome, "closed": closed})
    upgrade(engine)
    with engine.begin() as conn:
        accounts = conn.execute(text("SELECT name, revenue, potential_tier, potential_basis, potential, churned_on, "
                                     "owner_id, owner_basis FROM crm_account ORDER BY id")).all()
        assert [tuple(a) for a in accounts] == [
            ("Acme", 10.0, "low", "size", None, None, 3, "deals"),
            ("Globex", 20.0, "medium", "size", None, None, None, None),
            ("Initech", None, None, None, None, None, 2, "deals")]
        assert conn.execute(text("SELECT count(*) FROM crm_deal WHERE deal_type IS NULL")).scalar() == 5
        assert conn.execute(text("SELECT count(*) FROM person WHERE sales_role IS NULL")).scalar() == 3
        conn.execute(text("INSERT INTO crm_spend (period_start, period_kind, amount, team_id) VALUES "
                          "(:day, 'month', 100, NULL), (:day, 'month', 50, 1), (:day, 'month', 50, 2), "
                          "(:day, 'quarter', 300, NULL)"), {"day": date(2026, 1, 1)})
    for team in ("NULL", "1"):  # the organisation's row as much as a team's: a second one is refused
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(text(f"INSERT INTO crm_spend (period_start, period_kind, amount, team_id) "
                              f"VALUES (:day, 'month', 1, {team})"), {"day": date(2026, 1, 1)})
    engine.dispose()
