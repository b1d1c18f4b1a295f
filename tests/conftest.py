"""Shared fixtures: real databases (SQLite always, PostgreSQL when TEST_DATABASE_URL is set), a clock."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

CI_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


# Test schemas are scratch: their commits need not wait for the disk (the product leaves PostgreSQL's default).
FAST_COMMITS = "%20-csynchronous_commit%3Doff"


def _postgres_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL") or (CI_POSTGRES if os.environ.get("CI") == "true" else None)
    if url and url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


DATABASE_FIXTURES = ("database_url", "migrated_database_url", "module_database_url")
BOT_TESTS = "tests/bot/"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "both_databases: a tests/bot test whose behaviour depends on the database "
                                       "engine, so it runs on PostgreSQL too")


def on_postgresql_too(item: pytest.Item) -> bool:
    """Storage and domain tests run on both databases. Tests of the bot over HTTP run on SQLite, and on PostgreSQL
    too where the engine changes the behaviour (`both_databases`: delivery and leadership across processes,
    concurrent clicks, what a database dump or the logs hold, hostile text, replays, who sees what), or when
    TEST_ALL_DATABASES=1 asks for everything on both."""
    return (not item.nodeid.startswith(BOT_TESTS) or item.get_closest_marker("both_databases") is not None
            or os.environ.get("TEST_ALL_DATABASES") == "1")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    def postgresql_variant(item: pytest.Item) -> bool:
        params = getattr(item, "callspec", None)
        return params is not None and any(params.params.get(name) == "postgresql" for name in DATABASE_FIXTURES)

    left_out = [item for item in items if postgresql_variant(item) and not on_postgresql_too(item)]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        dropped = set(left_out)
        items[:] = [item for item in items if item not in dropped]


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
    yield f"{base}{sep}options=-csearch_path%3D{schema}{FAST_COMMITS}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def _postgres_or_skip(base: str | None, admin) -> None:
    """Skip without PostgreSQL, except under CI, where an unreachable server fails the test."""
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL at {base} is unreachable under CI: {exc}")
        pytest.skip(f"PostgreSQL unreachable: {exc}")


def _schema_url(base: str, schema: str) -> str:
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}{FAST_COMMITS}"


class MigratedSchema:
    """One PostgreSQL schema per worker, migrated once and emptied before each test (children before parents)."""

    def __init__(self, base: str, admin) -> None:
        self.base, self.admin = base, admin
        self.schema = ""
        self.reset_sql = ""

    def create(self) -> None:
        from storage.db import make_engine, upgrade

        self.schema = "m_" + uuid.uuid4().hex[:12]
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{self.schema}"'))
        engine = make_engine(self.url)
        upgrade(engine)
        engine.dispose()
        self.reset_sql = self._reset_sql()

    @property
    def url(self) -> str:
        return _schema_url(self.base, self.schema)

    def _reset_sql(self) -> str:
        from graphlib import TopologicalSorter

        with self.admin.connect() as conn:
            tables = conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = :s "
                                       "AND tablename <> 'alembic_version'"), {"s": self.schema}).scalars().all()
            edges = conn.execute(text(
                "SELECT c.relname, p.relname FROM pg_constraint f JOIN pg_class c ON c.oid = f.conrelid "
                "JOIN pg_class p ON p.oid = f.confrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE f.contype = 'f' AND n.nspname = :s AND c.relname <> p.relname"), {"s": self.schema}).all()
        parents: dict[str, set[str]] = {name: set() for name in tables}
        for child, parent in edges:  # a parent is emptied after each of its children
            parents[parent].add(child)
        order = list(TopologicalSorter(parents).static_order())
        deletes = "".join(f'DELETE FROM "{self.schema}"."{name}";' for name in order)
        return ("SET LOCAL lock_timeout = '3s';" + deletes
                + "SELECT count(setval(c.oid, 1, false)) FROM pg_class c JOIN pg_namespace n "
                f"ON n.oid = c.relnamespace WHERE c.relkind = 'S' AND n.nspname = '{self.schema}';")

    def empty(self) -> None:
        """Delete every row and restart every sequence; a damaged or locked schema is replaced by a new one."""
        try:
            with self.admin.connect() as conn, conn.begin():
                conn.exec_driver_sql(self.reset_sql)
        except DBAPIError:  # a table dropped, or a lock a leaked connection holds past lock_timeout
            self.drop()
            self.create()

    def drop(self) -> None:
        try:
            with self.admin.connect() as conn:
                conn.execute(text(f"SET lock_timeout = '3s'; DROP SCHEMA IF EXISTS \"{self.schema}\" CASCADE"))
        except DBAPIError:  # a leaked connection still holds it; the test database is scratch anyway
            pass


@pytest.fixture(scope="session")
def _migrated_postgres() -> Iterator[dict[str, MigratedSchema] | None]:
    """Per worker: one migrated schema that tests take in turn, one that modules take in turn."""
    base = _postgres_url()
    if base is None:
        yield None
        return
    admin = create_engine(base, isolation_level="AUTOCOMMIT", pool_pre_ping=True,
                          connect_args={"application_name": "salescoach-tests"})
    schemas = {"test": MigratedSchema(base, admin), "module": MigratedSchema(base, admin)}
    try:
        yield schemas
    finally:
        for schema in schemas.values():
            if schema.schema:
                schema.drop()
        admin.dispose()


def _migrated_url(request: pytest.FixtureRequest, folder, migrated_sqlite: str, schemas, use: str) -> str:
    if request.param == "sqlite":
        import shutil

        path = folder / "salescoach.db"
        shutil.copyfile(migrated_sqlite, path)
        return f"sqlite:///{path}"
    if schemas is None:
        pytest.skip("set TEST_DATABASE_URL to run against PostgreSQL")
    schema = schemas[use]
    if not schema.schema:
        _postgres_or_skip(schema.base, schema.admin)
        schema.create()
    else:
        schema.empty()
    return schema.url


@pytest.fixture(params=["sqlite", "postgresql"])
def migrated_database_url(request: pytest.FixtureRequest, tmp_path, migrated_sqlite, _migrated_postgres) -> str:
    """A database at the latest migration with empty tables, private to the test while it runs.

    SQLite: a copy of the migrated file. PostgreSQL: the worker's migrated schema, emptied before the test (a
    subprocess may use the URL too, but must end with the test). Tests of migrations or of a process that
    migrates an empty database use `database_url` instead.
    """
    return _migrated_url(request, tmp_path, migrated_sqlite, _migrated_postgres, "test")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def module_database_url(request: pytest.FixtureRequest, tmp_path_factory, migrated_sqlite,
                        _migrated_postgres) -> str:
    """Like `migrated_database_url`, but one database for a whole module: for rows seeded once and only read."""
    return _migrated_url(request, tmp_path_factory.mktemp("module"), migrated_sqlite, _migrated_postgres, "module")


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


RESULTS_WAIT = timedelta(days=3)  # results of a scheduled close wait for the manager's working hours, over a weekend


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


def reader(i: int):
    """How seed_team's UREP{i} reads the bot: a Translator for their Slack locale and time zone (ms, zh, lt, fa, en)."""
    from bot.i18n import Translator

    return Translator.for_person(TEAM_LOCALES[i % len(TEAM_LOCALES)], TEAM_TZS[i % len(TEAM_TZS)])


