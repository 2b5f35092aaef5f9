"""The demo's banners and partner links (`flask seed-demo`), with generated pictures."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from sqlalchemy import select

from app.blocks.models import Banner, BannerBlock
from app.demo.images import banner_png, logo_png, text_banner_png
from app.extensions import db
from app.media import save_uploaded_image

if TYPE_CHECKING:
    from app.demo.loader import DemoBanner, DemoLink


def _kind(block: BannerBlock) -> str:
    # A banner is recognised by its title in either banner position: a site seeded before
    # there were two keeps its banners where they are instead of getting copies.
    return "link" if block == BannerBlock.LINKS else "banner"


def _picture(data: bytes) -> str:
    return save_uploaded_image(io.BytesIO(data))


def seed_demo(banners: list[DemoBanner], links: list[DemoLink]) -> int:
    """Add the demo banners and links that are missing (by title); return how many were
    added. The caller commits."""
    existing = {(_kind(b.block), b.title) for b in db.session.scalars(select(Banner))}
    added = 0
    for item in banners:
        if ("banner", item.title) in existing:
            continue
        picture = text_banner_png(item.color, item.image_text) if item.image_text else (
            banner_png(item.color))  # fmt: skip
        db.session.add(
            Banner(title=item.title, target_url=item.target_url, image=_picture(picture),
                   block=item.position, position=item.order, show_title=item.show_title)
        )  # fmt: skip
        added += 1
    for link in links:
        if ("link", link.title) in existing:
            continue
        logo = _picture(logo_png(link.logo_color, link.logo_text)) if link.logo_color else None
        db.session.add(
            Banner(title=link.title, target_url=link.target_url, image=logo,
                   block=BannerBlock.LINKS, position=link.order)
        )  # fmt: skip
        added += 1
    return added
