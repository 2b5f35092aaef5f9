"""No import cycles between the packages of app/ (issue 10).

The graph is read from the source with `ast`, not from what happens to be imported: every
`import` and `from ... import` in a module, at its top or inside a function, is an edge from
the module's unit to the imported one. A unit is a package under app/ (`app/news/`) or a
top-level module (`app/page_cache.py`); `app/__init__.py`, the factory, is the unit `app`.
Imports under `if TYPE_CHECKING:` never run and only name a type, so they are not edges of
the cycle check; the shells (admin, auth) may not name a feature even there.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app"

Edges = dict[tuple[str, str], list[str]]


def _unit(module: str) -> str:
    """`app.news.admin` -> `news`, `app.page_cache` -> `page_cache`, `app` -> `app`."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST, type_checking: bool = False):
    """Every import node of `tree`, skipping the bodies of `if TYPE_CHECKING:` unless
    `type_checking`."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        if not type_checking and isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                yield from _imports(ast.Module(body=[child], type_ignores=[]))
            continue
        yield from _imports(node, type_checking)


def _imported_modules(node: ast.Import | ast.ImportFrom, module: str, is_package: bool):
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:  # relative: resolved against the importing module's package
        package = module.split(".") if is_package else module.split(".")[:-1]
        base = package[: len(package) - node.level + 1]
        target = ".".join(base + ([node.module] if node.module else []))
    else:
        target = node.module or ""
    if target == "app":  # `from app import news` imports the package app.news
        return [f"app.{alias.name}" for alias in node.names]
    return [target]


def import_graph(root: Path = APP, type_checking: bool = False) -> Edges:
    """(from unit, to unit) -> the `file:line` of each import making that edge; with
    `type_checking`, imports under `if TYPE_CHECKING:` count too."""
    edges: Edges = defaultdict(list)
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root.parent).with_suffix("").parts
        is_package = parts[-1] == "__init__"
        module = ".".join(parts[:-1] if is_package else parts)
        source = _unit(module)
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in _imports(tree, type_checking):
            for target in _imported_modules(node, module, is_package):
                if target == "app" or target.startswith("app."):
                    if _unit(target) != source:
                        where = f"{path.relative_to(root.parent)}:{node.lineno}"
                        edges[source, _unit(target)].append(where)
    return dict(edges)


def cycles(edges: Edges) -> list[list[str]]:
    """The strongly connected components of more than one unit (Tarjan), each sorted."""
    graph: dict[str, set[str]] = defaultdict(set)
    for a, b in edges:
        graph[a].add(b)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)


def describe(component: list[str], edges: Edges) -> str:
    """Each edge inside the cycle with the imports that make it."""
    lines = [" <-> ".join(component)]
    for (a, b), where in sorted(edges.items()):
        if a in component and b in component:
            lines.append(f"  {a} -> {b}: {', '.join(where)}")
    return "\n".join(lines)


def test_no_import_cycle_between_packages_of_app():
    edges = import_graph()

    found = cycles(edges)

    assert not found, "import cycles between packages of app/:\n" + "\n".join(
        describe(c, edges) for c in found
    )


# The shells: a feature plugs into them through a registry (app.admin_menu,
# app.account_fields, app.sidebar, ...); they never name a feature, not even for a type.
SHELLS = ("admin", "auth")
FEATURES = ("news", "documents", "blocks", "stats", "demo")


def test_the_shells_import_no_feature_not_even_for_a_type():
    edges = import_graph(type_checking=True)

    found = {
        f"{shell} -> {feature}: {', '.join(edges[shell, feature])}"
        for shell in SHELLS
        for feature in FEATURES
        if (shell, feature) in edges
    }

    assert not found, "a shell imports a feature:\n" + "\n".join(sorted(found))


def test_the_graph_sees_function_level_relative_and_type_checking_imports(tmp_path):
    root = tmp_path / "app"
    for name in ("news", "admin", "auth"):
        (root / name).mkdir(parents=True)
    (root / "__init__.py").write_text("")
    (root / "news" / "__init__.py").write_text("from .models import Article\n")
    (root / "news" / "models.py").write_text("def f():\n    from app.admin import bp\n")
    (root / "admin" / "__init__.py").write_text("from app import news\n")
    (root / "auth" / "__init__.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from app.news import x\n"
    )

    edges = import_graph(root)

    assert edges == {
        ("news", "admin"): ["app/news/models.py:2"],
        ("admin", "news"): ["app/admin/__init__.py:1"],
    }
    assert cycles(edges) == [["admin", "news"]]
    assert describe(["admin", "news"], edges) == (
        "admin <-> news\n"
        "  admin -> news: app/admin/__init__.py:1\n"
        "  news -> admin: app/news/models.py:2"
    )
    assert import_graph(root, type_checking=True)["auth", "news"] == ["app/auth/__init__.py:3"]
