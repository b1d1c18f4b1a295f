"""What `person delete` does to complaints: they are the customer's and the account's, so they stay."""

from __future__ import annotations

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from storage.complaints.models import ComplaintRow
from storage.models import OutboxMessage


def erase_complaints(session: Session, pid: int, *, erased_text: str) -> list[tuple[str, int]]:
    """Complaints stay, owned by the tombstone (which keeps its manager), so an overdue one still reaches that
    manager. Texts the person typed in Slack become `erased_text`, and the messages not yet sent about any complaint
    they owned or logged are deleted; sent ones keep only their place in Slack (their payload is emptied when sent),
    so a later Resolved can still edit them. A DM Slack already delivered keeps what it showed. What was done, and
    to how many rows."""
    c, o = ComplaintRow, OutboxMessage
    unsent = 0
    for (complaint_id,) in session.execute(select(c.id).where(or_(c.owner_id == pid, c.logged_by == pid))):
        about = or_(o.key == f"complaint:{complaint_id}", o.key.like(f"complaint:{complaint_id}:%"))
        unsent += _rows(session.execute(delete(o).where(about, o.sent_at.is_(None))))
    erased = _rows(session.execute(update(c).where(c.logged_by == pid, c.source == "slack").values(text=erased_text)))
    return [("messages about their complaints", unsent), ("complaint texts erased", erased)]


def _rows(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)
