"""Starting the bot loads no chart or spreadsheet library: matplotlib, numpy, PIL, openpyxl and python-calamine
(about 50 MiB of an idle `serve`) are imported by the functions that draw a chart or write or read a workbook."""

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import eventually
from test_serve_process import _env, _free_port, _health

from bot.runtime.jobs import JOBS

ROOT = Path(__file__).resolve().parents[3]
HEAVY = ("matplotlib", "numpy", "PIL", "openpyxl", "python_calamine")
LOADED = "import json, sys; print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & {heavy})))"


def loaded_after(code: str, libraries: tuple[str, ...] = HEAVY) -> list[str]:
    """Which of `libraries` are in sys.modules of a fresh interpreter after `code` ran."""
    done = subprocess.run([sys.executable, "-c", code + "\n" + LOADED.format(heavy=set(libraries))], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


# what `salescoach serve` imports before it answers: the CLI (its parser imports the feature commands), the bolt app,
# the HTTP server, the leader election, the scheduler's jobs, the delivery worker, and the start-up migration's
# launcher (migrations run in a child at start-up, bot.runtime.migrate)
SERVE_IMPORTS = ("import bot.cli.main, bot.cli.commands, bot.app, bot.runtime.server, bot.runtime.leader, "
                 "bot.runtime.jobs, bot.runtime.delivery, bot.runtime.migrate, bot.bootstrap\nbot.cli.main._parser()")
KEPT_OUT_OF_SERVE = ("alembic", "mako", "cryptography")


@pytest.fixture(scope="module")
def loaded_by_serve() -> set[str]:
    """Which of the heavy libraries and of alembic, Mako and cryptography one fresh interpreter holds after
    importing what serve imports (one interpreter answers for both lists)."""
    return set(loaded_after(SERVE_IMPORTS, HEAVY + KEPT_OUT_OF_SERVE))


def test_importing_the_app_and_what_serve_runs_loads_none_of_them(loaded_by_serve):
    assert sorted(loaded_by_serve & set(HEAVY)) == []


def test_what_serve_imports_keeps_out_alembic_mako_and_cryptography_too(loaded_by_serve):
    # tokens are sealed with cryptography only with OAuth
    assert sorted(loaded_by_serve & set(KEPT_OUT_OF_SERVE)) == []


def test_importing_every_module_of_the_project_loads_none_of_them():
    # the scheduler's jobs and the listeners import their feature modules inside functions: none of those may
    # pull a heavy library in at import either, only the function that draws or reads and writes a workbook
    code = """
import importlib, pkgutil
count = 0
for room in ("bot", "coaching", "surveys", "storage"):
    for info in pkgutil.walk_packages(importlib.import_module(room).__path__, room + "."):
        if ".migrations" not in info.name and not info.name.endswith("__main__"):
            importlib.import_module(info.name)
            count += 1
assert count > 150, count
"""
    assert loaded_after(code) == []


def test_the_loaded_check_sees_a_heavy_import():
    assert "openpyxl" in loaded_after("from bot.workbook_cells import widths\nfrom openpyxl import Workbook\n"
                                      "widths(Workbook().active, [10])")


def _mapped_heavy(pid: int) -> set[str]:
    """Which of the heavy libraries have a file of theirs mapped into the process (their compiled extensions; openpyxl
    has none of its own, but imports numpy and PIL when they are installed)."""
    homes = {name: [str(Path(p)) + "/" for p in spec.submodule_search_locations or ()]
             for name in HEAVY if (spec := importlib.util.find_spec(name)) is not None}
    mapped = set()
    for line in Path(f"/proc/{pid}/maps").read_text().splitlines():
        path = line.split(maxsplit=5)[5] if len(line.split(maxsplit=5)) == 6 else ""
        mapped |= {name for name, dirs in homes.items() if any(path.startswith(d) for d in dirs)}
        if re.search(r"/(numpy|pillow)\.libs/", path):  # the wheels' bundled libraries
            mapped.add("numpy" if "/numpy.libs/" in path else "PIL")
    return mapped


def test_a_serving_process_with_its_scheduler_maps_none_of_them_after_every_job_ran(tmp_path, slack):
    port = _free_port()
    log_path = tmp_path / "serve.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "serve", "--http", "--host", "127.0.0.1", "--port", str(port)],
            cwd=tmp_path, env=_env(tmp_path, slack), stdout=log, stderr=subprocess.STDOUT)
    try:
        assert eventually(lambda: process.poll() is not None or _health(f"http://127.0.0.1:{port}/healthz"),
                          timeout=30), log_path.read_text()
        assert process.poll() is None, log_path.read_text()
        # a new leader runs every job once at start (bot.runtime.jobs.make_scheduler(run_now=True))
        ran = eventually(lambda: all(f"job {name} at " in log_path.read_text() for name in JOBS), timeout=60)
        assert ran, log_path.read_text()
        assert _mapped_heavy(process.pid) == set()
        assert "Traceback" not in log_path.read_text()
    finally:
        process.kill()
        process.wait(timeout=10)


def test_the_mapped_check_sees_a_heavy_library_in_a_process():
    child = subprocess.Popen([sys.executable, "-c", "import matplotlib.figure, sys; print('ready', flush=True); "
                              "sys.stdin.read()"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        assert {"matplotlib", "numpy", "PIL"} <= _mapped_heavy(child.pid)
    finally:
        child.kill()
        child.wait(timeout=10)
