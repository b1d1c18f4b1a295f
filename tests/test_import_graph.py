"""No import circles anywhere (imports inside functions and under TYPE_CHECKING included), and imports between
rooms and between feature packages point only the allowed ways."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROOMS = ("bot", "coaching", "surveys", "storage")


def _modules() -> dict[str, Path]:
    found = {}
    for room in ROOMS:
        for path in (ROOT / room).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """Every project module `name` imports, wherever the import statement stands."""
    out = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            out |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                out.add(sub if sub in MODULES else base)
    return {m for m in out if m in MODULES and m != name}


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(GRAPH[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1 or v in GRAPH[v]:
                found.append(sorted(component))

    for v in sorted(GRAPH):
        if v not in index:
            visit(v)
    return found


def test_no_import_circles_anywhere_not_even_inside_functions():
    assert _cycles() == []


def test_the_graph_sees_imports_inside_functions():
    """The check can fail: a deferred import is an edge like any other."""
    deferred = {name for name, path in MODULES.items()
                if any(isinstance(n, ast.FunctionDef) and any(isinstance(m, ast.ImportFrom | ast.Import)
                                                              for m in ast.walk(n))
                       for n in ast.walk(ast.parse(path.read_text())))}
    assert deferred, "no module imports inside a function; this test no longer shows anything"
    assert all(GRAPH[name] or name for name in deferred)


ROOM_MAY_IMPORT = {
    "surveys": {"surveys"},
    "coaching": {"coaching", "surveys"},
    "storage": {"storage", "coaching", "surveys"},
    "bot": {"bot", "coaching", "surveys", "storage"},
}


def test_rooms_import_only_inwards():
    offenders = sorted(f"{name} -> {dep}" for name, deps in GRAPH.items() for dep in deps
                       if dep.split(".")[0] not in ROOM_MAY_IMPORT[name.split(".")[0]])
    assert offenders == []


COACHING_FEATURES = {"performance", "followups", "one_on_ones", "recognition", "asks", "losses", "intel", "complaints"}


def test_coaching_features_import_only_the_shared_coaching_modules_not_each_other():
    offenders = []
    for name, deps in GRAPH.items():
        parts = name.split(".")
        if parts[0] != "coaching" or len(parts) < 3 or parts[1] not in COACHING_FEATURES:
            continue
        for dep in deps:
            dparts = dep.split(".")
            if dparts[0] == "coaching" and len(dparts) > 2 and dparts[1] in COACHING_FEATURES and dparts[1] != parts[1]:
                offenders.append(f"{name} -> {dep}")
    assert offenders == []
