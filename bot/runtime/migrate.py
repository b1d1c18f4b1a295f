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
    """Apply the migrations (storage.db.upgrade) in a child interpreter; MigrationFailed when it did not finish
    (the child has said why in one line, or with its traceback under LOG_LEVEL=DEBUG)."""
    done = subprocess.run([sys.executable, "-m", "bot.runtime.migrate"], input=database_url, text=True, check=False)
    if done.returncode != 0:
        raise MigrationFailed(f"the database migration at start-up did not finish (exit {done.returncode})")


def main() -> int:
    from storage.db import make_engine, upgrade

    engine = make_engine(sys.stdin.read())
    try:
        upgrade(engine)
    except Exception as exc:
        from bot.settings import debug_requested

        if debug_requested():
            raise
        first = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else ""
        print(f"salescoach: the database migration at start-up failed ({type(exc).__name__}: {first}); "
              "LOG_LEVEL=DEBUG shows where", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
