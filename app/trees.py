"""Trees stored as parent links: news categories and document fields."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db


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
