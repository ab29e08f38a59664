"""The package's shape: areas import one way, web/ and core/ import no area, modules stay
small. Imports inside functions and under TYPE_CHECKING count like any other."""

import ast
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "newsroom"
PLUMBING = {"core", "web"}
TOP_LEVEL = {"__init__", "config", "extensions", "database", "models", "blueprints", "cli"}
MAX_LINES = 400


def _area(module: str) -> str | None:
    """The area (subpackage) a dotted module name belongs to, or None for the top level."""
    parts = module.split(".")
    if parts[0] != "newsroom" or len(parts) < 2 or parts[1] in TOP_LEVEL:
        return None
    return parts[1]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in found if name.startswith("newsroom.")}


def _area_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for path in PACKAGE.rglob("*.py"):
        module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        source = _area(module)
        if source is None:
            continue
        for name in _imports(path):
            target = _area(name)
            if target is not None and target != source and (PACKAGE / target).is_dir():
                graph[source].add(target)
    return graph


def test_plumbing_imports_no_area():
    graph = _area_graph()
    wrong = {f"{p} -> {a}" for p in PLUMBING for a in graph.get(p, ()) if a not in PLUMBING}
    assert not wrong, sorted(wrong)


def test_core_imports_nothing_of_web():
    assert "web" not in _area_graph().get("core", set())


def test_no_two_areas_import_each_other():
    graph = _area_graph()
    both_ways = {tuple(sorted((a, b))) for a in graph for b in graph[a] if a in graph.get(b, ())}
    assert not both_ways, sorted(both_ways)


def test_no_module_is_over_the_size_limit():
    long = {
        str(path.relative_to(PACKAGE)): lines
        for path in PACKAGE.rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, long
