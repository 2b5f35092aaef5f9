"""Sidebar blocks: the banner positions and partner links (the registry is `app.sidebar`)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask

from app.blocks.models import Banner, BannerBlock
from app.blocks.queries import epoch, now, showing
from app.page_view import PageView
from app.sidebar import POSITIONS, Block, register_block, render_sidebar


@dataclass(frozen=True)
class Placement:
    """A banner position as the sidebar shows it."""

    block: BannerBlock
    sidebar_name: str  # its key in app.sidebar.POSITIONS
    template: str
    css_class: str
    label: str  # the landmark's name, for screen readers (unique on the page)


PLACEMENTS = (
    Placement(BannerBlock.BANNERS, "banners", "blocks/banners.html", "block-banners",
              "Liên kết nổi bật"),
    Placement(BannerBlock.MIDDLE, "middle_banners", "blocks/banners.html",
              "block-banners block-banners-middle", "Liên kết nổi bật khác"),
    Placement(BannerBlock.LINKS, "links", "blocks/links.html", "block-links", "Liên kết"),
)  # fmt: skip


def _context(placement: Placement):
    def context(page_view: PageView | None = None) -> dict | None:
        items, change = showing(placement.block, now())
        if page_view is not None and change is not None:
            # A cached copy of this page must not outlive the next start or end.
            page_view.changes_by(epoch(change))
        if not items:
            return None
        return {"items": items, "css_class": placement.css_class, "label": placement.label}

    return context


def init_app(app: Flask) -> None:
    from app.blocks import admin, routes

    app.register_blueprint(routes.bp)
    admin.init_admin(app)
    for placement in PLACEMENTS:
        register_block(
            app,
            Block(placement.sidebar_name, placement.template, _context(placement),
                  POSITIONS[placement.sidebar_name]),
        )  # fmt: skip
    app.add_template_global(render_sidebar)


__all__ = ["PLACEMENTS", "Banner", "BannerBlock", "Block", "init_app", "register_block"]
