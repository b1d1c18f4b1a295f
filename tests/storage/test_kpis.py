"""KPI figures in SQL, on SQLite and PostgreSQL, against a plain Python count over the same generated rows."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from conftest import seed_team
from sqlalchemy import event, insert

from coaching.performance.kpis import QuotaTarget, RepFigures, quota_for
from coaching.performance.service import team_digests, trend, weekly_digests
from coaching.periods import Period, last_periods, parse_period, period_of
from storage.crm.models import CrmAccount, CrmActivity, CrmDeal, CrmLead, CrmQuota
from storage.db import make_engine, make_sessions
from storage.kpis import PerformanceRepository
from storage.models import Person

NOW = datetime(2017, 8, 16, 9, 0, tzinfo=UTC)
KINDS = ("call", "email", "meeting", "demo", "other")
TIERS = ("low", "medium", "high", None)


@pytest.fixture
def sessions(migrated_database_url):
    engine = make_engine(migrated_database_url)
    yield make_sessions(engine)
    engine.dispose()


@dataclass
class Rows:
    reps: list[int]
    accounts: list[dict[str, Any]] = field(default_factory=list)
    deals: list[dict[str, Any]] = field(default_factory=list)
    activities: list[dict[str, Any]] = field(default_factory=list)
    quotas: list[dict[str, Any]] = field(default_factory=list)
    leads: list[dict[str, Any]] = field(default_factory=list)


def day_in_2017(rng: random.Random) -> date:
    return date(2017, 1, 1) + timedelta(days=rng.randrange(365))


def maybe(rng: random.Random, value: Any, chance: float = 0.15) -> Any:
    return None if rng.random() < chance else value


def generate(reps: list[int], seed: int) -> Rows:
    """Rows with every awkward case: missing amounts and dates, close before engagement, deals without accounts."""
    rng = random.Random(seed)
    rows = Rows(reps)
    for i in range(15):
        rows.accounts.append({"id": i + 1, "name": f"Account {i}", "potential_tier": TIERS[i % 4],
                              "potential_basis": None if TIERS[i % 4] is None else ("size", "imported")[i % 2],
                              "first_won_date": maybe(rng, day_in_2017(rng), 0.4),
                              "owner_id": maybe(rng, rng.choice(reps), 0.2),
                              "churned_on": maybe(rng, date(2017, 6, 1) + timedelta(days=rng.randrange(150)), 0.5)})
    for i in range(220):
        created = maybe(rng, day_in_2017(rng), 0.05)
        outcome = rng.choice(("open", "open", "won", "lost"))
        # the importer refuses a won or lost deal without a close date
        closed = None if outcome == "open" else (created or date(2017, 6, 1)) + timedelta(days=rng.randrange(0, 120))
        rows.deals.append({
            "external_id": f"D{i}", "owner_id": rng.choice(reps), "stage": outcome, "outcome": outcome,
            "account_id": maybe(rng, rng.randrange(1, 16), 0.2),
            "amount": maybe(rng, float(rng.randrange(1, 90)) * 500),
            "created_on": created, "engaged_on": maybe(rng, (created or date(2017, 5, 1))
                                                       + timedelta(days=rng.randrange(-20, 30)), 0.2),
            "closed_on": closed, "close_month": closed and closed.replace(day=1),
            "close_week": closed and closed - timedelta(days=closed.weekday()),
            "expected_close_on": maybe(rng, day_in_2017(rng), 0.3),
            "last_activity_on": maybe(rng, day_in_2017(rng), 0.3), "stage_changed_on": maybe(rng, day_in_2017(rng)),
            "churned": rng.choice((None, True, False)),
            "acquisition_cost": maybe(rng, float(rng.randrange(100, 900)), 0.5),
            "deal_type": rng.choice((None, "new", "renewal", "expansion")),
            "updated_at": NOW,
        })
    for account in rows.accounts[::2]:  # as an import sets it: the account's first win (others keep noise)
        wins = [d["closed_on"] for d in rows.deals if d["account_id"] == account["id"] and d["outcome"] == "won"]
        account["first_won_date"] = min(wins, default=None)
    for _ in range(3000):
        day = day_in_2017(rng)
        rows.activities.append({"rep_id": rng.choice(reps), "day": day,
                                "week_start": day - timedelta(days=day.weekday()), "month": day.replace(day=1),
                                "kind": rng.choice(KINDS), "count": rng.randrange(1, 4),
                                "account_id": maybe(rng, rng.randrange(1, 16), 0.3)})
    for n, rep in enumerate(reps):
        if n % 3 == 0:  # monthly quotas, with a hole in September for one rep
            rows.quotas += [{"rep_id": rep, "period_start": date(2017, m, 1), "period_kind": "month",
                             "amount": 10_000.0 + n} for m in range(1, 13) if not (n == 0 and m == 9)]
        elif n % 3 == 1:
            rows.quotas += [{"rep_id": rep, "period_start": date(2017, m, 1), "period_kind": "quarter",
                             "amount": 40_000.0} for m in (1, 4, 7, 10)]
    for i in range(200):
        created = maybe(rng, day_in_2017(rng), 0.05)
        converted = maybe(rng, (created or date(2017, 1, 1)) + timedelta(days=rng.randrange(0, 20)), 0.5)
        rows.leads.append({"external_id": f"L{i}", "owner_id": rng.choice(reps), "created_on": created,
                           "converted_on": converted,
                           "deal_external_id": converted and f"D{rng.randrange(220)}"})
    return rows


def store(sessions, rows: Rows) -> None:
    with sessions.begin() as session:
        for model, data in ((CrmAccount, rows.accounts), (CrmDeal, rows.deals), (CrmActivity, rows.activities),
                            (CrmQuota, rows.quotas), (CrmLead, rows.leads)):
            session.execute(insert(model), data)


def expected(rows: Rows, rep: int, period: Period, now: datetime, stale_after_days: int = 30) -> RepFigures:
    """The definitions, one plain loop at a time."""
    as_of, start = min(now.date(), period.last_day), period.start
    tier = {a["id"]: a["potential_tier"] for a in rows.accounts}
    first_won = {a["id"]: a["first_won_date"] for a in rows.accounts}

    def within(day: date | None) -> bool:
        return day is not None and period.start <= day < period.end

    acts = [a for a in rows.activities if a["rep_id"] == rep and within(a["day"])]
    kinds: Counter[str] = Counter()
    tiers: Counter[str] = Counter()
    for a in acts:
        kinds[a["kind"]] += a["count"]
        if tier.get(a["account_id"]):
            tiers[tier[a["account_id"]]] += a["count"]
    deals = [d for d in rows.deals if d["owner_id"] == rep]

    def is_open(d: dict[str, Any]) -> bool:
        began = d["created_on"] or d["engaged_on"]
        started = began <= as_of if began is not None else as_of >= now.date()  # no date: known open only today
        return started and (d["outcome"] == "open" or (d["closed_on"] is not None and d["closed_on"] > as_of))

    def engaged(d: dict[str, Any]) -> bool:  # a deal closed before its engagement is bad data, not counted
        return within(d["engaged_on"]) and (d["closed_on"] is None or d["closed_on"] >= d["engaged_on"])

    won = [d for d in deals if d["outcome"] == "won" and within(d["closed_on"])]
    lost = [d for d in deals if d["outcome"] == "lost" and within(d["closed_on"])]
    opened = [d for d in deals if is_open(d)]
    cycles = [(d["closed_on"] - d["engaged_on"]).days for d in won
              if d["engaged_on"] is not None and d["engaged_on"] <= d["closed_on"]]
    stale = [d for d in opened if (d["last_activity_on"] or d["stage_changed_on"] or d["created_on"]) is not None
             and (d["last_activity_on"] or d["stage_changed_on"] or d["created_on"]) < as_of - timedelta(
                 days=stale_after_days)]
    worked = {d["external_id"]: d for d in [*opened, *won, *lost]}.values()  # open or closed in the period, once
    deals_by_tier: Counter[str] = Counter(tier[d["account_id"]] for d in worked if tier.get(d["account_id"]))
    leads = [x for x in rows.leads if x["owner_id"] == rep and within(x["created_on"])]
    by_id = {d["external_id"]: d for d in rows.deals}

    def won_by(d: dict[str, Any] | None) -> bool:
        return d is not None and d["outcome"] == "won" and d["closed_on"] <= as_of
    targets = [QuotaTarget(q["period_start"], q["period_kind"], q["amount"]) for q in rows.quotas if q["rep_id"] == rep]
    weeks = [a["week_start"] for a in rows.activities if a["rep_id"] == rep]
    closes = [d["close_month"] for d in deals if d["close_month"] is not None]
    starts = [d["created_on"] or d["engaged_on"] for d in deals if (d["created_on"] or d["engaged_on"])]
    lead_days = [x["created_on"] for x in rows.leads if x["owner_id"] == rep and x["created_on"]]

    def customer(a: dict[str, Any]) -> bool:
        return (a["first_won_date"] is not None and a["first_won_date"] < start
                and (a["churned_on"] is None or a["churned_on"] >= start))

    def churned_in(a: dict[str, Any]) -> bool:
        return a["churned_on"] is not None and a["churned_on"] < period.end and a["churned_on"] <= as_of

    customers = [a for a in rows.accounts if a["owner_id"] == rep and customer(a)]

    def money(ds: list[dict[str, Any]]) -> float:
        return float(sum(d["amount"] or 0 for d in ds))

    return RepFigures(
        rep, activities=dict(kinds), activities_by_tier=dict(tiers), deals_by_tier=dict(deals_by_tier),
        deals_created=sum(within(d["created_on"]) for d in deals), deals_won=len(won), deals_lost=len(lost),
        revenue_won=money(won), cycle_days_total=float(sum(cycles)), cycle_count=len(cycles),
        open_deals=len(opened), open_value=money(opened),
        due_value=money([d for d in opened if d["expected_close_on"] and d["expected_close_on"] < period.end]),
        dated_open=sum(d["expected_close_on"] is not None for d in opened), quota=quota_for(period, targets),
        stale_deals=len(stale),
        new_business_revenue=money([d for d in won if (first_won.get(d["account_id"]) or date.min) >= start]),
        existing_business_revenue=money([d for d in won if (first_won.get(d["account_id"]) or date.max) < start]),
        leads=len(leads), leads_won=sum(won_by(by_id.get(x["deal_external_id"])) for x in leads),
        deals_engaged=sum(engaged(d) for d in deals),
        engaged_won=sum(engaged(d) and won_by(d) for d in deals),
        renewals=sum(d["deal_type"] == "renewal" for d in won),
        expansion_revenue=money([d for d in won if d["deal_type"] == "expansion"]),
        customers_at_start=len(customers), customers_lost=sum(1 for a in customers if churned_in(a)),
        new_customers=len({d["account_id"] for d in won
                           if first_won.get(d["account_id"]) == d["closed_on"] and d["closed_on"] >= start}),
        deal_cost_total=float(sum(d["acquisition_cost"] for d in won if d["acquisition_cost"] is not None)),
        deal_cost_count=sum(d["acquisition_cost"] is not None for d in won),
        first_seen=min([*weeks, *closes, *starts, *lead_days], default=None), as_of=as_of, known=sources(rows),
        data_since=min(first_seen_of(rows, r) or date.max for r in rows.reps),
    )


def first_seen_of(rows: Rows, rep: int) -> date | None:
    days = [*(a["week_start"] for a in rows.activities if a["rep_id"] == rep),
            *(d[c] for d in rows.deals if d["owner_id"] == rep for c in ("close_month", "created_on") if d[c]),
            *(d["engaged_on"] for d in rows.deals if d["owner_id"] == rep and not d["created_on"] and d["engaged_on"]),
            *(x["created_on"] for x in rows.leads if x["owner_id"] == rep and x["created_on"])]
    return min(days, default=None)


def sources(rows: Rows) -> frozenset[str]:
    """What the generated data holds, per coaching.performance.definitions.Kpi.source."""
    present = {"activities": rows.activities, "deals": rows.deals, "leads": rows.leads, "quotas": rows.quotas,
               **{column: [d for d in rows.deals if d[column] is not None]
                  for column in ("created_on", "engaged_on", "expected_close_on")},
               "accounts": [d for d in rows.deals if d["account_id"] is not None],
               "deal_cost": [d for d in rows.deals if d["acquisition_cost"] is not None],
               "deal_type": [d for d in rows.deals if d["deal_type"] is not None],
               "potential": [a for a in rows.accounts if a["potential_tier"] is not None],
               "potential_size": [a for a in rows.accounts if a["potential_basis"] == "size"],
               "churn": [a for a in rows.accounts if a["churned_on"] is not None]}
    return frozenset(k for k, found in present.items() if found)


def assert_same(actual: RepFigures, wanted: RepFigures) -> None:
    for f in fields(RepFigures):
        a, w = getattr(actual, f.name), getattr(wanted, f.name)
        assert a == (pytest.approx(w) if isinstance(w, float) else w), f"{f.name} of rep {wanted.person_id}"


def seed(sessions) -> tuple[Rows, dict[str, int]]:
    with sessions.begin() as session:
        ids = seed_team(session, reps=6)
    reps = sorted(v for k, v in ids.items() if k != "UMGR")
    rows = generate(reps, seed=7)
    store(sessions, rows)
    return rows, ids


@pytest.fixture
def seeded(sessions):
    return seed(sessions)


@pytest.fixture(scope="module")
def company(module_database_url):
    """The generated rows seeded once for the tests that only read them: (sessions, rows, ids)."""
    engine = make_engine(module_database_url)
    sessions = make_sessions(engine)
    rows, ids = seed(sessions)
    yield sessions, rows, ids
    engine.dispose()


KEYS = ("2017-W27", "2017-W31", "2017-W33", "2017-07", "2017-08", "2017-09", "2017-Q2", "2017-Q3")


def figures_of(sessions, rows: Rows, keys, **kwargs) -> dict[Period, list[RepFigures]]:
    periods = [parse_period(key, today=NOW.date()) for key in keys]
    with sessions.begin() as session:
        return PerformanceRepository(session).rep_figures(rep_ids=rows.reps, periods=periods, now=NOW, **kwargs)


def test_sql_figures_for_weeks_months_and_quarters_at_once_match_a_plain_count_over_the_same_rows(company):
    sessions, rows, _ = company
    by_period = figures_of(sessions, rows, KEYS)
    assert [p.key for p in by_period] == list(KEYS)
    for period, figures in by_period.items():
        assert [f.person_id for f in figures] == rows.reps
        for actual in figures:
            assert_same(actual, expected(rows, actual.person_id, period, NOW))


@pytest.mark.parametrize("key", ["2017-W33", "2017-Q2", "2017-08"])
def test_a_period_asked_alone_gets_the_same_figures_as_in_company(company, key):
    sessions, rows, _ = company
    (alone,) = figures_of(sessions, rows, [key]).values()
    assert alone == figures_of(sessions, rows, KEYS)[parse_period(key, today=NOW.date())]


@pytest.mark.parametrize("keys", [("2017-07", "2017-08", "2017-09"), ("2017-W27", "2017-W31", "2017-W33")])
def test_months_alone_or_weeks_alone_sum_closed_deals_by_their_stored_key_and_get_the_same_figures(company, keys):
    sessions, rows, _ = company
    alone = figures_of(sessions, rows, keys)  # deals won or lost grouped by close_month / close_week
    mixed = figures_of(sessions, rows, KEYS)  # ... and side by side, period by period
    for period, figures in alone.items():
        assert figures == mixed[period]
        for got in figures:
            assert_same(got, expected(rows, got.person_id, period, NOW))


def test_the_generated_rows_exercise_every_figure():
    rows = generate([1, 2, 3], seed=7)
    periods = [parse_period(key, today=NOW.date()) for key in ("2017-08", "2017-Q3", "2017-Q2")]
    unused = [f.name for f in fields(RepFigures)
              if not any(getattr(expected(rows, r, p, NOW), f.name) for r in rows.reps for p in periods)]
    assert unused == ["spend"]  # a team figure: see the spend test


def test_a_shorter_stale_limit_finds_more_stale_deals(company):
    sessions, rows, _ = company
    period = parse_period("2017-08", today=NOW.date())
    (strict,) = figures_of(sessions, rows, ["2017-08"], stale_after_days=7).values()
    (lax,) = figures_of(sessions, rows, ["2017-08"], stale_after_days=90).values()
    for figures in strict:
        assert_same(figures, expected(rows, figures.person_id, period, NOW, stale_after_days=7))
    assert sum(f.stale_deals for f in strict) > sum(f.stale_deals for f in lax)


def test_a_rep_without_any_data_gets_zeros_and_no_quota_or_tenure(company):
    sessions, _, ids = company
    month, week = period_of("month", NOW.date()), period_of("week", NOW.date())
    with sessions.begin() as session:
        repo = PerformanceRepository(session)
        (figures,) = repo.rep_figures(rep_ids=[ids["UMGR"]], periods=[month], now=NOW)[month]
        assert figures == RepFigures(ids["UMGR"], as_of=NOW.date(), known=figures.known,
                                     data_since=figures.data_since)
        assert repo.rep_figures(rep_ids=[], periods=[week], now=NOW) == {week: []}


def test_the_queries_are_one_per_period_and_seven_more_however_many_reps(company):
    sessions, rows, _ = company
    periods = [parse_period(key, today=NOW.date()) for key in ("2017-Q3", "2017-Q2")]
    counts = []
    statements: list[str] = []

    def count(*args):  # the data version read to check a second connection's snapshot is not a KPI query
        if args[2].lstrip().startswith("SELECT") and "FROM data_version" not in args[2]:
            statements.append(args[2])

    with sessions.begin() as session:
        event.listen(session.get_bind(), "before_cursor_execute", count)
        for reps in (rows.reps[:1], rows.reps):
            statements.clear()
            PerformanceRepository(session).rep_figures(rep_ids=reps, periods=periods, now=NOW)
            counts.append(len(statements))
        event.remove(session.get_bind(), "before_cursor_execute", count)  # the engine serves the module's tests
    assert counts == [2 + 7, 2 + 7]


def test_the_org_chart_leaves_out_people_who_left(sessions, seeded):
    _, ids = seeded
    with sessions.begin() as session:
        session.get(Person, ids["UREP5"]).active = False
    with sessions.begin() as session:
        org = PerformanceRepository(session).org_chart()
    assert set(org) == set(ids.values()) - {ids["UREP5"]}
    assert org[ids["UREP0"]].manager_id == ids["UMGR"] and org[ids["UREP0"]].role == "rep"
    assert org[ids["UMGR"]].role == "manager"


def test_every_managers_digest_is_built_from_the_sql_figures(company):
    sessions, rows, ids = company
    period = parse_period("2017-Q3", today=NOW.date())
    with sessions.begin() as session:
        (digest,) = team_digests(PerformanceRepository(session), period=period, now=NOW)
    assert digest.manager_id == ids["UMGR"] and digest.reps == tuple(rows.reps)
    won = sum(expected(rows, r, period, NOW).revenue_won for r in rows.reps)
    assert digest.line("revenue_won").value == pytest.approx(won)
    before = sum(expected(rows, r, period.previous(), NOW).revenue_won for r in rows.reps)
    assert digest.line("revenue_won").previous == pytest.approx(before)


def test_the_trend_adds_up_the_reps_period_by_period(company):
    sessions, rows, ids = company
    periods = [parse_period(k, today=NOW.date()) for k in ("2017-06", "2017-07")]
    with sessions.begin() as session:
        points = trend(PerformanceRepository(session), viewer_id=ids["UMGR"], periods=periods, now=NOW)
    assert [p for p, _ in points] == periods
    for p, kpis in points:
        assert kpis.deals_won == sum(expected(rows, r, p, NOW).deals_won for r in rows.reps)


@pytest.mark.parametrize("key", ["2017-08", "2017-W33"])
def test_the_weekly_digests_from_one_read_equal_each_managers_digest_and_trend_read_alone(company, key):
    sessions, _, ids = company
    period = parse_period(key, today=NOW.date())
    with sessions.begin() as session:
        store = PerformanceRepository(session)
        weekly = weekly_digests(store, wanted=[(ids["UMGR"], period)], now=NOW, trend_periods=6)
        (digest,) = team_digests(store, period=period, now=NOW)
        points = trend(store, viewer_id=ids["UMGR"], periods=last_periods(period, count=6), now=NOW)
    assert weekly[ids["UMGR"], period].digest == digest
    assert weekly[ids["UMGR"], period].trend == points


def test_spend_is_the_teams_prorated_by_days_and_the_organisations_only_for_everyone(sessions, seeded):
    from storage.crm.models import CrmSpend

    rows, ids = seeded
    with sessions.begin() as session:
        team = session.get(Person, ids["UREP0"]).team_id
        session.execute(insert(CrmSpend), [
            {"period_start": date(2017, 7, 1), "period_kind": "quarter", "amount": 92_000.0, "team_id": team},
            {"period_start": date(2017, 7, 1), "period_kind": "quarter", "amount": 184_000.0, "team_id": None}])
    q3, july, q2 = (parse_period(k, today=NOW.date()) for k in ("2017-Q3", "2017-07", "2017-Q2"))
    with sessions.begin() as session:
        repo = PerformanceRepository(session)
        assert repo.spend(rep_ids=rows.reps, periods=[q3, july, q2]) == {q3: 184_000, july: 62_000}  # everyone
        assert repo.spend(rep_ids=rows.reps[:2], periods=[q3, july, q2]) == {q3: 92_000, july: 31_000}  # a team
        assert "spend" in repo.sources()
