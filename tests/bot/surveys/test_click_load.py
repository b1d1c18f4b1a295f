"""Load: 200 people's signed survey clicks at once over real HTTP, and Slack retrying some of them."""

from collections import Counter

from conftest import eventually
from sqlalchemy import func, select

from bench._load import add_reps, click_request, fire, open_round
from storage.models import Answer, OutboxMessage, Person, Recipient

PEOPLE, RETRIED = 200, 40  # 200 clicks, Slack retries 40 of them once and 10 of those twice: 250 requests at once
SLACK_ACK_LIMIT_MS = 3000


def _recorded(bot, round_id):
    """Each person's recorded eNPS answers (through their respondent token while the round is open)."""
    with bot.services.sessions.begin() as s:
        rows = s.execute(select(Recipient.person_id, Answer.value)
                         .join(Answer, (Answer.round_id == Recipient.round_id)
                               & (Answer.respondent == Recipient.respondent_token))
                         .where(Recipient.round_id == round_id, Answer.question_id == "enps")).all()
    return rows


def _count_handled_clicks(bot, monkeypatch):
    """The outbox keys each handled click sent: a click's work ends with one drain of its keys."""
    handled, drain = [], bot.services.delivery.drain

    def counting(*args, **kwargs):
        try:
            return drain(*args, **kwargs)
        finally:
            handled.append(kwargs.get("keys"))

    monkeypatch.setattr(bot.services.delivery, "drain", counting)
    return handled


def _unsent(bot):
    with bot.services.sessions.begin() as s:
        return s.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.sent_at.is_(None)))


def test_200_concurrent_clicks_and_retries_are_acked_within_three_seconds_and_recorded_once(running_bot,
                                                                                           monkeypatch):
    bot = running_bot
    users = add_reps(bot.services, bot.slack, team="Hunters", count=PEOPLE)
    round_id = open_round(bot.services, team="Hunters")
    handled = _count_handled_clicks(bot, monkeypatch)
    posts = len(bot.slack.calls_to("chat.postMessage"))
    assert posts == PEOPLE + 6  # the seeded team's six reps are asked too
    score = {u: i % 11 for i, u in enumerate(users)}
    clicks = [click_request(bot.slack, u, bot.slack.messages(u)[0], f"survey_answer:enps:{score[u]}") for u in users]
    retries = [click_request(bot.slack, u, bot.slack.messages(u)[0], f"survey_answer:enps:{score[u]}", retry_num=n)
               for n, some in ((1, users[:RETRIED]), (2, users[:RETRIED // 4])) for u in some]

    replies = fire(bot.url, clicks + retries)

    assert Counter(r.status for r in replies) == {200: len(clicks) + len(retries)}
    slowest = max(r.ms for r in replies)
    assert slowest < SLACK_ACK_LIMIT_MS, f"the slowest ack took {slowest:.0f} ms"
    # the recording runs after the acks; each click ends by sending what it queued (nothing when unchanged)
    assert eventually(lambda: len(handled) == len(replies) and not _unsent(bot), timeout=60)
    assert Counter(bool(keys) for keys in handled) == {True: PEOPLE, False: len(retries)}
    with bot.services.sessions.begin() as s:
        ids = dict(s.execute(select(Person.slack_id, Person.id).where(Person.slack_id.in_(users))).all())
        assert s.scalar(select(func.count()).select_from(Answer)) == PEOPLE
    assert sorted(_recorded(bot, round_id)) == sorted((ids[u], score[u]) for u in users)
    edited = Counter(c.params["channel"] for c in bot.slack.calls_to("chat.update"))
    assert len(edited) == PEOPLE and set(edited.values()) == {1}  # one edit per person, retries edit nothing
    assert len(bot.slack.calls_to("chat.postMessage")) == posts  # and post nothing
    assert len(bot.slack.calls_to("views.publish")) == PEOPLE  # one App Home refresh per person
