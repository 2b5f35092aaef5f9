"""The sidebar as a list of blocks that features contribute to.

A feature registers a block once per app (name, position, template, context function);
base.html renders whatever is registered, so adding a block never touches the layout. Each
block's context function receives the request's page view (or None on pages that are none),
and its template gets it as `page_view` for live numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app, render_template
from markupsafe import Markup

from app.page_view import PageView

# Where the known blocks go, top to bottom.
# Banners between "Văn bản mới" and "Thống kê" sit right under "Văn bản mới", above "Tin xem
# nhiều": the seed's order ("Văn bản mới", then its banners) stays, with or without that block.
POSITIONS = {"banners": 10, "new_documents": 20, "middle_banners": 22, "most_read": 25, "stats": 30,
             "links": 40}  # fmt: skip


@dataclass(frozen=True)
class Block:
    name: str
    template: str
    context: Callable[[PageView | None], dict | None]
    position: int = 50


def register_block(app: Flask, block: Block) -> None:
    blocks: dict[str, Block] = app.extensions.setdefault("sidebar_blocks", {})
    blocks[block.name] = block


def render_sidebar(page_view: PageView | None = None) -> Markup:
    """Every registered block in position order; a block whose context is None is hidden."""
    blocks = sorted(
        current_app.extensions.get("sidebar_blocks", {}).values(),
        key=lambda b: (b.position, b.name),
    )
    parts = []
    for block in blocks:
        context = block.context(page_view)
        if context is not None:
            parts.append(
                render_template(block.template, block=block, page_view=page_view, **context)
            )
    return Markup("\n".join(parts))  # noqa: S704 - rendered by autoescaping templates
