"""The README's promise on databases: storage tests run on both, bot tests on PostgreSQL only where marked."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FILES = ["tests/storage/test_outbox.py", "tests/bot/surveys/test_pulse_command.py",
         "tests/bot/surveys/test_click_order.py"]


def _collected(**env: str) -> list[str]:
    done = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-o", "addopts=", *FILES],
                          cwd=ROOT, capture_output=True, text=True, check=True,
                          env={"PATH": "/usr/bin:/bin", "TEST_DATABASE_URL": "postgresql://127.0.0.1:1/none", **env})
    return [line for line in done.stdout.splitlines() if "::" in line]


def test_storage_and_marked_bot_tests_run_on_postgresql_and_the_rest_of_the_bot_tests_on_sqlite():
    on = {path: {line.split("[")[-1] for line in _collected() if line.startswith(path)} for path in FILES}
    assert any("postgresql" in ids for ids in on[FILES[0]])  # storage
    assert not any("postgresql" in ids for ids in on[FILES[1]]) and any("sqlite" in ids for ids in on[FILES[1]])
    assert any("postgresql" in ids for ids in on[FILES[2]])  # marked both_databases


def test_test_all_databases_puts_every_bot_test_on_postgresql_too():
    assert any("postgresql" in line for line in _collected(TEST_ALL_DATABASES="1") if line.startswith(FILES[1]))