def block_texts(blocks) -> str:
    """Every text in Block Kit blocks, one a line; str(blocks) would escape Persian bidi marks (U+200F, U+2068)."""
    found: list[str] = []

    def walk(node) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("text"), str):
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(blocks)
    return "\n".join(found)


def eventually(predicate, timeout: float = 5.0):
    """Wait for work a listener does after its ack (bolt answers Slack first); returns the predicate's value."""
    import threading

    deadline, pause = timeout, threading.Event()
    while True:
        value = predicate()
        if value or deadline <= 0:
            return value
        pause.wait(0.01)
        deadline -= 0.01


class RunningBot:
    """The real bot over real HTTP (waitress) on loopback, talking to the Slack double."""

    def __init__(self, services, app, server, slack, actor, clock) -> None:
        self.services, self.app, self.server, self.slack, self.actor, self.clock = (
            services, app, server, slack, actor, clock)
        self.url = f"http://127.0.0.1:{server.effective_port}/slack/events"

    def job(self, name: str, at=None) -> str:
        from bot.runtime.jobs import run_job

        return run_job(self.services, name, at)

    def deliver(self, within: timedelta | None = None):
        """Send what is due now; with `within`, also what waits until then (results wait for working hours)."""
        return self.services.delivery.drain(self.clock.now + within if within else None)


@pytest.fixture
def slack():
    from bot.slack_double import SlackDouble

    double = SlackDouble().start()
    try:
        yield double
    finally:
        stop_at_once(double)


def stop_at_once(double) -> None:
    """double.stop() without waiting out its HTTP loop's poll interval (50 ms; stop() blocks until the loop looks
    again): connections made while it stops wake the loop, which sees the stop and ends without answering them."""
    import socket
    import threading

    port = double.port
    stopping = threading.Thread(target=double.stop, name="slack-double-stop")
    stopping.start()
    while stopping.is_alive():
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                pass
        except OSError:  # its socket is closed: what is left of stop() needs no waking
            break
        stopping.join(0.001)
    stopping.join()


def add_slack_users(slack, reps: int = 6) -> None:
    slack.add_user("maria", id="UMGR", email="maria@example.com", real_name="Maria Manager", tz="Europe/Vilnius")
    for i in range(reps):
        slack.add_user(f"rep{i}", id=f"UREP{i}", email=f"rep{i}@example.com", real_name=f"Rep {i}",
                       tz=TEAM_TZS[i % len(TEAM_TZS)], locale=TEAM_LOCALES[i % len(TEAM_LOCALES)])


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory) -> str:
    """A SQLite file at the latest migration, made once per worker; bot tests start from a copy of it."""
    from storage.db import make_engine, upgrade

    path = tmp_path_factory.mktemp("template") / "migrated.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return str(path)


