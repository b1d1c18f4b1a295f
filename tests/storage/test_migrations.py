"""Migrations: they apply cleanly, twice, and the models match them exactly."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from storage.db import make_engine, upgrade
from storage.schema import metadata


def test_models_and_migrations_agree(database_url):
    engine = make_engine(database_url)
    upgrade(engine)
    upgrade(engine)  # idempotent at every start-up
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    engine.dispose()
    assert diff == []


def test_sqlite_runs_in_wal_mode_with_synchronous_normal(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/wal.db")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
    engine.dispose()


def test_sqlite_zeroes_what_it_deletes_even_where_its_build_does_not_by_default(tmp_path):
    """A closed round's tokens are deleted; secure_delete zeroes their bytes in the file. Debian's SQLite is built
    with it on, others are not: every connection the product opens turns it on itself."""
    import sqlite3

    def built_without_it() -> sqlite3.Connection:
        connection = sqlite3.connect(tmp_path / "zeroed.db", check_same_thread=False)
        connection.execute("PRAGMA secure_delete=OFF")
        return connection

    engine = make_engine(f"sqlite:///{tmp_path}/zeroed.db", creator=built_without_it)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
    engine.dispose()
