"""What an admin deploys with: the licence, .env.example, the pinned versions CI installs, a Dockerfile that lints
clean and a compose file with PostgreSQL, and the package as built (a wheel) running outside the source tree."""

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml
from dotenv import dotenv_values

from bot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SETTING = re.compile(r'"((?:SLACK|SALESCOACH)_[A-Z_]+|DATABASE_URL|LOG_LEVEL)"')


def test_ci_runs_exactly_the_readme_test_command_with_the_pinned_versions():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = next(line for line in readme.splitlines() if "pytest" in line and line.startswith("python3 -m venv"))
    assert "-c constraints.txt" in command
    assert command in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()


def test_constraints_pin_every_dependency_the_project_names():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pinned = {line.split("==")[0].lower().replace("_", "-")
              for line in (ROOT / "constraints.txt").read_text().splitlines() if "==" in line}
    wanted = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    names = {re.split(r"[\[<>=!~ ]", spec, maxsplit=1)[0].lower().replace("_", "-") for spec in wanted}
    assert names - pinned == set()


def test_env_example_lists_every_setting_and_loads_as_the_defaults(tmp_path):
    read = {name for path in (ROOT / "bot").glob("settings*.py") for name in SETTING.findall(path.read_text())}
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    assert {name for name in read if name not in example} == set()
    values = {k: v for k, v in dotenv_values(ROOT / ".env.example").items() if v is not None}
    settings = Settings.from_env(values)
    assert settings == Settings(database_url=settings.database_url)


def test_the_licence_is_the_mit_licence_pyproject_names():
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")
    assert tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["license"] == {"text": "MIT"}


def test_the_dockerfile_lints_clean_runs_as_a_user_and_checks_health():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.\d+-slim$", dockerfile, re.M)
    assert re.search(r"^USER \d+$", dockerfile, re.M) and "/healthz" in dockerfile
    assert "-c constraints.txt" in dockerfile
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    done = subprocess.run([hadolint, str(ROOT / "Dockerfile")], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_compose_runs_salescoach_on_postgresql_once_it_is_healthy():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())["services"]
    assert compose["db"]["image"].startswith("postgres:") and "healthcheck" in compose["db"]
    app = compose["salescoach"]
    assert app["depends_on"]["db"]["condition"] == "service_healthy"
    assert app["environment"]["DATABASE_URL"].startswith("postgresql://salescoach:")


def test_the_built_wheel_installs_migrates_and_checks_outside_the_source_tree(installed, tmp_path):
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{tmp_path}/s.db", "HOME": str(tmp_path)}
    where = subprocess.run([str(installed.parent / "python"), "-c", "import bot; print(bot.__file__)"], cwd=tmp_path,
                           env=env, capture_output=True, text=True, check=True).stdout
    assert str(installed.parent.parent) in where and str(ROOT) not in where
    for command, status in ((["--version"], 0), (["db", "upgrade"], 0), (["check", "--offline"], 1)):
        done = subprocess.run([str(installed), *command], cwd=tmp_path, env=env, capture_output=True, text=True)
        assert done.returncode == status and "Traceback" not in done.stderr, (command, done.stderr)
    assert "ok   database" in done.stdout and "fail SLACK_BOT_TOKEN" in done.stdout
    assert "ok   fonts: charts draw Chinese, Persian and Lithuanian with Noto Sans CJK SC" in done.stdout