@pytest.fixture
def cli_database(tmp_path, monkeypatch, migrated_sqlite) -> str:
    """For `salescoach` commands run in-process: a copy of the migrated SQLite file as DATABASE_URL, cwd tmp_path."""
    import shutil

    shutil.copyfile(migrated_sqlite, tmp_path / "cli.db")  # the migrated schema, without migrating again
    url = f"sqlite:///{tmp_path}/cli.db"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", url)
    return url


@contextmanager
def bot_on(url: str, slack, clock):
    """The real bot serving HTTP over the database at `url`, with a seeded team (a manager and six reps) in the
    database and in the double."""
    from bot.app import build_app
    from bot.bootstrap import bootstrap
    from bot.runtime.server import serving
    from bot.settings import Settings
    from bot.slack_double import SlackActor

    settings = Settings(database_url=url, slack_api_url=slack.api_url,
                        slack_bot_token=slack.bot_token, slack_signing_secret=slack.signing_secret)
    services = bootstrap(settings, clock=clock, migrate=False)  # already at head; tests of migrating use serve
    with services.sessions.begin() as session:
        seed_team(session, reps=6)
    add_slack_users(slack, reps=6)
    app = build_app(services, token_verification=True)
    with serving(app, services, threads=4) as server:
        bot = RunningBot(services, app, server, slack, None, clock)
        bot.actor = SlackActor(slack, bot.url)
        yield bot
    services.close()


@pytest.fixture
def running_bot(migrated_database_url, slack, clock):
    """A seeded team (a manager and six reps) in the database and in the double, and the bot serving HTTP."""
    with bot_on(migrated_database_url, slack, clock) as bot:
        yield bot


def with_recognition_channel(bot, channel_id: str, name: str = "recognition"):
    """The seeded team (Hunters) posts wins, kudos and shout-outs to this channel, in the double too."""
    from storage.recognition.repository import set_recognition_channel

    bot.slack.add_channel(name, id=channel_id)
    with bot.services.sessions.begin() as session:
        set_recognition_channel(session, team="Hunters", channel_id=channel_id)
    return bot


def count_drains(bot, monkeypatch, prefix):
    """Every listener ends by sending its outbox keys; counting those calls tells when a listener is done."""
    done = []
    drain = bot.services.delivery.drain

    def counting(*args, **kwargs):
        try:
            return drain(*args, **kwargs)
        finally:
            if any(k.startswith(prefix) for k in kwargs.get("keys") or []):
                done.append(kwargs["keys"])

    monkeypatch.setattr(bot.services.delivery, "drain", counting)
    return done


@pytest.fixture
def double(slack):
    """The Slack double on its own (the double's own tests call it by this name)."""
    return slack


@pytest.fixture
def client(slack):
    from slack_sdk import WebClient

    return WebClient(token=slack.bot_token, base_url=slack.api_url)


_ROOT = Path(__file__).resolve().parent.parent


def once_per_run(tmp_path_factory, name: str, make) -> Path:
    """A folder `make(folder)` filled once for the whole run: pytest-xdist's workers share the session's temporary
    root, and the first to take the lock makes it while the others wait, then find it made. For what tests only
    read (a built wheel, the demo's output)."""
    import fcntl
    import shutil

    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the session's root, above each worker's own
    folder = root / name
    with (root / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not (root / f"{name}.made").exists():
            if folder.exists():  # a worker that failed half way
                shutil.rmtree(folder)
            folder.mkdir()
            make(folder)
            (root / f"{name}.made").touch()
    return folder


@pytest.fixture(scope="session")
def installed(tmp_path_factory) -> Path:
    """salescoach built as a wheel and installed in a fresh environment (its dependencies are the tested ones,
    reached through a .pth file): its `salescoach` command, run from outside the source tree. Built once for the
    whole run."""
    return once_per_run(tmp_path_factory, "wheel", _build_and_install) / "env" / "bin" / "salescoach"


def _build_and_install(folder: Path) -> None:
    import shutil

    source = folder / "source"  # a copy: the build writes build/ and egg-info
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(_ROOT / name, source / name)
    for name in ("bot", "coaching", "storage", "surveys"):
        shutil.copytree(_ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                    str(folder / "dist"), str(source)], check=True, capture_output=True)
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder / "env")], check=True)
    site = next((folder / "env" / "lib").glob("python3*/site-packages"))
    dependencies = next(p for p in map(Path, sys.path) if p.name == "site-packages" and (p / "sqlalchemy").is_dir())
    (site / "tested_dependencies.pth").write_text(f"{dependencies}\n")
    wheel = next((folder / "dist").glob("salescoach-*.whl"))
    subprocess.run([sys.executable, "-m", "pip", "--python", str(folder / "env" / "bin" / "python"), "install",
                    "--no-deps", "-q", str(wheel)], check=True, capture_output=True)
