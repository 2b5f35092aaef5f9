"""Trees stored as parent links: news categories, document fields, menu items."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Sequence
from typing import TypeVar

from sqlalchemy import select

from app.extensions import db

N = TypeVar("N")


class TreeNode:
    """For a model with `id` and `parent_id` columns."""

    def subtree_ids(self) -> set[int]:
        """The ids of this node and of every node below it, read in one query from the parent
        links in the database (not from loaded relationships, which may be stale or walk one
        query per level); a cycle written outside the app cannot loop forever."""
        if self.id is None:  # not stored yet: nothing can be below it
            return set()
        model = self.__class__
        children: dict[int | None, list[int]] = {}
        for node_id, parent_id in db.session.execute(select(model.id, model.parent_id)):
            children.setdefault(parent_id, []).append(node_id)
        found = {self.id}
        todo = list(children.get(self.id, []))
        while todo:
            node_id = todo.pop()
            if node_id not in found:
                found.add(node_id)
                todo.extend(children.get(node_id, []))
        return found


def walk_tree(
    nodes: Sequence[N], parent_of: Callable[[N], Hashable], key_of: Callable[[N], Hashable]
) -> Iterator[tuple[N, int, bool, bool]]:
    """(node, depth, first, last) for every node of `nodes` (in sibling order), parents before
    their children; first/last: among its siblings. Nodes no walk from the top (parent None)
    reaches, as in a cycle written outside the app, come last at the top, first and last."""
    below: dict[Hashable, list[N]] = {}
    for node in nodes:
        below.setdefault(parent_of(node), []).append(node)
    seen: set[Hashable] = set()

    def walk(parent: Hashable, depth: int) -> Iterator[tuple[N, int, bool, bool]]:
        siblings = below.get(parent, [])
        for i, node in enumerate(siblings):
            if key_of(node) in seen:  # a damaged tree must not loop forever
                continue
            seen.add(key_of(node))
            yield node, depth, i == 0, i == len(siblings) - 1
            yield from walk(key_of(node), depth + 1)

    yield from walk(None, 0)
    for node in nodes:
        if key_of(node) not in seen:
            seen.add(key_of(node))
            yield node, 0, True, True
