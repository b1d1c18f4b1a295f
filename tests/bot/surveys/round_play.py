"""A pulse round played through Slack for the anonymity tests: clicks over signed HTTP at injected times, then
the close; and a whole-database dump in physical order, as whoever holds a backup would read it."""

from __future__ import annotations

import io
import logging
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from conftest import RESULTS_WAIT, bot_on, eventually  # noqa: F401  (bot_on: for the tests that start their own bot)
from sqlalchemy import MetaData, create_engine, func, select, text

from storage.models import Answer, Recipient

MONDAY = datetime(2026, 11, 30, 0, 0, tzinfo=UTC)
OPENED = MONDAY + timedelta(hours=18)


@contextmanager
def captured_logs(bot=None):
    """Everything the process logs at DEBUG, as an operator's log file would hold it (without times), through
    the redaction `serve` installs (bot.runtime.log_privacy)."""
    from bot.runtime.log_privacy import install, secrets_of

    if bot is not None:
        install(secrets_of(bot.services.settings))
    buffer, root = io.StringIO(), logging.getLogger()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield buffer
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def open_round(bot) -> int:
    from surveys import service

    bot.clock.now = MONDAY
    with bot.services.unit() as u:
        survey_id = service.create_survey(u.surveys, team="Hunters", question_ids=["enps", "manager"],
                                          cadence="weekly", weekday="mon", send_time="09:00", now=MONDAY)
    bot.clock.now = OPENED
    bot.job("open_rounds")
    bot.deliver()
    return survey_id


def _answers(bot) -> int:
    with bot.services.sessions.begin() as s:
        return int(s.scalar(select(func.count()).select_from(Answer)) or 0)


def click(bot, user: str, value: str, at: datetime, expect_answers: int | None = None):
    """One click in the rep's survey DM at the injected time `at`; waits until it is recorded and delivered."""
    bot.clock.now = at
    dm = bot.slack.messages(user)[0]
    edits = len(bot.slack.calls_to("chat.update"))
    reply = bot.actor.click(None, user, dm, f"survey_answer:{value}")
    assert reply.status == 200
    if expect_answers is not None:
        assert eventually(lambda: _answers(bot) == expect_answers)
    assert eventually(lambda: len(bot.slack.calls_to("chat.update")) > edits)
    assert eventually(lambda: bot.services.answering.count == 0)
    assert bot.services.home_refresher.idle(30)  # the App Home refresh, at this click's time, before the next one
    bot.deliver()
    return reply


def play(bot, answers: dict[str, tuple[int, int]], order: list[str]) -> list[datetime]:
    """Each rep in `order` clicks eNPS then the manager question, each click at its own minute; returns when."""
    times, count = [], 0
    for n, user in enumerate(order):
        enps, manager = answers[user]
        for k, value in enumerate((f"enps:{enps}", f"manager:{manager}")):
            at = OPENED + timedelta(minutes=10 + 2 * n + k)
            count += 1
            click(bot, user, value, at, expect_answers=count)
            times.append(at)
    return times


def tokens(bot) -> dict[str, str]:
    """Each rep's respondent token while the round is open (what a dump taken then would link)."""
    from storage.models import Person

    with bot.services.sessions.begin() as s:
        rows = s.execute(select(Person.slack_id, Recipient.respondent_token)
                         .join(Recipient, Recipient.person_id == Person.id)).all()
    return {slack_id: token for slack_id, token in rows if token}


def _pending(bot) -> int:
    from storage.models import OutboxMessage

    with bot.services.sessions.begin() as s:
        return int(s.scalar(select(func.count()).select_from(OutboxMessage)
                            .where(OutboxMessage.status == "pending")) or 0)


def close(bot, survey_id: int) -> None:
    """Days later, when every edit and App Home refresh has long been delivered, the round closes."""
    bot.deliver()
    assert eventually(lambda: _pending(bot) == 0)
    bot.clock.now = MONDAY + timedelta(days=5)
    assert bot.job("close_rounds").startswith("closed 1 round(s)")
    bot.deliver(within=RESULTS_WAIT)


def dump(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, every column, in the order the database hands them out without ORDER BY
    (physical order: what pg_dump or a plain SELECT shows)."""
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        metadata = MetaData()
        metadata.reflect(engine)
        out = {}
        with engine.connect() as conn:
            for name in sorted(metadata.tables):
                if name == "alembic_version":
                    continue
                out[name] = [tuple(row) for row in conn.execute(text(f'SELECT * FROM "{name}"'))]
        return out
    finally:
        engine.dispose()


def xmins(url: str, table: str) -> set[str]:
    """PostgreSQL only: the transaction ids that wrote each live row (a dump reader can select them)."""
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as conn:
            return {str(x) for x in conn.execute(text(f'SELECT xmin FROM "{table}"')).scalars()}
    finally:
        engine.dispose()
