"""person export lists the complaints a person owns or logged; person delete keeps the complaints (the customer's
and the account's) with the tombstone, so they still count and escalate to its manager, erases the texts they typed,
and deletes messages not yet sent."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from conftest import seed_team
from sqlalchemy import select

from coaching.complaints import service
from storage.complaints.models import ComplaintRow
from storage.complaints.repository import ComplaintRepository
from storage.crm.models import CrmAccount
from storage.db import make_engine, make_sessions
from storage.models import OutboxMessage
from storage.outbox import Outbox
from storage.person_data import ERASED_TEXT, erase_person, export_person

NOW = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)


class Queue:
    """Puts each word about a complaint in the outbox, as bot.complaints does."""

    def __init__(self, session) -> None:
        self.outbox = Outbox(session)

    def tell_owner(self, complaint, *, owner, not_before, key=None) -> None:
        self.outbox.enqueue(f"complaint:{complaint.id}", "chat.postMessage", {"text": complaint.text}, now=NOW,
                            person_id=owner.person_id, not_before=not_before)


@pytest.fixture
def sessions(migrated_database_url):
    engine = make_engine(migrated_database_url)
    yield make_sessions(engine)
    engine.dispose()


def test_export_lists_a_persons_complaints_and_delete_keeps_them_with_the_tombstone_and_erases_what_they_typed(
        sessions):
    with sessions.begin() as s:
        ids = seed_team(s, reps=2)
        account = CrmAccount(name="Acme", owner_id=ids["UREP1"])
        s.add(account)
        s.flush()
        store = ComplaintRepository(s)
        typed = service.log_complaint(store, Queue(s), account_id=account.id, text="Billed twice, says rep0",
                                      owner_id=None, logged_by=ids["UREP0"], now=NOW, origin="view:1")
        other = service.log_complaint(store, Queue(s), account_id=account.id, text="Late delivery",
                                      owner_id=ids["UREP0"], logged_by=ids["UMGR"], now=NOW, origin="view:2")
    with sessions.begin() as s:
        exported = export_person(s, "rep0@example.com")["complaints"]
        assert [(c["text"], c["owner"], c["logged_by"], c["account"]) for c in exported] == [
            ("Billed twice, says rep0", "rep1@example.com", "rep0@example.com", "Acme"),
            ("Late delivery", "rep0@example.com", "maria@example.com", "Acme")]
        assert "rep1" not in str(export_person(s, "rep0@example.com")["outbox"])
        erase_person(s, "rep0@example.com")
    with sessions.begin() as s:
        rows = {r.id: r for r in s.scalars(select(ComplaintRow))}
        assert (rows[typed.id].text, rows[typed.id].logged_by, rows[typed.id].owner_id) == (
            ERASED_TEXT, ids["UREP0"], ids["UREP1"])  # the tombstone keeps no name, email or Slack id
        assert (rows[other.id].text, rows[other.id].owner_id) == ("Late delivery", ids["UREP0"])
        assert ComplaintRepository(s).manager_of(ids["UREP0"]) == ids["UMGR"]  # overdue still reaches the manager
        assert list(s.scalars(select(OutboxMessage.key))) == []  # rep1's DM held rep0's words; rep0's own went
