"""The rooms stay apart: the domain never imports Slack, SQL, the scheduler, templates or outer rooms."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {"slack_bolt", "slack_sdk", "sqlalchemy", "apscheduler", "jinja2", "bot", "storage", "alembic"}


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_domain_rooms_import_no_framework_and_no_outer_room():
    offenders = {}
    for room in ("surveys", "coaching"):
        for path in (ROOT / room).rglob("*.py"):
            bad = _imports(path) & FORBIDDEN
            if bad:
                offenders[str(path.relative_to(ROOT))] = sorted(bad)
    assert offenders == {}


def test_only_storage_imports_sqlalchemy_outside_the_composition_root():
    allowed = {"bot/bootstrap.py"}
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "bot").rglob("*.py")
                 if "sqlalchemy" in _imports(p) and str(p.relative_to(ROOT)) not in allowed]
    assert offenders == []


def test_only_settings_reads_the_environment():
    offenders = [str(p.relative_to(ROOT)) for room in ("bot", "surveys", "coaching", "storage")
                 for p in (ROOT / room).rglob("*.py")
                 if "os.environ" in p.read_text() and p.name != "settings.py"]
    assert offenders == []
