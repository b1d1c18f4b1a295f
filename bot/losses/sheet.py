"""The coaching pack's Losses sheet: each reason's share of the period's losses with a reason, for the team and for
each rep, then every lost deal of the period with its reason, competitor and the owner's note."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC
from typing import TYPE_CHECKING

from bot.workbook_cells import DATE_FORMAT, DATETIME_FORMAT, MISSING, header, number, text, widths
from coaching.losses.reasons import REASONS, LossMix, LostDeal, mix, mix_by_owner

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

SHARES_HEADER = ("rep", "email", "lost", "with_reason", *(f"{r}_share" for r in REASONS), "top_competitor")
DEALS_HEADER = ("rep", "email", "deal", "account", "amount", "closed_on", "reason", "competitor", "note",
                "answered_at")


def _shares(ws: Worksheet, row: int, name: str, email: str, found: LossMix) -> None:
    text(ws.cell(row, 1), name)
    text(ws.cell(row, 2), email)
    number(ws.cell(row, 3), found.lost, "0")
    number(ws.cell(row, 4), found.with_reason, "0")
    for column, reason in enumerate(REASONS, start=5):
        share = found.share(reason)
        if share is None:
            text(ws.cell(row, column), MISSING)
        else:
            number(ws.cell(row, column), share, "0%")
    text(ws.cell(row, 5 + len(REASONS)), found.competitors[0][0] if found.competitors else MISSING)


def write_losses(ws: Worksheet, *, deals: Sequence[LostDeal], people: Mapping[int, tuple[str, str]],
                 currency_format: str = "#,##0") -> None:
    """Row 2 all the pack's reps together ("all"), then one row per rep with a loss (by name); below, one row per
    lost deal by close date. A share is of the losses with a reason, as the digest shows it; "–" when none has
    a reason."""
    from openpyxl.styles import Font

    header(ws, SHARES_HEADER, freeze="C2")
    _shares(ws, 2, "all", MISSING, mix(deals))
    by_rep = mix_by_owner(deals)
    ordered = sorted(by_rep, key=lambda p: (people.get(p, (MISSING, ""))[0].lower(), p))
    for row, rep in enumerate(ordered, start=3):
        name, email = people.get(rep, (MISSING, MISSING))
        _shares(ws, row, name, email, by_rep[rep])
    start = len(ordered) + 4
    for column, label in enumerate(DEALS_HEADER, start=1):
        text(ws.cell(start, column), label)
        ws.cell(start, column).font = Font(bold=True)
    for row, deal in enumerate(deals, start=start + 1):
        name, email = people.get(deal.owner_id, (MISSING, MISSING))
        values: list[object] = [name, email, deal.external_id, deal.account_name or MISSING]
        for column, value in enumerate(values, start=1):
            text(ws.cell(row, column), str(value))
        if deal.amount is None:
            text(ws.cell(row, 5), MISSING)
        else:
            number(ws.cell(row, 5), deal.amount, currency_format)
        if deal.closed_on is None:
            text(ws.cell(row, 6), MISSING)
        else:
            number(ws.cell(row, 6), deal.closed_on, DATE_FORMAT)
        for column, value in ((7, deal.reason), (8, deal.competitor), (9, deal.note)):
            text(ws.cell(row, column), value or MISSING)
        if deal.answered_at is None:
            text(ws.cell(row, 10), MISSING)
        else:
            number(ws.cell(row, 10), deal.answered_at.astimezone(UTC).replace(tzinfo=None), DATETIME_FORMAT)
    widths(ws, [20, 26, 14, 22, 12, 11, 12, 16, 40, 17, 12])
