"""Sidebar blocks: banners and partner links (the sidebar registry is `app.sidebar`)."""

from flask import Flask
from sqlalchemy import select

from app.blocks.models import Banner, BannerBlock
from app.extensions import db
from app.sidebar import POSITIONS, Block, register_block, render_sidebar


def active_banners(block: BannerBlock) -> list[Banner]:
    query = (
        select(Banner)
        .where(Banner.block == block, Banner.active_clause())
        .order_by(Banner.position, Banner.id)
    )
    return list(db.session.scalars(query))


def _context(block: BannerBlock):
    def context(page_view=None) -> dict | None:  # banners and links have no live number
        items = active_banners(block)
        return {"items": items} if items else None

    return context


def init_app(app: Flask) -> None:
    from app.blocks import admin, routes

    app.register_blueprint(routes.bp)
    admin.init_admin(app)
    register_block(
        app,
        Block("banners", "blocks/banners.html", _context(BannerBlock.BANNERS),
              POSITIONS["banners"]),
    )  # fmt: skip
    register_block(
        app, Block("links", "blocks/links.html", _context(BannerBlock.LINKS), POSITIONS["links"])
    )
    app.add_template_global(render_sidebar)


__all__ = ["Banner", "BannerBlock", "Block", "init_app", "register_block"]
