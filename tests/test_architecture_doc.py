"""docs/architecture.md stays true: every file and every function it names exists.

The page names steps as `path` or `path::name` (`name` may be `Class.method`); a rename or a
move that forgets the page fails here, naming what the page still says.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "architecture.md"
REFERENCE = re.compile(r"`((?:app|templates|static|tests)/[\w./-]+)(?:::([\w.]+))?`")


def defined_names(path: Path) -> set[str]:
    """Top-level functions, classes and assignments, and `Class.member` for class bodies."""
    names: set[str] = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.ClassDef):
            names.add(node.name)
            for member in node.body:
                if isinstance(member, ast.FunctionDef | ast.AsyncFunctionDef):
                    names.add(f"{node.name}.{member.name}")
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def references() -> list[tuple[str, str | None]]:
    return REFERENCE.findall(DOC.read_text())


def test_the_architecture_page_names_files_and_functions():
    found = references()
    assert len(found) >= 30  # the page really is read: a changed format would find nothing
    assert ("app/page_view.py", "PageView") in found


def test_every_file_and_function_the_architecture_page_names_exists():
    missing = []
    for path, name in references():
        file = ROOT / path
        if not file.exists():
            missing.append(path)
        elif name and name not in defined_names(file):
            missing.append(f"{path}::{name}")
    assert missing == []
