"""What the banner tests share: rows written as the admin would, and the sidebar read back."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

from PIL import Image

from app.blocks.models import Banner, BannerBlock
from app.extensions import db
from app.media import save_uploaded_image


def png(color: str = "red", size: tuple[int, int] = (300, 90)) -> str:
    """A stored picture's name (through the media module, as an upload would be)."""
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    out.seek(0)
    return save_uploaded_image(out)


def add(title: str, block: BannerBlock = BannerBlock.BANNERS, **fields) -> Banner:
    fields.setdefault("target_url", "https://example.gov.vn/")
    banner = Banner(title=title, block=block, **fields)
    db.session.add(banner)
    db.session.commit()
    return banner


def aside(page: str) -> str:
    return page.split('<aside class="sidebar"', 1)[1].split("</aside>", 1)[0]


def section(page: str, css_class: str) -> str:
    """The sidebar section whose class attribute is exactly `block <css_class>`, or ""."""
    side = aside(page)
    marker = f'class="block {css_class}"'
    if marker not in side:
        return ""
    return side.split(marker, 1)[1].split("</section>", 1)[0]


def banner_titles(html: str) -> list[str]:
    """What each banner of a section says: its image's alt text, or its text."""
    found = []
    for link in re.findall(r'<a class="banner[^"]*"[^>]*>(.*?)</a>', html, re.S):
        alt = re.search(r'<img [^>]*alt="([^"]*)"', link)
        found.append(alt.group(1) if alt else re.sub(r"<[^>]+>", "", link).strip())
    return found


def clock_time(clock) -> datetime:
    """The test clock's moment as a stored (naive UTC) time."""
    return datetime.fromtimestamp(clock(), UTC).replace(tzinfo=None)
