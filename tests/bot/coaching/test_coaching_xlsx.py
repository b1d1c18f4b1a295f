"""The coaching pack: stable sheets and columns, figures that match a plain count of the deals, real dates,
native charts, each manager's reps only, and one-line refusals at the CLI."""

from __future__ import annotations

import io
import random
import statistics
import zipfile
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from python_calamine import CalamineWorkbook
from sqlalchemy import insert

from bot.bootstrap import bootstrap
from bot.cli.main import main
from bot.coaching.pack import build_pack
from bot.coaching.workbook import CHARTED, REPS_HEADER, TRENDS_HEADER
from bot.i18n import Translator
from bot.settings import Settings
from coaching.access import NotAllowed
from coaching.performance.definitions import KPI_NAMES, KPIS
from coaching.periods import Period, parse_period
from storage.crm.models import CrmDeal
from storage.models import Person, Team

NOW = datetime(2017, 11, 15, 9, 0, tzinfo=UTC)
Q3 = parse_period("2017-Q3", today=NOW.date())
ORG = [  # email, name, role, manager's email
    ("root@example.com", "Ada Admin", "admin", None),
    ("ana@example.com", "Ana Manager", "manager", None),
    ("carl@example.com", "Carl Lead", "manager", "ana@example.com"),
    ("ben@example.com", "Ben Manager", "manager", None),
    ("r1@example.com", "Rita One", "rep", "ana@example.com"),
    ("r2@example.com", "=Robert Two", "rep", "ana@example.com"),  # a name that looks like a formula
    ("r3@example.com", "Rosa Three", "rep", "carl@example.com"),
    ("r4@example.com", "Ray Four", "rep", "carl@example.com"),
    ("r5@example.com", "Remy Five", "rep", "ben@example.com"),
    ("r6@example.com", "Rhea Six", "rep", "ben@example.com"),
]
ANA_TEAM = ["r1@example.com", "r2@example.com", "r3@example.com", "r4@example.com"]


def _deal(n: int, owner: int, outcome: str, amount: float, closed: date | None, engaged: date) -> dict[str, Any]:
    return {"external_id": f"D{n}", "owner_id": owner, "stage": outcome, "outcome": outcome, "amount": amount,
            "engaged_on": engaged, "created_on": engaged, "closed_on": closed,
            "close_month": closed and closed.replace(day=1),
            "close_week": closed and closed - timedelta(days=closed.weekday()), "updated_at": NOW}


def generate(ids: dict[str, int]) -> list[dict[str, Any]]:
    """Deals from 2016-Q2 to 2017-Q4. Rita closes six big wins in Q3 and nothing else then (a top performer);
    Ray closes one deal in Q3 and his others in 2016 (too little data, not a new rep)."""
    rng = random.Random(4)
    deals: list[dict[str, Any]] = []
    for email, _, role, _ in ORG:
        if role != "rep":
            continue
        owner = ids[email]
        for _ in range(40):
            closed = date(2016, 4, 1) + timedelta(days=rng.randrange(640))
            if (email == "r1@example.com" and Q3.contains(closed)) or (email == "r4@example.com" and
                                                                       closed.year == 2017):
                continue
            outcome = rng.choice(("won", "won", "lost", "open"))
            deals.append(_deal(len(deals), owner, outcome, float(rng.randrange(1, 40) * 250),
                               None if outcome == "open" else closed, closed - timedelta(days=rng.randrange(5, 90))))
    for day in range(6):
        deals.append(_deal(len(deals), ids["r1@example.com"], "won", 20000.0, date(2017, 8, 1 + day),
                           date(2017, 7, 20)))
    deals.append(_deal(len(deals), ids["r4@example.com"], "won", 1000.0, date(2017, 9, 5), date(2017, 9, 1)))
    return deals


