"""The only room that knows SQL: models, sessions, migrations, repositories, file imports and the outbox."""
