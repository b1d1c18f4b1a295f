"""The Maven Analytics CRM sample as exported, through the shipped mappings (skipped when ../shared is absent)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from storage.crm.importer import import_crm_file
from storage.crm.models import CrmAccount, CrmDeal, CrmDealEvent
from storage.db import make_engine, make_sessions
from storage.roster import apply_roster, parse_roster

ROOT = Path(__file__).resolve().parents[2]
MAVEN = ROOT.parent / "shared" / "datasets" / "maven-crm"
EXAMPLES = ROOT / "docs" / "examples"
NOW = datetime(2018, 3, 1, tzinfo=UTC)  # well after the export's last close: nothing to announce

pytestmark = pytest.mark.skipif(not (MAVEN / "sales_pipeline.csv").exists(), reason="no ../shared/datasets/maven-crm")


@pytest.fixture
def sessions(migrated_database_url):
    engine = make_engine(migrated_database_url)
    made = make_sessions(engine)
    with made.begin() as session:
        apply_roster(session, parse_roster(EXAMPLES / "maven-roster.csv"), now=NOW)
    yield made
    engine.dispose()


def load(sessions, kind: str, file: str, mapping: str):
    with sessions.begin() as session:
        return import_crm_file(session, kind=kind, path=MAVEN / file, mapping=EXAMPLES / mapping, now=NOW)


def test_maven_accounts_and_deals_import_as_exported_and_reimport_changes_nothing(sessions):
    accounts = load(sessions, "accounts", "accounts.csv", "maven-accounts-mapping.yml")
    assert (accounts.added, accounts.updated) == (85, 0)
    summary = load(sessions, "deals", "sales_pipeline.csv", "maven-crm-mapping.yml")
    assert (summary.rows, summary.added, summary.newly_won, summary.accounts_added) == (8800, 8800, 0, 0)
    with sessions.begin() as session:
        outcomes = dict(session.execute(select(CrmDeal.outcome, func.count()).group_by(CrmDeal.outcome)).all())
        products = set(session.scalars(select(CrmDeal.product).distinct()))
        no_account = session.scalar(select(func.count()).where(CrmDeal.account_id.is_(None)))
        no_start = session.scalar(select(func.count()).where(CrmDeal.stage == "Prospecting",
                                                             CrmDeal.stage_changed_on.is_(None)))
        owners = session.scalar(select(func.count(CrmDeal.owner_id.distinct())))
        tiers = dict(session.execute(select(CrmAccount.potential_tier, func.count())
                                     .group_by(CrmAccount.potential_tier)).all())
        with_wins = session.scalar(select(func.count()).where(CrmAccount.first_won_date.is_not(None)))
    assert outcomes == {"won": 4238, "lost": 2473, "open": 2089}
    assert "GTX Pro" in products and "GTXPro" not in products
    assert (no_account, no_start, owners) == (1425, 500, 30)  # 5 agents of the roster own no deal
    assert tiers == {"high": 28, "medium": 28, "low": 29} and with_wins == 85
    again = load(sessions, "deals", "sales_pipeline.csv", "maven-crm-mapping.yml")
    assert (again.added, again.updated, again.unchanged, again.newly_won) == (0, 0, 8800, 0)
    with sessions.begin() as session:
        assert session.scalar(select(func.count()).select_from(CrmDealEvent)) == 0
