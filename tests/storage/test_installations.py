"""Workspace installs and OAuth states on SQLite and PostgreSQL: tokens are ciphertext at rest, states expire by the
injected clock and are consumed once."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.fernet import Fernet
from slack_sdk.oauth.installation_store import Installation
from sqlalchemy import text

from storage.db import make_engine
from storage.installations import ClockedOAuthStateStore, SealedInstallationStore

CLIENT_ID = "1111.2222"
BOT_TOKEN = "xoxb-T0AAAA-bot-token-1234567890"
USER_TOKEN = "xoxp-T0AAAA-user-token-1234567890"
REFRESH_TOKEN = "xoxe-1-refresh-token-" + "r" * 120  # rotating refresh tokens are long: ciphertext is longer still


@pytest.fixture
def engine(migrated_database_url):
    engine = make_engine(migrated_database_url)
    yield engine
    engine.dispose()


def installation(team_id: str = "T0AAAA", bot_token: str = BOT_TOKEN) -> Installation:
    return Installation(app_id="A0DOUBLE01", team_id=team_id, team_name="Acme", bot_token=bot_token,
                        bot_id="B0AAAA", bot_user_id="U0AAAABOT", bot_scopes="chat:write,commands",
                        bot_refresh_token=REFRESH_TOKEN, user_id="UMGR", user_token=USER_TOKEN,
                        user_scopes="search:read")


def raw_rows(engine, table: str) -> list[str]:
    with engine.connect() as conn:
        return [" ".join(str(v) for v in row) for row in conn.execute(text(f"SELECT * FROM {table}"))]


def test_the_table_holds_ciphertext_and_the_store_gives_back_the_tokens(engine):
    store = SealedInstallationStore(client_id=CLIENT_ID, engine=engine, keys=[Fernet.generate_key().decode()])
    store.save(installation())

    stored = raw_rows(engine, "slack_bots") + raw_rows(engine, "slack_installations")
    assert len(stored) == 2 and all("T0AAAA" in row for row in stored)
    for secret in (BOT_TOKEN, USER_TOKEN, REFRESH_TOKEN, "xoxb-", "xoxp-", "xoxe-"):
        assert not any(secret in row for row in stored)
    bot = store.find_bot(enterprise_id=None, team_id="T0AAAA")
    assert bot is not None and (bot.bot_token, bot.bot_refresh_token) == (BOT_TOKEN, REFRESH_TOKEN)
    found = store.find_installation(enterprise_id=None, team_id="T0AAAA")
    assert found is not None and (found.bot_token, found.user_token) == (BOT_TOKEN, USER_TOKEN)
    assert store.find_bot(enterprise_id=None, team_id="T0OTHER") is None


def test_a_rotated_key_still_opens_old_tokens_and_a_wrong_key_opens_nothing(engine):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    SealedInstallationStore(client_id=CLIENT_ID, engine=engine, keys=[old]).save(installation())

    rotated = SealedInstallationStore(client_id=CLIENT_ID, engine=engine, keys=[new, old])
    bot = rotated.find_bot(enterprise_id=None, team_id="T0AAAA")
    assert bot is not None and bot.bot_token == BOT_TOKEN

    wrong = SealedInstallationStore(client_id=CLIENT_ID, engine=engine, keys=[new])
    with pytest.raises(ValueError, match="does not open with SALESCOACH_ENCRYPTION_KEY"):
        wrong.find_bot(enterprise_id=None, team_id="T0AAAA")


def test_a_state_is_consumed_once_and_refused_once_it_expired(engine):
    now = [datetime(2026, 11, 23, 9, 0, tzinfo=UTC)]
    states = ClockedOAuthStateStore(engine=engine, clock=lambda: now[0], expiration_seconds=600)

    state = states.issue()
    assert states.consume(state) is True
    assert states.consume(state) is False  # a replay
    assert states.consume("never-issued") is False

    late = states.issue()
    now[0] += timedelta(seconds=599)
    fresh = states.issue()
    now[0] += timedelta(seconds=2)
    assert states.consume(late) is False
    assert states.consume(fresh) is True


def test_two_racing_callbacks_consume_a_state_only_once(engine):
    states = ClockedOAuthStateStore(engine=engine, clock=lambda: datetime.now(UTC))
    state = states.issue()
    results: list[bool] = []
    start = threading.Barrier(4)

    def consume() -> None:
        start.wait()
        results.append(states.consume(state))

    threads = [threading.Thread(target=consume) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert sorted(results) == [False, False, False, True]


def test_deleting_expired_states_keeps_the_live_ones(engine):
    now = [datetime(2026, 11, 23, 9, 0, tzinfo=UTC)]
    states = ClockedOAuthStateStore(engine=engine, clock=lambda: now[0], expiration_seconds=600)
    abandoned = [states.issue(), states.issue()]
    now[0] += timedelta(minutes=9)
    live = states.issue()

    assert states.delete_expired(now[0] + timedelta(minutes=1)) == 2
    assert states.delete_expired(now[0] + timedelta(minutes=1)) == 0
    assert not any(states.consume(s) for s in abandoned)
    assert states.consume(live) is True