def expected(deals: list[dict[str, Any]], owners: list[int], period: Period) -> dict[str, Any]:
    """Revenue won, deals won and lost, win rate and cycle days over `owners`, counted in plain Python."""
    closed = [d for d in deals if d["owner_id"] in owners and d["closed_on"] and period.contains(d["closed_on"])]
    won = [d for d in closed if d["outcome"] == "won"]
    lost = [d for d in closed if d["outcome"] == "lost"]
    cycles = [(d["closed_on"] - d["engaged_on"]).days for d in won]
    return {"revenue_won": sum(d["amount"] for d in won), "deals_won": len(won), "deals_lost": len(lost),
            "win_rate": len(won) / len(closed) if closed else None,
            "cycle_days": sum(cycles) / len(cycles) if cycles else None}


_PACKS: dict[tuple[str, str | None], bytes] = {}  # emptied with each world


@pytest.fixture(scope="module")
def world(module_database_url):
    """Services over a database holding ORG and the generated deals, which every test here only reads;
    yields (services, ids, deals)."""
    services = bootstrap(Settings(database_url=module_database_url), clock=lambda: NOW, migrate=False)
    ids: dict[str, int] = {}
    with services.sessions.begin() as session:
        team = Team(name="Sales", locale="en")
        session.add(team)
        session.flush()
        for email, name, role, manager in ORG:
            person = Person(email=email, name=name, role=role, team_id=team.id, active=True,
                            manager_id=ids[manager] if manager else None)
            session.add(person)
            session.flush()
            ids[email] = person.id
        deals = generate(ids)
        session.execute(insert(CrmDeal), deals)
    yield services, ids, deals
    services.close()
    _PACKS.clear()


def pack(world, manager: str, *, viewer: str | None = None) -> bytes:
    """The English pack of `manager` for Q3 as `viewer` sees it, built once per world (the data only get read)."""
    services, ids, _ = world
    key = (manager, viewer)
    if key not in _PACKS:
        with services.unit(NOW) as u:
            _PACKS[key] = build_pack(u.session, manager_id=ids[manager], period=Q3, now=NOW, t=Translator("en"),
                                     settings=services.settings, viewer_id=ids[viewer] if viewer else None)
    return _PACKS[key]


def rows(data: bytes, sheet: str) -> list[dict[str, Any]]:
    ws = load_workbook(io.BytesIO(data))[sheet]
    header = [c.value for c in ws[1]]
    return [dict(zip(header, (c for c in row), strict=True)) for row in ws.iter_rows(min_row=2)]


def test_pack_has_five_sheets_and_the_reps_header_is_rep_email_and_every_kpi_name(world):
    book = load_workbook(io.BytesIO(pack(world, "ana@example.com")))
    assert book.sheetnames == ["Summary", "Reps", "Trends", "Focus", "Glossary", "History", "Losses", "Intel"]
    assert [c.value for c in book["Reps"][1]] == ["rep", "email", *KPI_NAMES]
    assert [c.value for c in book["Trends"][1]] == ["period", "start", "end", *KPI_NAMES]


def test_rep_figures_are_numbers_that_match_a_plain_count_of_the_deals(world):
    _, ids, deals = world
    formats = {"revenue_won": "#,##0", "deals_won": "#,##0", "deals_lost": "#,##0", "win_rate": "0%",
               "cycle_days": "0"}
    by_email = {row["email"].value: row for row in rows(pack(world, "ana@example.com"), "Reps")}
    assert sorted(by_email) == ANA_TEAM
    for email in ANA_TEAM:
        want = expected(deals, [ids[email]], Q3)
        for name, number_format in formats.items():
            cell = by_email[email][name]
            if want[name] is None:
                assert cell.value in (None if name in CHARTED else "–",), (email, name)  # never a made-up zero
                continue
            assert isinstance(cell.value, int | float) and cell.data_type == "n", (email, name)
            assert cell.value == pytest.approx(want[name]), (email, name)
            assert cell.number_format == number_format
    assert by_email["r1@example.com"]["revenue_won"].value == 120000


