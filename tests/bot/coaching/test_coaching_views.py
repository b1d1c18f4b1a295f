"""How coaching figures read in Slack: missing data is a dash, account potential from size says so, one marker."""

from datetime import UTC, date, datetime

from bot.coaching.views import digest_message, label, rep_message, value_text
from bot.i18n import Translator
from coaching.performance.digest import build_digest, build_views, rep_kpis
from coaching.performance.kpis import RepFigures
from coaching.periods import parse_period

NOW = datetime(2026, 11, 23, 6, 30, tzinfo=UTC)
Q4 = parse_period("2026-Q4", today=NOW.date())
T = Translator("en")


def texts(blocks) -> str:
    return "\n".join(b["text"]["text"] for b in blocks if b["type"] in ("header", "section"))


def test_a_deals_export_without_created_dates_shows_deals_created_as_a_dash_not_zero():
    figures = [RepFigures(p, deals_won=2, deals_lost=1, revenue_won=9_000.0, data_since=date(2026, 6, 19),
                          as_of=NOW.date(), known=frozenset({"deals", "engaged_on"})) for p in (1, 2)]
    view = build_views(period=Q4, reps=list(rep_kpis(figures).values()), today=NOW.date())[1]
    _, blocks = rep_message(T, view, "Ana", currency="USD", own=False)
    assert "Deals won: *2*" in texts(blocks) and view.line("deals_created").value is None
    assert value_text(T, "deals_created", None, "USD") == "–"


def test_potential_from_account_size_is_labelled_as_such_and_imported_potential_is_not():
    assert label(T, "low_potential_activity_share", frozenset({"potential", "potential_size"})) == (
        "Activity on low-potential accounts (potential by account size)")
    assert label(T, "low_potential_activity_share", frozenset({"potential"})) == "Activity on low-potential accounts"


def test_the_digest_never_shows_an_arrow_only_better_or_worse():
    before = [RepFigures(p, deals_won=2, deals_lost=2, revenue_won=10_000.0, cycle_days_total=60.0, cycle_count=2)
              for p in (1, 2, 3)]
    now = [RepFigures(p, deals_won=3, deals_lost=1, revenue_won=12_000.0, cycle_days_total=90.0, cycle_count=3)
           for p in (1, 2, 3)]
    digest = build_digest(manager_id=9, period=Q4, reps=list(rep_kpis(now, before).values()), today=NOW.date())
    _, blocks = digest_message(T, digest, {}, currency="USD", team="Hunters", min_deals=5)
    text = texts(blocks)
    assert not any(arrow in text for arrow in "▲▼▶🔻")
    assert "Revenue won: *$36,000* :large_green_circle: better" in text


def test_a_team_of_sdrs_gets_sdr_headlines_and_an_sdr_is_judged_on_leads_not_closed_deals():
    def sdr(p, leads, won_leads, meetings):
        return RepFigures(p, activities={"meeting": meetings}, leads=leads, leads_won=won_leads)

    now = [sdr(1, 40, 8, 12), sdr(2, 40, 8, 12), sdr(3, 40, 2, 12), sdr(4, 40, 8, 3)]
    before = [sdr(p, 30, 6, 10) for p in (1, 2, 3, 4)]
    reps = rep_kpis(now, before, roles=dict.fromkeys((1, 2, 3, 4), "sdr"))
    digest = build_digest(manager_id=9, period=Q4, reps=list(reps.values()), today=NOW.date())
    assert digest.headlines == ("leads", "meetings", "lead_conversion")
    assert digest.too_little_data == ()
    assert [(d.person_id, d.attention[0].rule_id) for d in digest.attention] == [(3, "low_lead_conversion"),
                                                                                (4, "few_meetings")]
    _, blocks = digest_message(T, digest, {3: "Sam", 4: "Kit"}, currency="USD", team="Openers", min_deals=5)
    text = texts(blocks)
    assert "Leads worked: *160*" in text and "*Sam*: lead conversion 5% where peers reach 20%" in text
