"""The house as docs/ARCHITECTURE.md draws it: no import cycle, and no app importing one above it.

The graph is read from the source (every ``import``, at module level or inside a function: an import
moved into a function to dodge a cycle is still a cycle). Migrations are left out: they must not
import live code at all, which ``test_migrations_import_no_application_code`` checks.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Lowest first: an app may import the apps before it, never one after it.
LAYERS = ("provinces", "reports", "sources", "dashboard", "opendata", "desk", "curation", "cchc_site")
MAX_LINES = 800


def _modules() -> dict[str, Path]:
    out = {}
    for app in LAYERS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            out[name] = path
    return out


def _imports(path: Path, name: str, known: set[str]) -> set[str]:
    """The project modules ``path`` imports (``from x import y`` counts ``x.y`` when that is a module)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(path, name, known) for name, path in modules.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        state[node] = 2
        stack.pop()
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_import_graph_has_no_cycle():
    assert _cycle(_graph()) is None, " -> ".join(_cycle(_graph()) or [])


def test_no_app_imports_an_app_above_it():
    upward = [
        f"{module} imports {target}"
        for module, targets in _graph().items()
        for target in targets
        if LAYERS.index(target.split(".")[0]) > LAYERS.index(module.split(".")[0])
    ]
    assert not upward, upward


def test_the_checker_sees_a_cycle_and_an_upward_import():
    """The two checks above can fail: a made-up graph with both faults is caught."""
    assert _cycle({"reports.a": {"reports.b"}, "reports.b": {"reports.a"}}) == ["reports.a", "reports.b", "reports.a"]
    assert _cycle({"reports.a": {"provinces.b"}, "provinces.b": set()}) is None
    graph = _graph()
    assert "reports.models" in graph["reports.visibility"], "the reader of imports misses relative imports"


def test_migrations_import_no_application_code():
    for app in LAYERS:
        for path in (ROOT / app).glob("migrations/*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    assert node.module.split(".")[0] not in LAYERS, f"{path.name} imports {node.module}"
                if isinstance(node, ast.ImportFrom) and node.level:
                    raise AssertionError(f"{path.name} imports live code relatively")


def test_no_module_is_too_long():
    long = {
        str(p.relative_to(ROOT)): n for p in _modules().values() if (n := len(p.read_text().splitlines())) > MAX_LINES
    }
    assert not long, long


def test_docs_name_every_app_and_rule_module():
    text = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    for app in LAYERS:
        assert f"`{app}" in text, app
    for module in ("reports/visibility.py", "reports/figures.py", "provinces/lineage.py", "dashboard/caching.py"):
        assert module in text and (ROOT / module).exists(), module
