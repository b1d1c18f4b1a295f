"""The Maven CRM sample imported through the CLI with the shipped roster and mappings: every manager's coaching pack
and digest agrees, quarter by quarter, with a count made with the csv module (bench.maven_csv), and the check fails
when one CSV row is moved (skipped when ../shared is absent)."""

from __future__ import annotations

import csv
import dataclasses
import io
import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

import pytest
import yaml

from bench.maven_check import (
    DATASET,
    EXAMPLES,
    Pack,
    Product,
    compare,
    product_figures,
    read_pack,
    report,
    roster_managers,
)
from bench.maven_csv import AMOUNT, FIGURES, Expected, independent, quarter
from bot.bootstrap import bootstrap
from bot.cli.main import main
from bot.settings import Settings

NOW = datetime(2018, 3, 1, tzinfo=UTC)
QUARTERS = ["2016-Q4", "2017-Q1", "2017-Q2", "2017-Q3", "2017-Q4", "2018-Q1"]

pytestmark = pytest.mark.skipif(not (DATASET / "sales_pipeline.csv").exists(),
                                reason="no ../shared/datasets/maven-crm")


class Maven(NamedTuple):
    expected: Expected
    product: Product
    cli_pack: Pack  # `salescoach export coaching` of the first manager for 2017-Q4, one Trends row (the CLI reads
    # the real clock, so not NOW's quarter)


@pytest.fixture(scope="module")
def maven(tmp_path_factory) -> Maven:
    """A fresh SQLite file filled by `salescoach import ...`; every manager's digest for every quarter of the data
    up to NOW's, and their 2017-Q4 pack with seven Trends rows: the two quarters before the data and five of it."""
    tmp = tmp_path_factory.mktemp("maven")
    url = f"sqlite:///{tmp}/maven.db"
    manager = next(iter(roster_managers(EXAMPLES / "maven-roster.csv").values()))
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(tmp)
        mp.setenv("DATABASE_URL", url)
        mp.setenv("SLACK_API_URL", "http://127.0.0.1:9/api/")
        assert main(["db", "upgrade"]) == 0  # only db upgrade and serve migrate
        assert main(["import", "roster", str(EXAMPLES / "maven-roster.csv"), "--offline"]) == 0
        assert main(["import", "accounts", str(DATASET / "accounts.csv"), "--mapping",
                     str(EXAMPLES / "maven-accounts-mapping.yml")]) == 0
        assert main(["import", "deals", str(DATASET / "sales_pipeline.csv"), "--mapping",
                     str(EXAMPLES / "maven-crm-mapping.yml")]) == 0
        assert main(["export", "coaching", "--manager", manager, "--period", "2017-Q4", "--periods", "1",
                     "--out", str(tmp / "pack.xlsx")]) == 0
    expected = independent(DATASET, today=NOW.date())
    services = bootstrap(Settings(database_url=url), clock=lambda: NOW)
    try:
        product = product_figures(services, expected.quarters, pack_quarters=["2017-Q4"], trend_periods=7)
    finally:
        services.close()
    return Maven(expected, product, read_pack((tmp / "pack.xlsx").read_bytes()))