def test_summary_holds_the_pooled_team_figures_and_the_period_as_real_dates(world):
    _, ids, deals = world
    data = pack(world, "ana@example.com")
    want = expected(deals, [ids[e] for e in ANA_TEAM], Q3)
    by_kpi = {row["kpi"].value: row for row in rows(data, "Summary")}
    assert list(by_kpi) == list(KPI_NAMES)
    for name in ("revenue_won", "deals_won", "deals_lost", "win_rate", "cycle_days"):
        assert by_kpi[name]["team"].value == pytest.approx(want[name]), name
    assert by_kpi["win_rate"]["team"].number_format == "0%"
    ws = load_workbook(io.BytesIO(data))["Summary"]
    about = {ws.cell(r, 9).value: ws.cell(r, 10) for r in range(1, 10) if ws.cell(r, 9).value}
    assert about["manager"].value == "Ana Manager" and about["period"].value == "2017-Q3"
    assert about["start"].is_date and about["start"].value == datetime(2017, 7, 1)
    assert about["end"].is_date and about["end"].value == datetime(2017, 9, 30)
    assert about["reps"].value == 4 and about["generated_at"].is_date


def test_trends_has_six_dated_quarters_and_a_line_chart_of_revenue_and_win_rate(world):
    _, ids, deals = world
    data = pack(world, "ana@example.com")
    trend = rows(data, "Trends")
    assert [r["period"].value for r in trend] == ["2016-Q2", "2016-Q3", "2016-Q4", "2017-Q1", "2017-Q2", "2017-Q3"]
    assert all(r["start"].is_date and r["end"].is_date for r in trend)
    assert trend[0]["start"].value == datetime(2016, 4, 1) and trend[-1]["end"].value == datetime(2017, 9, 30)
    for r in trend:
        period = parse_period(r["period"].value, today=NOW.date())
        want = expected(deals, [ids[e] for e in ANA_TEAM], period)
        assert r["revenue_won"].value == pytest.approx(want["revenue_won"]), period
        assert r["win_rate"].value == pytest.approx(want["win_rate"]), period
    book = load_workbook(io.BytesIO(data))
    assert len(book["Trends"]._charts) == 1 and len(book["Reps"]._charts) == 1
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        charts = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/charts/chart")]
    line = next(c for c in charts if "<lineChart>" in c)
    assert line.count("<lineChart>") == 2  # revenue won and win rate, each on its own value axis
    revenue, win = (get_column_letter(TRENDS_HEADER.index(n) + 1) for n in ("revenue_won", "win_rate"))
    assert f"'Trends'!${revenue}$2:${revenue}$7" in line and f"'Trends'!${win}$2:${win}$7" in line
    bar = next(c for c in charts if "<barChart>" in c)
    by_rep = get_column_letter(REPS_HEADER.index("revenue_won") + 1)
    assert f"'Reps'!${by_rep}$2:${by_rep}$5" in bar and "'Reps'!$A$2:$A$5" in bar  # revenue_won by rep name


def test_a_managers_pack_holds_their_reps_all_the_way_down_and_no_one_elses(world):
    def emails(manager: str) -> list[str]:
        return sorted(r["email"].value for r in rows(pack(world, manager), "Reps"))

    assert emails("ana@example.com") == ANA_TEAM  # Carl's reps too, through Carl
    assert emails("carl@example.com") == ["r3@example.com", "r4@example.com"]
    assert emails("ben@example.com") == ["r5@example.com", "r6@example.com"]
    assert len(emails("root@example.com")) == 6  # an admin's own pack covers every rep


def test_only_the_manager_someone_above_them_or_an_admin_may_ask_for_their_pack(world):
    assert pack(world, "carl@example.com", viewer="ana@example.com")
    assert pack(world, "ben@example.com", viewer="root@example.com")
    assert pack(world, "ben@example.com", viewer="ben@example.com")
    for manager, viewer in (("ana@example.com", "ben@example.com"), ("ana@example.com", "carl@example.com"),
                            ("ben@example.com", "r5@example.com")):
        with pytest.raises(NotAllowed):
            pack(world, manager, viewer=viewer)
    with pytest.raises(NotAllowed):
        pack(world, "r1@example.com")  # a rep has no team pack


