"""Shared fixtures: real databases (SQLite always, PostgreSQL when TEST_DATABASE_URL is set), a clock."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import create_engine, text

CI_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _postgres_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL") or (CI_POSTGRES if os.environ.get("CI") == "true" else None)
    if url and url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """A fresh, empty database: a SQLite file, or a private schema in PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/salescoach.db"
        return
    base = _postgres_url()
    if base is None:
        pytest.skip("set TEST_DATABASE_URL to run against PostgreSQL")
    schema = "t_" + uuid.uuid4().hex[:12]
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # CI must run these, so unreachable PostgreSQL fails there
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL at {base} is unreachable under CI: {exc}")
        pytest.skip(f"PostgreSQL unreachable: {exc}")
    sep = "&" if "?" in base else "?"
    yield f"{base}{sep}options=-csearch_path%3D{schema}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


class Clock:
    """An injected clock that tests move by hand; nothing sleeps."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 11, 23, 0, 30, tzinfo=UTC))


TEAM_TZS = ["Asia/Kuala_Lumpur", "Asia/Shanghai", "Europe/Vilnius", "Asia/Tehran", "America/Los_Angeles",
            "Pacific/Auckland", "Europe/London", "Asia/Kuala_Lumpur"]
TEAM_LOCALES = ["ms-MY", "zh-CN", "lt-LT", "fa-IR", "en-US", "en-US", "en-GB", "en-US"]


def seed_team(session, *, team: str = "Hunters", reps: int = 6, slack_ids: bool = True) -> dict[str, int]:
    """A manager (UMGR) and `reps` reps (UREP0..) across time zones; returns person ids by slack id."""
    from storage.models import Person, Team

    row = Team(name=team, locale="en")
    session.add(row)
    session.flush()
    manager = Person(email="maria@example.com", name="Maria Manager", team_id=row.id, role="manager",
                     slack_id="UMGR" if slack_ids else None, tz="Europe/Vilnius", locale="en-US", active=True)
    session.add(manager)
    session.flush()
    ids = {"UMGR": manager.id}
    for i in range(reps):
        rep = Person(email=f"rep{i}@example.com", name=f"Rep {i}", team_id=row.id, manager_id=manager.id,
                     role="rep", slack_id=f"UREP{i}" if slack_ids else None, tz=TEAM_TZS[i % len(TEAM_TZS)],
                     locale=TEAM_LOCALES[i % len(TEAM_LOCALES)], active=True)
        session.add(rep)
        session.flush()
        ids[f"UREP{i}"] = rep.id
    return ids
