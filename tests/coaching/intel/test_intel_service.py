"""Field intelligence rules over a fake store: refusals (forged kind, account, competitor; both competitors; someone
else's modal), a typed competitor counted with the listed one, and the roll-up's counts and top three."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from coaching.intel.service import Intel, IntelError, rollup, submit

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


class FakeStore:
    def __init__(self) -> None:
        self.items: dict[str, Intel] = {}

    def submitted(self, origin):
        return self.items.get(origin)

    def account_name(self, account_id):
        return {7: "Globex"}.get(account_id)

    def competitor_name(self, competitor_id):
        return {1: "Acme CRM"}.get(competitor_id)

    def listed_competitor(self, name):
        return "Acme CRM" if name.lower() == "acme crm" else None

    def add_item(self, *, author_id, slack_team_id, kind, text, account_id, competitor, now, origin, channel_id):
        item = Intel(len(self.items) + 1, author_id, kind, text, account_id, self.account_name(account_id or 0),
                     competitor, now, 0, channel_id)
        self.items[origin] = item
        return item


def _submit(store, origin="view:V1", author=1, **values):
    fields = {"kind": "competitor", "text": "Price cut", "account_id": None, "competitor_id": None,
              "competitor_text": "", **values}
    return submit(store, author_id=author, slack_team_id="T1", now=NOW, origin=origin, channel_id="C1", **fields)


@pytest.mark.parametrize("values,reason", [
    ({"kind": "gossip"}, "bad_kind"), ({"text": "   "}, "empty"), ({"text": "x" * 2001}, "too_long"),
    ({"account_id": 8}, "bad_account"), ({"account_id": -1}, "bad_account"), ({"competitor_id": 2}, "bad_competitor"),
    ({"competitor_id": 1, "competitor_text": "Bolt"}, "two_competitors")])
def test_a_forged_or_incomplete_item_is_refused_by_its_rule(values, reason):
    with pytest.raises(IntelError) as refused:
        _submit(FakeStore(), **values)
    assert refused.value.reason == reason


def test_the_same_modal_gives_back_its_item_and_someone_elses_modal_is_refused():
    store = FakeStore()
    item, new = _submit(store, competitor_text="  ACME   crm ", account_id=7)
    assert new and (item.competitor, item.account) == ("Acme CRM", "Globex")
    assert _submit(store) == (item, False)
    with pytest.raises(IntelError, match="not theirs"):
        _submit(store, author=2)


def test_the_rollup_counts_the_window_by_kind_and_competitor_and_names_the_three_most_reacted():
    def item(n, kind, competitor, reactions, days_ago):
        return Intel(n, 1, kind, f"item {n}", None, None, competitor, NOW - timedelta(days=days_ago), reactions)

    items = [item(1, "market", None, 5, 1), item(2, "competitor", "Bolt", 2, 2), item(3, "competitor", "acme", 5, 3),
             item(4, "need", "Bolt", 0, 1), item(5, "competitor", "Acme", 1, 6), item(6, "need", None, 9, 8)]
    found = rollup(items, start=NOW - timedelta(days=7), end=NOW)
    assert found.total == 5 and found.by_kind == (("competitor", 3), ("need", 1), ("market", 1))
    assert found.by_competitor == (("acme", 2), ("Bolt", 2))  # spellings of one name counted together
    assert [i.id for i in found.top] == [3, 1, 2]  # most reactions first, older first on a tie; 8 days ago is out
    assert rollup([], start=NOW - timedelta(days=7), end=NOW).top == ()
