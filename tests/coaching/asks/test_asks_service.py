"""Asks for help over a fake store: the note's length, three open asks, only the deal's owner asks and only the
rep's manager answers, one answer each, and the digest's counts (median hours, "–" when none is answered)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from coaching.access import NotAllowed
from coaching.asks.service import MAX_NOTE, Ask, AskError, answer_ask, ask_for_help, counts

REP, MANAGER, OTHER = 1, 9, 8
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


class FakeAskStore:
    def __init__(self) -> None:
        self.managers = {REP: MANAGER, OTHER: MANAGER}
        self.owners = {100: REP, 200: OTHER}
        self.asks: dict[int, Ask] = {}
        self.origins: dict[str, int] = {}

    def manager_of(self, person_id):
        return self.managers.get(person_id)

    def deal_owner(self, deal_id):
        return self.owners.get(deal_id)

    def open_asks(self, *, rep_id):
        return [a for a in self.asks.values() if a.rep_id == rep_id and a.open]

    def ask(self, ask_id):
        return self.asks.get(ask_id)

    def asked(self, origin):
        return self.asks.get(self.origins.get(origin, 0))

    def add_ask(self, *, rep_id, manager_id, deal_id, note, now, origin):
        ask = Ask(len(self.asks) + 1, rep_id, manager_id, deal_id, note, now)
        self.asks[ask.id], self.origins[origin] = ask, ask.id
        return ask

    def answer_ask(self, *, ask_id, answer, now):
        ask = self.asks[ask_id]
        if answer in ask.answers:
            return None
        self.asks[ask_id] = replace(ask, answers=(*ask.answers, answer), answered_at=ask.answered_at or now)
        return self.asks[ask_id]


def test_a_note_over_the_limit_and_a_fourth_open_ask_are_refused_and_a_retried_modal_adds_nothing():
    store = FakeAskStore()
    with pytest.raises(AskError) as refused:
        ask_for_help(store, rep_id=REP, deal_id=100, note="x" * (MAX_NOTE + 1), now=NOW, origin="v0")
    assert refused.value.reason == "note_too_long" and not store.asks
    first = ask_for_help(store, rep_id=REP, deal_id=100, note=" call them ", now=NOW, origin="v1")
    assert first.note == "call them" and first.manager_id == MANAGER
    assert ask_for_help(store, rep_id=REP, deal_id=100, note="again", now=NOW, origin="v1") == first  # a retry
    for n in (2, 3):
        ask_for_help(store, rep_id=REP, deal_id=100, note="", now=NOW, origin=f"v{n}")
    with pytest.raises(AskError) as refused:
        ask_for_help(store, rep_id=REP, deal_id=100, note="", now=NOW, origin="v4")
    assert refused.value.reason == "too_many" and len(store.asks) == 3
    answer_ask(store, ask_id=first.id, manager_id=MANAGER, answer="join", now=NOW)
    assert ask_for_help(store, rep_id=REP, deal_id=100, note="", now=NOW, origin="v5").id == 4  # one was answered


def test_only_the_owner_asks_only_their_manager_answers_and_each_answer_is_given_once():
    store = FakeAskStore()
    with pytest.raises(AskError) as refused:
        ask_for_help(store, rep_id=REP, deal_id=200, note="", now=NOW, origin="v1")
    assert refused.value.reason == "not_your_deal"
    del store.managers[REP]
    with pytest.raises(AskError) as refused:
        ask_for_help(store, rep_id=REP, deal_id=100, note="", now=NOW, origin="v1")
    assert refused.value.reason == "no_manager"
    store.managers[REP] = MANAGER
    ask = ask_for_help(store, rep_id=REP, deal_id=100, note="", now=NOW, origin="v1")
    with pytest.raises(NotAllowed):
        answer_ask(store, ask_id=ask.id, manager_id=OTHER, answer="reply", now=NOW)
    later = NOW + timedelta(hours=2)
    assert answer_ask(store, ask_id=ask.id, manager_id=MANAGER, answer="agenda", now=later).answered_at == later
    with pytest.raises(AskError) as refused:
        answer_ask(store, ask_id=ask.id, manager_id=MANAGER, answer="agenda", now=later + timedelta(hours=1))
    assert refused.value.reason == "answered"
    done = answer_ask(store, ask_id=ask.id, manager_id=MANAGER, answer="reply", now=later + timedelta(hours=1))
    assert (done.answers, done.answer, done.answered_at) == (("agenda", "reply"), "agenda", later)


def test_counts_are_the_asks_made_in_the_window_the_answered_ones_and_their_median_hours():
    def made(hours_ago: float, answered_after: float | None) -> Ask:
        at = NOW - timedelta(hours=hours_ago)
        done = at + timedelta(hours=answered_after) if answered_after is not None else None
        return Ask(1, REP, MANAGER, 100, "", at, ("reply",) if done else (), done)

    week = (NOW - timedelta(days=7), NOW)
    asks = [made(10, 1), made(20, 3), made(30, 8), made(40, None), made(24 * 8, 0.5)]  # the last one is older
    found = counts(asks, start=week[0], end=week[1])
    assert (found.asked, found.answered, found.median_hours) == (4, 3, 3.0)
    none_answered = counts([made(10, None)], start=week[0], end=week[1])
    assert (none_answered.asked, none_answered.answered, none_answered.median_hours) == (1, 0, None)
