"""The Maven CRM sample imported through the CLI with the shipped roster and mappings: every manager's coaching
pack and digest for 2017-Q3 agrees with a count made with the csv module (skipped when ../shared is absent)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bench.maven_check import (
    DATASET,
    EXAMPLES,
    FIGURES,
    differences,
    digest_figures,
    independent,
    quarter,
    read_pack,
    roster_managers,
)
from bot.bootstrap import bootstrap
from bot.cli.main import main
from bot.settings import Settings
from coaching.performance.service import digest_for
from coaching.periods import parse_period
from storage.kpis import PerformanceRepository

PERIOD = "2017-Q3"
NOW = datetime(2018, 3, 1, tzinfo=UTC)

pytestmark = pytest.mark.skipif(not (DATASET / "sales_pipeline.csv").exists(),
                                reason="no ../shared/datasets/maven-crm")


@pytest.fixture(scope="module")
def maven(tmp_path_factory):
    """A fresh SQLite file filled by `salescoach import ...`, and each manager's pack from `salescoach export
    coaching`, by manager name; also each manager's digest figures from coaching.performance.service.digest_for."""
    tmp = tmp_path_factory.mktemp("maven")
    url = f"sqlite:///{tmp}/maven.db"
    managers = roster_managers(EXAMPLES / "maven-roster.csv")
    packs = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(tmp)
        mp.setenv("DATABASE_URL", url)
        mp.setenv("SLACK_API_URL", "http://127.0.0.1:9/api/")
        assert main(["import", "roster", str(EXAMPLES / "maven-roster.csv"), "--offline"]) == 0
        assert main(["import", "accounts", str(DATASET / "accounts.csv"), "--mapping",
                     str(EXAMPLES / "maven-accounts-mapping.yml")]) == 0
        assert main(["import", "deals", str(DATASET / "sales_pipeline.csv"), "--mapping",
                     str(EXAMPLES / "maven-crm-mapping.yml")]) == 0
        for name, email in managers.items():
            out = tmp / f"{email}.xlsx"
            assert main(["export", "coaching", "--manager", email, "--period", PERIOD, "--out", str(out)]) == 0
            packs[name] = out.read_bytes()
    services = bootstrap(Settings(database_url=url), clock=lambda: NOW)
    digests = {}
    with services.unit(NOW) as u:
        for name, email in managers.items():
            manager = u.people.by_email(email)
            assert manager is not None
            digest = digest_for(PerformanceRepository(u.session), viewer_id=manager.person_id,
                                period=parse_period(PERIOD, today=NOW.date()), now=NOW)
            digests[name] = digest_figures(u.session, digest)
    services.close()
    start, end = quarter(PERIOD)
    return independent(DATASET, start=start, end=end), packs, digests


def test_the_csv_count_covers_every_deal_closed_in_the_quarter(maven):
    expected, _, _ = maven
    assert len(expected.managers) == 6 and sum(len(agents) for agents in expected.teams.values()) == 35
    assert sum(f["deals_won"] or 0 for f in expected.managers.values()) == 1257
    assert sum(f["deals_lost"] or 0 for f in expected.managers.values()) == 790


def test_each_managers_pack_holds_exactly_their_agents_from_sales_teams(maven):
    expected, packs, _ = maven
    assert sorted(packs) == sorted(expected.teams)
    for manager, data in packs.items():
        shown, reps, _ = read_pack(data)
        assert shown == manager
        assert sorted(reps) == sorted(expected.teams[manager]), manager


def test_pack_figures_per_rep_and_per_manager_agree_with_the_csv_count(maven):
    expected, packs, _ = maven
    problems = []
    for manager, data in packs.items():
        _, reps, team = read_pack(data)
        problems += differences(manager, expected.managers[manager], team)
        for rep, figures in reps.items():
            problems += differences(rep, expected.reps[rep], figures)
    assert problems == []


def test_digest_figures_per_rep_and_per_manager_agree_with_the_csv_count(maven):
    expected, _, digests = maven
    problems = []
    for manager, (reps, team) in digests.items():
        problems += differences(manager, expected.managers[manager], team)
        assert sorted(reps) == sorted(expected.teams[manager])
        for rep, figures in reps.items():
            problems += differences(rep, expected.reps[rep], figures)
    assert problems == []


def test_agents_without_deals_show_zeros_and_blank_rates_not_invented_figures(maven):
    expected, packs, _ = maven
    idle = [rep for rep, f in expected.reps.items() if not f["deals_won"] and not f["deals_lost"]]
    assert idle  # the sample has agents who closed nothing in the quarter (new hires)
    shown = {rep: figures for data in packs.values() for rep, figures in read_pack(data)[1].items()}
    for rep in idle:
        assert {name: shown[rep][name] for name in FIGURES} == {
            "revenue_won": 0, "deals_won": 0, "deals_lost": 0, "win_rate": None, "cycle_days": None}
