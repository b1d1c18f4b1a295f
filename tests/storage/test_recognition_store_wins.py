"""Wins over a real database: each won deal posted once whatever re-imports, webhook retries or a second run do;
the quota milestone; /win; and a webhook request refused before anything is written."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import seed_team
from sqlalchemy import func, select

from bot.recognition.webhook_auth import WebhookRefused, sign, verify
from coaching.recognition.service import announce_wins, log_win, receive_deal
from coaching.recognition.wins import DealRefused, check_webhook_deal
from storage.crm.importer import import_crm_file
from storage.crm.models import CrmDeal, CrmQuota
from storage.db import make_engine, make_sessions
from storage.models import Team
from storage.recognition.models import WebhookSignature, Win
from storage.recognition.repository import RecognitionRepository

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SECRET = "s3cret"
HEADER = ["external_id", "owner", "account", "stage", "amount", "engaged_on", "closed_on"]


class FakeMessenger:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str]] = []

    def post_win(self, win, *, channel, locale):
        self.sent.append(("win", win.key, channel))

    def post_milestone(self, milestone, *, channel, locale):
        self.sent.append(("milestone", milestone.key, channel))

    def post_kudos(self, kudos, *, channel, locale):
        self.sent.append(("kudos", kudos.post_key(channel), channel))

    def dm_kudos(self, kudos, *, receiver):
        self.sent.append(("dm", kudos.dm_key(receiver), receiver.slack_id))

    def post_shout_out(self, shout_out, *, channel, locale):
        self.sent.append(("shout-out", shout_out.key, channel))

    def dm_quiet_note(self, note):
        self.sent.append(("quiet", note.key, note.manager.slack_id))


@pytest.fixture
def sessions(migrated_database_url):
    engine = make_engine(migrated_database_url)
    made = make_sessions(engine)
    with made.begin() as session:
        seed_team(session, reps=3)
        session.execute(Team.__table__.update().values(channel_id="C0HUNTERS"))
    yield made
    engine.dispose()


@pytest.fixture
def messenger():
    return FakeMessenger()


def deals_file(tmp_path: Path, rows, name="deals.csv") -> Path:
    path = tmp_path / name
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def import_and_announce(sessions, messenger, path: Path, now: datetime = NOW):
    with sessions.begin() as session:
        import_crm_file(session, kind="deals", path=path, now=now)
    with sessions.begin() as session:
        return announce_wins(RecognitionRepository(session), messenger, now=now)


def wins_posted(messenger) -> list[str]:
    return [key for what, key, _ in messenger.sent if what == "win"]


def count(sessions, model) -> int:
    with sessions.begin() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def webhook(sessions, messenger, deal: dict, *, now: datetime = NOW, sent_at: datetime | None = None,
            secret: str = SECRET, signature: str | None = None) -> str:
    """What the bot's route does: verify the raw body, check the deal, take it in one transaction."""
    body = json.dumps(deal).encode()
    stamp = int((sent_at or now).timestamp())
    headers = {"X-Salescoach-Signature": signature or sign(body, timestamp=stamp, secret=secret),
               "X-Salescoach-Timestamp": str(stamp)}
    delivery = verify(body, headers, secret=SECRET, now=now)
    with sessions.begin() as session:
        return receive_deal(RecognitionRepository(session), messenger, deal=check_webhook_deal(json.loads(body)),
                            signature=delivery.key, accepted_until=delivery.accepted_until, now=now)


WON = {"external_id": "D-9", "owner": "rep0@example.com", "account": "Acme", "stage": "won", "amount": 5000,
       "engaged_on": "2026-10-24", "closed_on": "2026-11-22"}


def test_a_deal_an_import_turns_won_is_posted_once_whatever_reimports_and_reruns_do(sessions, messenger, tmp_path):
    open_ = deals_file(tmp_path, [["D-1", "rep0@example.com", "Acme", "open", 1200, "2026-10-01", ""]])
    won = deals_file(tmp_path, [["D-1", "rep0@example.com", "Acme", "won", 1200, "2026-10-01", "2026-11-20"]],
                     "won.csv")
    assert import_and_announce(sessions, messenger, open_) == []
    [win] = import_and_announce(sessions, messenger, won)
    assert (win.source, win.rep.slack_id, win.account, win.amount, win.cycle_days) == \
        ("import", "UREP0", "Acme", 1200.0, 50)
    import_and_announce(sessions, messenger, won, NOW + timedelta(hours=1))
    import_and_announce(sessions, messenger, open_, NOW + timedelta(hours=2))  # back to open...
    import_and_announce(sessions, messenger, won, NOW + timedelta(hours=3))  # ...and won again
    assert wins_posted(messenger) == ["win:D-1"]
    assert count(sessions, Win) == 1


def test_a_first_import_of_old_wins_announces_nothing(sessions, messenger, tmp_path):
    old = deals_file(tmp_path, [["D-1", "rep0@example.com", "Acme", "won", 1200, "2026-01-01", "2026-03-01"]])
    assert import_and_announce(sessions, messenger, old) == []
    assert messenger.sent == []


