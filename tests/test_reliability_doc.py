"""docs/reliability.md names a test for every row of the reliability table, and each exists."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "reliability.md").read_text(encoding="utf-8")
REFERENCE = re.compile(r"`(tests/[\w/]+\.py)::(\w+)")
ROWS = [
    f"{group}{n}"
    for group, last in zip("ABCDEFG", (10, 7, 5, 7, 4, 6, 4), strict=True)
    for n in range(1, last + 1)
]
ROWS += [f"H{n}" for n in range(1, 12)] + ["I1", "I2", "I3"]
ROWS += [f"J{n}" for n in range(1, 7)] + ["K1", "K2", "K3"]
ROWS += [f"L{n}" for n in range(1, 9)] + [f"N{n}" for n in range(1, 13)]


def defined_functions(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}


def test_reliability_doc_names_a_test_for_every_row():
    for row in ROWS:
        line = next((x for x in DOC.splitlines() if x.startswith(f"| {row} |")), "")
        assert REFERENCE.search(line), f"row {row} names no test"


def test_reliability_doc_references_only_existing_tests():
    missing = []
    for path, name in REFERENCE.findall(DOC):
        file = ROOT / path
        if not file.exists() or name not in defined_functions(file):
            missing.append(f"{path}::{name}")
    assert missing == []
