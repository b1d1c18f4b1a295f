"""Workspace installs and OAuth states: slack_sdk's SQLAlchemy stores on our engine, with tokens sealed at rest
(Fernet) and states that expire by our clock. The tables are created by migration 0011 and live in Base.metadata.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.sqlalchemy_utils import normalize_datetime_for_db
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Engine, MetaData, Table, Text, and_, delete, select
from sqlalchemy.types import TypeDecorator

from storage.models import Base

if TYPE_CHECKING:  # cryptography (about 7 MiB) is imported when tokens are sealed: with OAuth, not by every process
    from cryptography.fernet import MultiFernet

log = logging.getLogger(__name__)

TOKEN_COLUMNS = ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token")


def cipher(keys: Sequence[str]) -> MultiFernet:
    """Fernet keys, newest first: the first seals, any of them opens (so keys can be rotated)."""
    from cryptography.fernet import Fernet, MultiFernet

    return MultiFernet([Fernet(key.encode()) for key in keys])


class Sealed(TypeDecorator[str]):
    """A token column: ciphertext in the table, the token in Python. Without a cipher it only describes the schema."""

    impl = Text
    cache_ok = True

    def __init__(self, fernet: MultiFernet | None = None) -> None:
        super().__init__()
        self.fernet = fernet

    def process_bind_param(self, value: str | None, dialect: Any) -> str | None:
        if value is None:
            return None
        if self.fernet is None:
            raise ValueError("no SALESCOACH_ENCRYPTION_KEY: refusing to store a Slack token in clear text")
        return self.fernet.encrypt(value.encode()).decode()

    def process_result_value(self, value: str | None, dialect: Any) -> str | None:
        if value is None:
            return None
        if self.fernet is None:
            raise ValueError("no SALESCOACH_ENCRYPTION_KEY: cannot read sealed Slack tokens")
        from cryptography.fernet import InvalidToken

        try:
            return self.fernet.decrypt(value.encode()).decode()
        except InvalidToken:
            raise ValueError("a Slack token in the database does not open with SALESCOACH_ENCRYPTION_KEY "
                             "(was the key changed? keep the old key after the new one, comma-separated)") from None


def _seal(tables: Sequence[Table], fernet: MultiFernet | None) -> None:
    for table in tables:
        for name in TOKEN_COLUMNS:
            if name in table.c:
                table.c[name].type = Sealed(fernet)


def oauth_tables(metadata: MetaData) -> tuple[Table, Table, Table]:
    """slack_bots, slack_installations and slack_oauth_states as slack_sdk defines them, token columns sealed."""
    bots = SQLAlchemyInstallationStore.build_bots_table(metadata, SQLAlchemyInstallationStore.default_bots_table_name)
    installations = SQLAlchemyInstallationStore.build_installations_table(
        metadata, SQLAlchemyInstallationStore.default_installations_table_name)
    states = SQLAlchemyOAuthStateStore.build_oauth_states_table(metadata, SQLAlchemyOAuthStateStore.default_table_name)
    _seal((bots, installations), None)
    return bots, installations, states


oauth_tables(Base.metadata)  # so Alembic's model/migration comparison and autogenerate know these tables


class SealedInstallationStore(SQLAlchemyInstallationStore):
    """slack_sdk's store, unchanged, except that bot, user and refresh tokens are Fernet ciphertext in the table
    (sealed with the first of `keys`, opened with any of them)."""

    def __init__(self, *, client_id: str, engine: Engine, keys: Sequence[str]) -> None:
        super().__init__(client_id=client_id, engine=engine)
        _seal((self.bots, self.installations), cipher(keys))

    def first_workspace(self) -> tuple[str | None, str | None] | None:
        """(workspace, Grid org) of the app's first install, if any: the default workspace for the roster."""
        c = self.bots.c
        with self.engine.connect() as conn:
            row = conn.execute(select(c.team_id, c.enterprise_id).where(c.client_id == self.client_id)
                               .order_by(c.installed_at, c.id).limit(1)).first()
        return (row[0], row[1]) if row else None


class ClockedOAuthStateStore(SQLAlchemyOAuthStateStore):
    """slack_sdk's state table, with time from our clock and a state consumed at most once, even by two racing
    callbacks (one DELETE decides, where slack_sdk selects first and then deletes)."""

    def __init__(self, *, engine: Engine, clock: Callable[[], datetime], expiration_seconds: int = 600) -> None:
        super().__init__(expiration_seconds=expiration_seconds, engine=engine)
        self.clock = clock

    def _now(self, at: datetime | None = None) -> datetime:
        now = normalize_datetime_for_db(at or self.clock())
        assert now is not None
        return now

    def issue(self, *args: Any, **kwargs: Any) -> str:
        state = str(uuid.uuid4())
        expire_at = self._now() + timedelta(seconds=self.expiration_seconds)
        with self.engine.begin() as conn:
            conn.execute(self.oauth_states.insert(), {"state": state, "expire_at": expire_at})
        return state

    def consume(self, state: str) -> bool:
        c = self.oauth_states.c
        with self.engine.begin() as conn:
            gone = conn.execute(delete(self.oauth_states).where(and_(c.state == state, c.expire_at > self._now())))
        if gone.rowcount != 1:
            log.info("OAuth state refused: unknown, already used or expired")
        return gone.rowcount == 1

    def delete_expired(self, now: datetime) -> int:
        """Remove states that expired by `now`; returns how many."""
        with self.engine.begin() as conn:
            gone = conn.execute(delete(self.oauth_states).where(self.oauth_states.c.expire_at <= self._now(now)))
        return int(gone.rowcount)