def test_a_deal_won_then_lost_before_the_announcement_is_not_posted(sessions, messenger, tmp_path):
    open_ = deals_file(tmp_path, [["D-1", "rep0@example.com", "Acme", "open", 1200, "2026-10-01", ""]])
    won = deals_file(tmp_path, [["D-1", "rep0@example.com", "Acme", "won", 1200, "", "2026-11-20"]], "w.csv")
    lost = deals_file(tmp_path, [["D-1", "rep0@example.com", "Acme", "lost", 1200, "", "2026-11-21"]], "l.csv")
    with sessions.begin() as session:
        for path in (open_, won, lost):
            import_crm_file(session, kind="deals", path=path, now=NOW)
    with sessions.begin() as session:
        assert announce_wins(RecognitionRepository(session), messenger, now=NOW) == []


def test_webhook_retries_are_posted_once(sessions, messenger):
    assert webhook(sessions, messenger, WON) == "won"
    assert webhook(sessions, messenger, WON) == "duplicate"  # the same request again
    assert webhook(sessions, messenger, WON, now=NOW + timedelta(minutes=1)) == "recorded"  # resent, new timestamp
    with sessions.begin() as session:
        assert announce_wins(RecognitionRepository(session), messenger, now=NOW + timedelta(minutes=2)) == []
    assert wins_posted(messenger) == ["win:D-9"]
    with sessions.begin() as session:
        [win] = session.scalars(select(Win)).all()
        assert (win.source, win.deal_external_id, win.amount, win.cycle_days) == ("webhook", "D-9", 5000.0, 29)


def test_a_webhook_that_updates_an_open_deal_to_won_is_posted_and_the_next_import_adds_nothing(
        sessions, messenger, tmp_path):
    assert webhook(sessions, messenger, {**WON, "stage": "open", "closed_on": None}) == "recorded"
    assert webhook(sessions, messenger, {"external_id": "D-9", "owner": "rep0@example.com", "outcome": "won",
                                         "closed_on": "2026-11-23"}, now=NOW + timedelta(seconds=1)) == "won"
    with sessions.begin() as session:
        deal = session.scalar(select(CrmDeal).where(CrmDeal.external_id == "D-9"))
        assert deal is not None and (deal.amount, deal.stage, deal.outcome) == (5000.0, "won", "won")
    import_and_announce(sessions, messenger, deals_file(tmp_path, [["D-9", "rep0@example.com", "Acme", "won", 5000,
                                                                    "2026-10-24", "2026-11-23"]]))
    assert wins_posted(messenger) == ["win:D-9"]


def test_a_webhook_with_a_bad_signature_is_refused_with_nothing_recorded(sessions, messenger):
    for bad in ({"secret": "guess"}, {"signature": "v0=" + "0" * 64}, {"sent_at": NOW - timedelta(minutes=6)}):
        with pytest.raises(WebhookRefused):
            webhook(sessions, messenger, WON, **bad)
    assert (count(sessions, CrmDeal), count(sessions, Win), count(sessions, WebhookSignature)) == (0, 0, 0)
    assert messenger.sent == []


def test_a_webhook_deal_whose_owner_is_not_in_the_roster_writes_nothing(sessions, messenger):
    with pytest.raises(DealRefused) as caught:
        webhook(sessions, messenger, {**WON, "owner": "rep9@example.com"})
    assert caught.value.problems[0].startswith("owner: 'rep9@example.com' is not in the roster")
    assert (count(sessions, CrmDeal), count(sessions, WebhookSignature)) == (0, 0)


def test_the_win_that_crosses_quota_adds_one_milestone(sessions, messenger, tmp_path):
    with sessions.begin() as session:
        session.add(CrmQuota(rep_id=2, period_start=NOW.date().replace(day=1), period_kind="month", amount=6000))
    import_and_announce(sessions, messenger, deals_file(tmp_path, [
        ["D-1", "rep0@example.com", "Acme", "won", 2000, "", "2026-11-20"]]))
    webhook(sessions, messenger, WON)  # 2000 + 5000 crosses 6000
    webhook(sessions, messenger, {**WON, "external_id": "D-10"}, now=NOW + timedelta(seconds=5))
    assert [s[:2] for s in messenger.sent] == [("win", "win:D-1"), ("win", "win:D-9"),
                                               ("milestone", "milestone:2:2026-11"), ("win", "win:D-10")]


def test_a_logged_win_is_posted_once_per_view_shown_as_logged_and_counts_no_quota(sessions, messenger):
    with sessions.begin() as session:
        session.add(CrmQuota(rep_id=2, period_start=NOW.date().replace(day=1), period_kind="month", amount=10))
    for _ in range(2):
        with sessions.begin() as session:
            win = log_win(RecognitionRepository(session), messenger, rep="UREP0", account="Initech", amount="900",
                          notes="Signed at lunch", origin="V123", now=NOW)
    assert (win.source, win.logged_by, win.notes, win.currency) == ("logged", win.rep, "Signed at lunch", None)
    assert messenger.sent == [("win", f"win:logged:{win.id}", "C0HUNTERS")]


def test_a_signature_is_forgotten_only_once_its_timestamp_is_no_longer_accepted(sessions, messenger):
    webhook(sessions, messenger, WON)
    with sessions.begin() as session:
        repo = RecognitionRepository(session)
        assert repo.forget_signatures(accepted_before=NOW + timedelta(minutes=5)) == 0
        assert repo.forget_signatures(accepted_before=NOW + timedelta(minutes=5, seconds=1)) == 1
