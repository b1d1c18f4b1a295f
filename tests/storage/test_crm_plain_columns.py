"""The whole-column tests that let a column through as read (storage.crm.checker): text only when every cell is
trimmed, non-empty text within the limit, or None; anything else goes cell by cell and is reported there."""

from __future__ import annotations

from datetime import date

from storage.crm.checker import _plain_texts


def test_a_column_of_text_is_plain_only_when_every_cell_is_trimmed_non_empty_and_short_enough():
    assert _plain_texts(["D-1", "D-2"], 5) and _plain_texts([], 5) and _plain_texts(["D-1", None], 5)
    for cells in (["D-1", ""], ["D-1", " D-2"], ["D-2\t"], ["D-123456"], ["D-1", 1.0], ["D-1", True],
                  ["D-1", date(2026, 1, 1)], ["", None], [" D-1", None], ["D-123456", None]):
        assert not _plain_texts(cells, 5), cells