def moved(tmp_path: Path, pick: Callable[[dict[str, str]], bool], **change: str) -> tuple[Path, dict[str, str]]:
    """A copy of the dataset where the first sales_pipeline.csv row that `pick` accepts is changed; that row as
    it was. Every other line is copied as it is."""
    shutil.copy(DATASET / "sales_teams.csv", tmp_path / "sales_teams.csv")
    lines = (DATASET / "sales_pipeline.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    header = next(csv.reader(lines[:1]))
    n, row = next((n, row) for n, line in enumerate(lines[1:], start=1)
                  if pick(row := dict(zip(header, next(csv.reader([line])), strict=True))))
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow({**row, **change}.values())
    lines[n] = out.getvalue()
    (tmp_path / "sales_pipeline.csv").write_text("".join(lines), encoding="utf-8")
    return tmp_path, row


def new_problems(maven: Maven, dataset: Path, key: str) -> set[str]:
    """What the check finds against the product when the csv count reads `dataset`, beyond what it finds anyway."""
    count = independent(dataset, today=NOW.date(), quarters=[key])
    assert report(count, maven.product) == 1  # the check exits 1
    return {p for _, p in compare(count, maven.product).problems} - {p for _, p in compare(maven.expected,
                                                                                          maven.product).problems}


def named(maven: Maven, problems: set[str], key: str, figure: str, agent: str) -> set[str]:
    """Which of the agent's digest, their manager's digest and the manager's Trends row the problems of `key` name
    for `figure`."""
    manager = next(m for m, agents in maven.expected.teams.items() if agent in agents)
    surfaces = (f"{agent} (digest)", f"{manager} (digest)", f"{manager} (Trends of the 2017-Q4 pack)")
    return {who for who in surfaces if any(p.startswith(f"{key} {who}: {figure} is ") for p in problems)}


def in_quarter(day: str, key: str) -> bool:
    start, end = quarter(key)
    return bool(day) and start.isoformat() <= day < end.isoformat()


def test_the_csv_count_covers_every_quarter_from_the_first_engagement_to_today(maven):
    expected = maven.expected
    assert expected.first_day.isoformat() == "2016-10-20" and expected.quarters == QUARTERS
    assert len(expected.teams) == 6 and sum(len(agents) for agents in expected.teams.values()) == 35
    assert (expected.company["2017-Q3"]["deals_won"], expected.company["2017-Q3"]["deals_lost"]) == (1257, 790)
    assert sum(expected.company[q]["deals_won"] or 0 for q in QUARTERS) == 4238
    assert sum(expected.company[q]["deals_lost"] or 0 for q in QUARTERS) == 2473
    assert sorted(maven.product.digests) == QUARTERS and list(maven.product.packs) == ["2017-Q4"]


def test_each_managers_digest_and_pack_hold_exactly_their_agents_from_sales_teams(maven):
    teams = {manager: sorted(agents) for manager, agents in maven.expected.teams.items()}
    for key, digests in maven.product.digests.items():
        assert {manager: sorted(reps) for manager, (reps, _) in digests.items()} == teams, key
    for manager, pack in maven.product.packs["2017-Q4"].items():
        assert (pack.manager, sorted(pack.reps)) == (manager, teams[manager])


def test_the_cli_export_shows_what_the_bench_reads_from_the_pack(maven):
    cli, bench = maven.cli_pack, maven.product.packs["2017-Q4"][maven.cli_pack.manager]
    assert (cli.reps, cli.team, cli.trends) == (bench.reps, bench.team, {"2017-Q4": bench.trends["2017-Q4"]})
    assert list(bench.trends) == ["2016-Q2", "2016-Q3", *QUARTERS[:-1]]


@pytest.mark.parametrize("figure", FIGURES)
def test_every_quarters_packs_digests_and_trends_agree_with_the_csv_count(maven, figure):
    problems = [p for _, p in compare(maven.expected, maven.product).problems
                if f": {figure} is " in p and "before the data" not in p]
    assert problems == []


def test_quarters_before_the_data_are_blank_in_the_trends_sheet_never_zero(maven):
    found = compare(maven.expected, maven.product)
    before = ["2016-Q2", "2016-Q3"]
    assert all(key in pack.trends for pack in maven.product.packs["2017-Q4"].values() for key in before)
    assert all(found.checked[key] >= 6 * len(FIGURES) for key in before)
    assert [p for _, p in found.problems if "before the data" in p] == []


def test_a_zero_in_a_trends_row_before_the_data_fails_the_check(maven):
    packs = dict(maven.product.packs["2017-Q4"])
    manager, pack = next(iter(packs.items()))
    packs[manager] = dataclasses.replace(pack, trends={**pack.trends, "2016-Q3": {**pack.trends["2016-Q3"],
                                                                                  "deals_won": 0.0}})
    product = Product({"2017-Q4": packs}, maven.product.digests)
    problems = {p for _, p in compare(maven.expected, product).problems}
    assert (f"2016-Q3 {manager} (Trends of the 2017-Q4 pack), before the data: deals_won is 0 in the product, "
            "– (blank) by the csv count") in problems


def test_a_won_deal_engaged_earlier_changes_cycle_days_and_fails_the_check(maven, tmp_path):
    copy, row = moved(tmp_path, lambda r: r["deal_stage"] == "Won" and in_quarter(r["close_date"], "2017-Q2"),
                      engage_date="2016-11-01")
    problems = new_problems(maven, copy, "2017-Q2")
    assert len(named(maven, problems, "2017-Q2", "cycle_days", row["sales_agent"])) == 3


def test_an_open_deal_engaged_after_a_quarter_end_leaves_that_quarters_open_deals_and_fails_the_check(
        maven, tmp_path):
    copy, row = moved(tmp_path, lambda r: r["deal_stage"] == "Engaging" and in_quarter(r["engage_date"], "2017-Q3"),
                      engage_date="2017-10-02")
    problems = new_problems(maven, copy, "2017-Q3")
    assert len(named(maven, problems, "2017-Q3", "open_deals", row["sales_agent"])) == 3


def test_a_price_on_an_open_deal_counts_in_open_pipeline_and_fails_the_check(maven, tmp_path):
    copy, row = moved(tmp_path, lambda r: r["deal_stage"] == "Engaging" and r["engage_date"] < "2017-12-31",
                      close_value="1000")
    problems = new_problems(maven, copy, "2017-Q4")
    assert len(named(maven, problems, "2017-Q4", "open_pipeline", row["sales_agent"])) == 3
    agent = row["sales_agent"]
    assert f"2017-Q4 {agent} (digest): open_pipeline is 0 in the product, 1000 by the csv count" in problems


def test_a_deal_won_after_its_engagement_quarter_does_not_convert_and_fails_the_check(maven, tmp_path):
    copy, row = moved(tmp_path, lambda r: r["deal_stage"] == "Won" and in_quarter(r["engage_date"], "2017-Q2")
                      and in_quarter(r["close_date"], "2017-Q2"), close_date="2017-07-03")
    problems = new_problems(maven, copy, "2017-Q2")
    assert len(named(maven, problems, "2017-Q2", "conversion_rate", row["sales_agent"])) == 3


def test_open_deals_without_close_value_count_zero_and_the_bench_says_so(maven, capsys):
    mapping = yaml.safe_load((EXAMPLES / "maven-crm-mapping.yml").read_text(encoding="utf-8"))
    assert mapping["columns"][AMOUNT] == "amount"
    q4 = maven.expected.company["2017-Q4"]
    assert (q4["open_deals"], q4["open_pipeline"], maven.expected.unpriced_open["2017-Q4"]) == (1589, 0, 1589)
    report(maven.expected, maven.product)
    out = capsys.readouterr().out.splitlines()
    assert "no price is invented" in out[-2] and "2,089 at 2018-03-01" in out[-2]
    assert " figures agree with the csv count: " in out[-1] and out[-1].endswith("; 0 differ")


def test_prospecting_deals_without_a_start_date_are_open_only_today(maven):
    company = maven.expected.company
    assert (company["2017-Q4"]["open_deals"], company["2018-Q1"]["open_deals"]) == (1589, 1589 + 500)
    assert maven.expected.as_of("2018-Q1") == NOW.date()


def test_agents_without_deals_show_zeros_and_blank_rates_not_invented_figures(maven):
    nothing = {"revenue_won": 0, "deals_won": 0, "deals_lost": 0, "win_rate": None, "cycle_days": None,
               "open_deals": 0, "open_pipeline": 0, "conversion_rate": None}
    pack = {rep: figures for p in maven.product.packs["2017-Q4"].values() for rep, figures in p.reps.items()}
    for key in QUARTERS:
        idle = [rep for rep, f in maven.expected.reps[key].items() if not any(f.values())]
        assert len(idle) >= 5, key  # five agents of sales_teams.csv have no deal at all (new hires)
        shown = {rep: figures for reps, _ in maven.product.digests[key].values() for rep, figures in reps.items()}
        for rep in idle:
            assert shown[rep] == nothing, (key, rep)
            assert key != "2017-Q4" or pack[rep] == nothing, rep