def test_focus_names_the_rule_in_english_with_evidence_as_numbers(world):
    _, ids, deals = world
    focus = rows(pack(world, "ana@example.com"), "Focus")
    revenue = [expected(deals, [ids[e]], Q3)["revenue_won"] for e in ANA_TEAM]
    top = next(r for r in focus if r["rule_id"].value == "top_performer" and r["evidence"].value == "revenue_won")
    assert top["email"].value == "r1@example.com" and top["status"].value == "diagnosed"
    assert top["kind"].value == "praise"
    assert top["focus"].value == "Praise: recognise the results and ask them to share how they work"
    assert top["value"].value == 120000 and top["value"].number_format == "#,##0"
    assert top["median"].value == pytest.approx(statistics.median(revenue))
    assert top["limit"].value == pytest.approx(1.5 * statistics.median(revenue))
    rate = next(r for r in focus if r["rule_id"].value == "top_performer" and r["evidence"].value == "win_rate")
    assert rate["value"].value == 1 and rate["value"].number_format == "0%"
    ray = [r for r in focus if r["email"].value == "r4@example.com"]
    assert len(ray) == 1 and ray[0]["status"].value == "too_little_data" and ray[0]["rule_id"].value is None
    assert ray[0]["closed_deals"].value == 1


def test_text_that_looks_like_a_formula_stays_text(world):
    data = pack(world, "ana@example.com")
    for sheet in ("Reps", "Focus"):
        cell = next(r["rep"] for r in rows(data, sheet) if r["email"].value == "r2@example.com")
        assert cell.value == "=Robert Two" and cell.data_type == "s"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert not any("<f>" in archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/work"))


def test_calamine_reads_the_same_numbers_and_dates(world):
    _, ids, deals = world
    book = CalamineWorkbook.from_filelike(io.BytesIO(pack(world, "ben@example.com")))
    reps = book.get_sheet_by_name("Reps").to_python()
    column = reps[0].index("revenue_won")
    for row in reps[1:]:
        assert row[column] == pytest.approx(expected(deals, [ids[row[1]]], Q3)["revenue_won"])
    trends = book.get_sheet_by_name("Trends").to_python()
    assert trends[-1][:3] == ["2017-Q3", date(2017, 7, 1), date(2017, 9, 30)]


@pytest.fixture
def cli_env(world, module_database_url, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", module_database_url)
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9/api/")
    return world


def test_cli_writes_the_pack_of_a_manager_named_by_email(cli_env, tmp_path, capsys):
    out = tmp_path / "pack.xlsx"
    assert main(["export", "coaching", "--manager", "Ben@Example.com", "--period", "2017-Q3", "--out",
                 str(out)]) == 0
    assert capsys.readouterr().out.strip() == (f"{out}: coaching pack of Ben Manager for 2017-Q3: 2 rep(s), "
                                               "6 period(s) of trend")
    assert sorted(r["email"].value for r in rows(out.read_bytes(), "Reps")) == ["r5@example.com", "r6@example.com"]


@pytest.mark.parametrize(("argv", "message"), [
    (["--manager", "nobody@example.com", "--period", "2017-Q3"],
     "salescoach: --manager 'nobody@example.com': no active person has this email; expected the email of a "
     "manager or admin, e.g. ana@example.com, ben@example.com, carl@example.com, root@example.com"),
    (["--manager", "r1@example.com", "--period", "2017-Q3"],
     "salescoach: --manager 'r1@example.com': Rita One is a rep, not a manager or admin; expected the email of a "
     "manager or admin, e.g. ana@example.com, ben@example.com, carl@example.com, root@example.com"),
    (["--manager", "ana@example.com", "--period", "2017-Q5"],
     "salescoach: --period: '2017-Q5' is not a period; expected a period such as 2017-Q3, 2017-07, 2017-W27, "
     "'this month' or 'last quarter'"),
])
def test_cli_refuses_an_unknown_manager_or_period_with_one_line_and_writes_nothing(cli_env, tmp_path, capsys,
                                                                                  argv, message):
    out = tmp_path / "pack.xlsx"
    assert main(["export", "coaching", *argv, "--out", str(out)]) == 1
    assert capsys.readouterr().err.strip().splitlines() == [message]
    assert not out.exists()


@pytest.mark.parametrize("language", ["fa", "zh", "lt", "ms"])
def test_other_languages_write_a_pack_that_reopens_without_bidi_marks(world, language):
    services, ids, _ = world
    with services.unit(NOW) as u:
        data = build_pack(u.session, manager_id=ids["ana@example.com"], period=Q3, now=NOW, t=Translator(language),
                          settings=services.settings)
    book = load_workbook(io.BytesIO(data))
    assert len(book.sheetnames) == 8
    with zipfile.ZipFile(io.BytesIO(data)) as archive:  # cells, sheet names, chart titles, properties
        text = "".join(archive.read(name).decode("utf-8") for name in archive.namelist() if name.endswith(".xml"))
    assert "Rita One" in text
    assert not any(mark in text for mark in ("\u200f", "\u2068", "\u2069")), "bidi marks in the pack"


def test_the_glossary_defines_every_kpi_with_its_unit_rounding_source_and_roles(world):
    glossary = {r["kpi"].value: r for r in rows(pack(world, "ana@example.com"), "Glossary") if r["kpi"].value}
    for kpi in KPIS:
        row = glossary[kpi.name]
        assert row["definition"].value == kpi.definition and row["unit"].value == kpi.unit
        assert row["source"].value == kpi.source and str(kpi.decimals) in row["rounding"].value
    assert glossary["pipeline_coverage"]["unit"].value == "multiple"
    notes = [c.value for c in load_workbook(io.BytesIO(pack(world, "ana@example.com")))["Glossary"]["A"]]
    assert any("tercile" in str(n) for n in notes) and any("never a zero" in str(n) for n in notes)


@pytest.mark.parametrize(("name", "value", "slack", "excel"), [
    ("pipeline_coverage", 0.188, "0.2×", '0.0"×"'),
    ("pipeline_coverage", 3.5, "3.5×", '0.0"×"'),
    ("deals_won", 2.5, "3", "#,##0"),
    ("win_rate", 0.1875, "19%", "0%"),
    ("churn_rate", 0.01875, "1.9%", "0.0%"),
    ("cycle_days", 44.5, "45 days", "0"),
])
def test_slack_and_excel_show_a_kpi_in_one_unit_and_one_rounding(name, value, slack, excel):
    """Excel rounds a displayed number half away from zero at the format's decimals; Slack rounds the same way."""
    from bot.coaching.views import value_text
    from bot.coaching.workbook import excel_format

    assert value_text(Translator("en"), name, value, "USD") == slack
    assert excel_format(name) == excel


def test_the_losses_sheet_counts_the_same_lost_deals_as_the_reps_sheet_and_shows_a_dash_without_reasons(world):
    _, ids, deals = world
    data = pack(world, "ana@example.com")
    reps = [ids[f"r{n}@example.com"] for n in range(1, 5)]  # Ana's, all the way down
    shares = rows(data, "Losses")
    assert shares[0]["rep"].value == "all"
    assert shares[0]["lost"].value == expected(deals, reps, Q3)["deals_lost"]
    assert shares[0]["with_reason"].value == 0 and shares[0]["price_share"].value == "–"  # unknown, never 0 %
    cells = list(load_workbook(io.BytesIO(data))["Losses"].iter_rows(values_only=True))
    listed = cells[cells.index(("rep", "email", "deal", "account", "amount", "closed_on", "reason", "competitor",
                                "note", "answered_at", None)) + 1:]
    assert len(listed) == 1 and listed[0][2] == "D96" and listed[0][6] == "–"  # one row per lost deal


def test_control_characters_a_crm_sent_are_dropped_from_cells_instead_of_failing_the_pack():
    from openpyxl import Workbook

    from bot.workbook_cells import text

    cell = Workbook().active.cell(1, 1)
    text(cell, "Acme\x01CRM\x1f")
    assert cell.value == "AcmeCRM"
