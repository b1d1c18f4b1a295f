"""Alembic environment: runs against the engine the caller passes in config.attributes."""

from alembic import context

from storage.data_version import MIGRATING
from storage.schema import metadata

config = context.config
engine = config.attributes.get("engine")
if engine is None:  # pragma: no cover - only when someone runs the alembic CLI by hand
    from sqlalchemy import create_engine

    engine = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite:///salescoach.db")

with engine.connect() as connection:
    connection.info[MIGRATING] = True  # no data version to bump before the schema has one
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    try:
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()
    finally:
        connection.info.pop(MIGRATING, None)  # the pooled connection serves the application next
