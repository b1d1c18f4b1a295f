"""Wins: once-only keys, cycle days, quota milestones, a logged win's fields and a webhook's JSON deal."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from coaching.periods import period_of
from coaching.recognition.records import Colleague
from coaching.recognition.wins import (
    DealRefused,
    QuotaProgress,
    Win,
    WinError,
    check_logged_win,
    check_webhook_deal,
    cycle_days,
    quota_milestones,
)

ANA = Colleague(1, "Ana", "UANA", 10)
LI = Colleague(2, "Li", "ULI", 10)
AT = datetime(2026, 11, 23, 9, tzinfo=UTC)
NOVEMBER = period_of("month", date(2026, 11, 1))


def win(id_: int, amount: float | None, day: int, rep: Colleague = ANA, source: str = "import") -> Win:
    return Win(id_, source, rep, date(2026, 11, day), AT, "Acme", amount, deal_external_id=f"D-{id_}")


def test_keys_are_the_deal_id_or_the_logged_win_id():
    assert win(7, 100.0, 3).key == "win:D-7"
    assert Win(8, "logged", ANA, date(2026, 11, 3), AT).key == "win:logged:8"


@pytest.mark.parametrize(("engaged", "created", "closed", "days"), [
    (date(2026, 10, 1), date(2026, 9, 1), date(2026, 10, 31), 30),
    (None, date(2026, 10, 21), date(2026, 10, 31), 10),
    (None, None, date(2026, 10, 31), None),
    (date(2026, 11, 2), None, date(2026, 10, 31), None),
])
def test_cycle_days_run_from_engagement_else_creation_to_close(engaged, created, closed, days):
    assert cycle_days(engaged_on=engaged, created_on=created, closed_on=closed) == days


def test_the_win_that_takes_attainment_to_100_percent_is_the_milestone():
    wins = [win(1, 300.0, 10), win(2, 500.0, 12), win(3, 400.0, 14)]
    progress = [QuotaProgress(ANA.person_id, NOVEMBER, 1000.0, won=400.0 + 1200.0)]  # 400 won before
    [milestone] = quota_milestones(wins=wins, progress=progress)
    assert milestone.win.id == 2
    assert (milestone.won, milestone.attainment) == (1200.0, 1.2)
    assert milestone.key == f"milestone:{ANA.person_id}:2026-11"


def test_no_milestone_when_attainment_was_already_past_100_percent_or_stays_under():
    assert quota_milestones(wins=[win(1, 300.0, 10)], progress=[QuotaProgress(1, NOVEMBER, 1000.0, 1500.0)]) == []
    assert quota_milestones(wins=[win(1, 300.0, 10)], progress=[QuotaProgress(1, NOVEMBER, 1000.0, 900.0)]) == []


def test_a_win_landing_exactly_on_quota_crosses_it():
    assert len(quota_milestones(wins=[win(1, 300.0, 10)], progress=[QuotaProgress(1, NOVEMBER, 1000.0, 1000.0)])) == 1


def test_logged_wins_other_reps_and_other_periods_do_not_count():
    wins = [win(1, 900.0, 10, source="logged"), win(2, 900.0, 10, rep=LI)]
    october = [Win(3, "import", ANA, date(2026, 10, 30), AT, amount=900.0, deal_external_id="D-3")]
    progress = [QuotaProgress(ANA.person_id, NOVEMBER, 500.0, 100.0)]
    assert quota_milestones(wins=wins + october, progress=progress) == []


def test_a_month_and_a_quarter_each_get_their_own_milestone():
    progress = [QuotaProgress(1, NOVEMBER, 1000.0, 1000.0),
                QuotaProgress(1, period_of("quarter", date(2026, 11, 1)), 3000.0, 3100.0)]
    keys = {m.key for m in quota_milestones(wins=[win(1, 600.0, 10)], progress=progress)}
    assert keys == {"milestone:1:2026-11", "milestone:1:2026-Q4"}


def test_a_logged_win_needs_an_account_and_reads_a_plain_amount():
    assert check_logged_win(account="  Acme   Ltd ", amount="12 500.50", notes=" ") == \
        type(check_logged_win(account="a", amount=None, notes=None))("Acme Ltd", 12500.5, None)
    assert check_logged_win(account="Acme", amount="", notes="big one").amount is None


@pytest.mark.parametrize(("account", "amount", "notes", "code"), [
    ("", "1", None, "account_empty"),
    ("A" * 201, "1", None, "account_too_long"),
    ("Acme", "12k", None, "amount_not_number"),
    ("Acme", "nan", None, "amount_not_number"),
    ("Acme", "-5", None, "amount_negative"),
    ("Acme", "5", "n" * 1001, "notes_too_long"),
])
def test_a_logged_win_refused_says_which_field(account, amount, notes, code):
    with pytest.raises(WinError) as caught:
        check_logged_win(account=account, amount=amount, notes=notes)
    assert caught.value.code == code


DEAL = {"external_id": "D-42", "owner": "ana@example.com", "account": "Acme", "amount": "12500",
        "stage": "Closed Won", "engaged_on": "2026-10-01", "closed_on": "2026-11-20T15:04:05"}


def test_a_webhook_deal_with_the_imports_fields_is_typed():
    deal = check_webhook_deal(DEAL)
    assert (deal.external_id, deal.owner, deal.stage, deal.outcome) == ("D-42", "ana@example.com", "Closed Won", "won")
    assert deal.fields == {"account": "Acme", "amount": 12500.0, "engaged_on": date(2026, 10, 1),
                           "closed_on": date(2026, 11, 20)}


def test_a_webhook_deal_may_give_the_outcome_instead_of_a_stage_and_use_a_numeric_id():
    deal = check_webhook_deal({"external_id": 42, "owner": "ana@example.com", "outcome": "OPEN", "amount": None})
    assert (deal.external_id, deal.stage, deal.outcome, deal.fields) == ("42", "open", "open", {"amount": None})


def test_stages_follow_the_mapping_when_one_is_given():
    deal = check_webhook_deal({**DEAL, "stage": "Signed"}, stages={"signed": "won"})
    assert deal.outcome == "won"


@pytest.mark.parametrize(("change", "problem"), [
    ({"closed_date": "2026-11-20"}, "closed_date: not a deal field (is it 'closed_on'?)"),
    ({"amount": "12,500"}, "amount: '12,500' is not a number"),
    ({"amount": -1}, "amount: -1 is not an amount"),
    ({"closed_on": "20/11/2026"}, "closed_on: '20/11/2026' is not a date; expected YYYY-MM-DD"),
    ({"stage": "Negotiation"}, "stage: 'Negotiation' is not a stage we know"),
    ({"outcome": "maybe"}, "outcome: 'maybe' is not an outcome; expected open, won, lost"),
    ({"owner": None}, "owner: missing"),
    ({"external_id": "x" * 65}, "external_id: 'xxxx"),
    ({"closed_on": None}, "closed_on: missing for a won deal"),
    ({"churned": "maybe"}, "churned: 'maybe' is not yes or no"),
])
def test_a_bad_webhook_deal_is_refused_naming_the_field_and_what_is_allowed(change, problem):
    with pytest.raises(DealRefused) as caught:
        check_webhook_deal({**DEAL, **change})
    assert any(p.startswith(problem) for p in caught.value.problems), caught.value.problems


def test_a_body_that_is_not_an_object_is_refused():
    with pytest.raises(DealRefused) as caught:
        check_webhook_deal([DEAL])
    assert caught.value.problems[0].startswith("the body is not a JSON object")


def test_every_problem_is_listed_at_once():
    with pytest.raises(DealRefused) as caught:
        check_webhook_deal({"stage": "won", "amount": "lots"})
    assert [p.split(":")[0] for p in caught.value.problems] == ["amount", "external_id", "owner", "closed_on"]
