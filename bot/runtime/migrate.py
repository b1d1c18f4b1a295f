"""`serve`'s start-up migration in a short-lived interpreter of its own: alembic, Mako and the migration scripts
(about 10 MiB) leave with it instead of staying in the long-running process once the schema is at head.

The database URL reaches the child on stdin, never on its command line (which `ps` shows); the child writes to serve's
own stdout and stderr.
"""

from __future__ import annotations

import subprocess
import sys


class MigrationFailed(Exception):
    """The child could not bring the schema to head; its error is in serve's output above this line."""


def upgrade_in_child(database_url: str) -> None:
    """Apply the migrations (storage.db.upgrade) in a child interpreter; MigrationFailed when it did not finish."""
    done = subprocess.run([sys.executable, "-m", "bot.runtime.migrate"], input=database_url, text=True, check=False)
    if done.returncode != 0:
        raise MigrationFailed(f"the database migration at start-up did not finish (exit {done.returncode}); "
                              "its error is above")


def main() -> int:
    from storage.db import make_engine, upgrade

    engine = make_engine(sys.stdin.read())
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
