"""Load: 40 people's signed survey clicks at once over real HTTP (more than the server's and bolt's threads
together), and Slack retrying some of them."""

from collections import Counter
from contextlib import contextmanager

import pytest
from conftest import eventually
from sqlalchemy import func, select, text

from bench._load import add_reps, click_request, fire, open_round
from storage.models import Answer, OutboxMessage, Person, Recipient

pytestmark = pytest.mark.both_databases  # SQLite's one writer, PostgreSQL's two recording threads

PEOPLE, RETRIED = 40, 12  # 40 clicks, Slack retries 12 of them once and 3 of those twice: 55 requests at once


def _recorded(bot, round_id):
    """Each person's recorded eNPS answers (through their respondent token while the round is open)."""
    with bot.services.sessions.begin() as s:
        rows = s.execute(select(Recipient.person_id, Answer.value)
                         .join(Answer, (Answer.round_id == Recipient.round_id)
                               & (Answer.respondent == Recipient.respondent_token))
                         .where(Recipient.round_id == round_id, Answer.question_id == "enps")).all()
    return rows


def _unsent(bot):
    with bot.services.sessions.begin() as s:
        return s.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.sent_at.is_(None)))



@contextmanager
def _answers_held(bot):
    """No answer can be written until the block ends (SQLite: the database's write lock; PostgreSQL: the answers
    table's); what it yields counts the answers recorded so far."""
    with bot.services.sessions.begin() as s:
        if s.get_bind().dialect.name == "postgresql":
            s.execute(text("LOCK TABLE survey_answer IN EXCLUSIVE MODE"))
        else:
            s.execute(text("SELECT 1"))  # the session's BEGIN IMMEDIATE takes SQLite's write lock
        yield lambda: s.scalar(select(func.count()).select_from(Answer))


def _settled(bot):
    refresher = bot.services.home_refresher
    return bot.services.answering.count == 0 and refresher.idle(0) and not _unsent(bot)


def test_concurrent_clicks_and_retries_are_acked_before_any_work_and_recorded_once(running_bot):
    bot = running_bot
    users = add_reps(bot.services, bot.slack, team="Hunters", count=PEOPLE)
    round_id = open_round(bot.services, team="Hunters")
    posts = len(bot.slack.calls_to("chat.postMessage"))
    assert posts == PEOPLE + 6  # the seeded team's six reps are asked too
    score = {u: i % 11 for i, u in enumerate(users)}
    clicks = [click_request(bot.slack, u, bot.slack.messages(u)[0], f"survey_answer:enps:{score[u]}") for u in users]
    retries = [click_request(bot.slack, u, bot.slack.messages(u)[0], f"survey_answer:enps:{score[u]}", retry_num=n)
               for n, some in ((1, users[:RETRIED]), (2, users[:RETRIED // 4])) for u in some]

    with _answers_held(bot) as recorded:
        # No answer can be recorded until every request has been answered: an ack that waited on the work
        # would never come (the load process gives up after its timeout and the test fails).
        replies = fire(bot.url, clicks + retries)
        assert recorded() == 0

    assert Counter(r.status for r in replies) == {200: len(clicks) + len(retries)}
    assert eventually(lambda: _settled(bot), timeout=120)
    with bot.services.sessions.begin() as s:
        ids = dict(s.execute(select(Person.slack_id, Person.id).where(Person.slack_id.in_(users))).all())
        assert s.scalar(select(func.count()).select_from(Answer)) == PEOPLE
    assert sorted(_recorded(bot, round_id)) == sorted((ids[u], score[u]) for u in users)
    edited = Counter(c.params["channel"] for c in bot.slack.calls_to("chat.update"))
    assert len(edited) == PEOPLE and set(edited.values()) == {1}  # one edit per person, retries edit nothing
    assert len(bot.slack.calls_to("chat.postMessage")) == posts  # and post nothing
    published = Counter(c.params["user_id"] for c in bot.slack.calls_to("views.publish"))
    assert set(published) == set(users) and set(published.values()) == {1}  # one App Home refresh per person
